/*
 * engine.c - the sans-I/O CredSSP acceptor: public API, buffers, TLS pump.
 *
 * Bytes in (credssp_engine_feed), bytes out (credssp_engine_output), a
 * status.  No socket is touched here.  In engine-owned TLS mode the raw TCP
 * stream after the X.224 negotiation (MS-RDPBCGR 5.4.5.2) is fed in; with
 * application-owned TLS, the decrypted TSRequest stream.  TSRequests are
 * reassembled from their DER framing (MS-CSSP note <8>: one per record, but
 * we do not rely on it) and handed to engine_auth.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "binding.h"
#include "buf.h"
#include "engine.h"

#define TLS_CHUNK 16384u
#define APP_LEFTOVER_MAX (1u << 20)

uint64_t
cssp_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Make room for n more bytes in b (never above max). */
static credssp_error
bytes_reserve(struct cssp_bytes *b, size_t n, size_t max)
{
    uint8_t *grown;
    size_t want;

    if (b->off > 0 && b->off == b->len) {
        b->off = 0;
        b->len = 0;
    }
    if (n > max || b->len - b->off > max - n)
        return CREDSSP_E_TOO_LARGE;
    if (b->off > 0 && b->len + n > b->cap) {
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
    }
    if (b->len + n <= b->cap)
        return CREDSSP_OK;
    want = b->cap < 4096 ? 4096 : b->cap;
    while (want < b->len + n)
        want *= 2;
    /* Not realloc: it would free the old block unwiped (TLS plaintext). */
    grown = malloc(want);
    if (grown == NULL)
        return CREDSSP_E_NOMEM;
    if (b->data != NULL) {
        memcpy(grown, b->data, b->len);
        OPENSSL_cleanse(b->data, b->cap); /* the old block after growth */
        free(b->data);
    }
    b->data = grown;
    b->cap = want;
    return CREDSSP_OK;
}

static credssp_error
bytes_append(struct cssp_bytes *b, const uint8_t *p, size_t n, size_t max)
{
    credssp_error ret = bytes_reserve(b, n, max);

    if (ret == CREDSSP_OK && n > 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
    return ret;
}

/* Free b, wiping it first (it may have held TLS plaintext). */
static void
bytes_free(struct cssp_bytes *b)
{
    if (b->data != NULL) {
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    *b = (struct cssp_bytes){ 0 };
}

/* Move pending TLS ciphertext into the output queue. */
static credssp_error
flush_tls(struct credssp_engine *e)
{
    size_t pending;

    while ((pending = cssp_tls_pending(&e->tls)) > 0) {
        credssp_error ret = bytes_reserve(&e->out, pending, SIZE_MAX / 2);

        if (ret != CREDSSP_OK)
            return ret;
        e->out.len += cssp_tls_drain(&e->tls, e->out.data + e->out.len, pending);
    }
    return CREDSSP_OK;
}

credssp_error
cssp_engine_emit(struct credssp_engine *e, const uint8_t *p, size_t n)
{
    credssp_error ret;

    if (e->mode == CREDSSP_TLS_APPLICATION)
        return bytes_append(&e->out, p, n, SIZE_MAX / 2);
    ret = cssp_tls_write(&e->tls, p, n);
    if (ret == CREDSSP_OK)
        ret = flush_tls(e);
    return ret;
}

CREDSSP_API credssp_error
credssp_engine_new(credssp_config *cfg, credssp_tls_mode mode, credssp_engine **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    credssp_engine *e = NULL;

    if (out == NULL || cfg == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    if (mode != CREDSSP_TLS_ENGINE && mode != CREDSSP_TLS_APPLICATION)
        return CREDSSP_E_INVALID_ARG;
    if (!cfg->prepared)
        return CREDSSP_E_STATE;
    if (mode == CREDSSP_TLS_ENGINE && cfg->ssl_ctx == NULL)
        return CREDSSP_E_CONFIG;
    e = calloc(1, sizeof(*e));
    if (e == NULL)
        return CREDSSP_E_NOMEM;
    e->cfg = cfg;
    e->mode = mode;
    cssp_gss_init(&e->gss);
    e->start_ms = cssp_now_ms();
    if (cfg->timeout_ms != 0)
        e->deadline_ms = e->start_ms + cfg->timeout_ms;
    ret = cssp_result_new(&e->result);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (cfg->lookup != NULL) {
        ret = cssp_gss_lookup_begin(cfg, &e->gss);
        if (ret != CREDSSP_OK)
            goto cleanup;
        e->cred = e->gss.own_cred;
    } else {
        e->cred = cfg->gss_cred;
    }
    if (mode == CREDSSP_TLS_ENGINE) {
        ret = cssp_tls_init(&e->tls, cfg->ssl_ctx);
        if (ret != CREDSSP_OK)
            goto cleanup;
        e->stage = STAGE_TLS;
    } else {
        e->stage = STAGE_NEGO;
    }
    *out = e;
    e = NULL;
    ret = CREDSSP_OK;

cleanup:
    credssp_engine_free(e);
    return ret;
}

CREDSSP_API void
credssp_engine_free(credssp_engine *e)
{
    if (e == NULL)
        return;
    cssp_tls_clear(&e->tls);
    if (e->cfg->lookup != NULL)
        cssp_gss_lookup_end(e->cfg, &e->gss);   /* credential back to the pool */
    cssp_gss_clear(&e->gss);
    free(e->spk);
    bytes_free(&e->in);
    bytes_free(&e->out);
    bytes_free(&e->app);
    free(e->peer);
    credssp_result_free(e->result);
    free(e);
}

CREDSSP_API credssp_error
credssp_engine_set_peer(credssp_engine *e, const char *peer)
{
    char *copy;

    if (e == NULL || peer == NULL)
        return CREDSSP_E_INVALID_ARG;
    copy = strdup(peer);
    if (copy == NULL)
        return CREDSSP_E_NOMEM;
    free(e->peer);
    e->peer = copy;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_engine_set_server_cert(credssp_engine *e, const uint8_t *der, size_t len)
{
    uint8_t *spk = NULL;
    size_t spk_len = 0;
    credssp_error ret;

    if (e == NULL || der == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (e->mode != CREDSSP_TLS_APPLICATION || e->client_version != 0)
        return CREDSSP_E_STATE;
    ret = cssp_binding_spk_from_der(der, len, &spk, &spk_len);
    if (ret != CREDSSP_OK)
        return ret;
    free(e->spk);
    e->spk = spk;
    e->spk_len = spk_len;
    return CREDSSP_OK;
}

CREDSSP_API void
credssp_engine_set_deadline(credssp_engine *e, uint64_t deadline_ms)
{
    if (e != NULL)
        e->deadline_ms = deadline_ms;
}

CREDSSP_API credssp_status
credssp_engine_status(const credssp_engine *e)
{
    if (e == NULL || e->stage == STAGE_FAILED)
        return CREDSSP_FAILED;
    if (e->stage == STAGE_DONE)
        return CREDSSP_DONE;
    if (e->step_frame > 0)   /* deferred mode only (engine_step.c) */
        return (credssp_status)(CREDSSP_WANT_STEP |
                                (e->out.len > e->out.off ? CREDSSP_WANT_WRITE : 0));
    return e->out.len > e->out.off ? CREDSSP_WANT_WRITE : CREDSSP_WANT_READ;
}

CREDSSP_API credssp_error
credssp_engine_error(const credssp_engine *e)
{
    return e != NULL ? e->err : CREDSSP_E_INVALID_ARG;
}

CREDSSP_API const credssp_result *
credssp_engine_result(const credssp_engine *e)
{
    return e != NULL ? e->result : NULL;
}

CREDSSP_API credssp_result *
credssp_engine_take_result(credssp_engine *e)
{
    credssp_result *r;

    if (e == NULL)
        return NULL;
    r = e->result;
    e->result = NULL;
    return r;
}

/* Hand every complete TSRequest in e->in to the state machine. */
static void
process_input(struct credssp_engine *e)
{
    while (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        const uint8_t *start = e->in.data + e->in.off;
        size_t avail = e->in.len - e->in.off, frame = 0;
        credssp_error ret;

        if (avail == 0)
            return;
        ret = cssp_ts_request_frame_flags(start, avail, e->cfg->max_message,
                                          cssp_engine_decode_flags(e), &frame);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret);
            return;
        }
        if (frame == 0)
            return;
        if (cssp_engine_defer(e, frame))
            return;          /* credssp_engine_step() handles it, on a worker */
        cssp_engine_handle(e, start, frame);
        e->in.off += frame;
    }
    if (e->stage == STAGE_DONE && e->in.len > e->in.off) {
        /* Plaintext after authInfo (e.g. MCS Connect Initial) belongs to the app. */
        if (bytes_append(&e->app, e->in.data + e->in.off, e->in.len - e->in.off,
                         APP_LEFTOVER_MAX) != CREDSSP_OK)
            cssp_engine_fail(e, CREDSSP_E_TOO_LARGE);
        e->in.off = e->in.len;
    }
}

/* Engine-owned TLS: handshake, then decrypt records into e->in. */
static void
pump_tls(struct credssp_engine *e)
{
    credssp_error ret;

    if (e->stage == STAGE_TLS) {
        ret = cssp_tls_handshake(&e->tls);
        if (ret == CREDSSP_OK)
            ret = flush_tls(e);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret == CREDSSP_E_CLOSED ? CREDSSP_E_CLOSED : CREDSSP_E_TLS);
            return;
        }
        if (!e->tls.established)
            return;
        /* Bind the certificate this handshake actually presented (an SNI
         * callback may have switched it), read once the handshake is done. */
        ret = cssp_binding_spk_from_x509(cssp_tls_certificate(&e->tls), &e->spk, &e->spk_len);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret);
            return;
        }
        e->stage = STAGE_NEGO;
    }
    while (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        size_t n = 0;

        /* Never hold more than one maximal TSRequest plus one TLS record. */
        ret = bytes_reserve(&e->in, TLS_CHUNK, e->cfg->max_message + TLS_CHUNK);
        if (ret == CREDSSP_OK)
            ret = cssp_tls_read(&e->tls, e->in.data + e->in.len, TLS_CHUNK, &n);
        if (ret == CREDSSP_OK)
            ret = flush_tls(e);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret);
            return;
        }
        if (n == 0)
            return;
        e->in.len += n;
        process_input(e);
    }
}

/* Fail with CREDSSP_E_TIMEOUT once the deadline has passed. */
static bool
deadline_passed(struct credssp_engine *e)
{
    if (e->deadline_ms == 0 || e->stage >= STAGE_DONE || cssp_now_ms() < e->deadline_ms)
        return false;
    cssp_engine_fail(e, CREDSSP_E_TIMEOUT);
    return true;
}

CREDSSP_API credssp_status
credssp_engine_feed(credssp_engine *e, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (e == NULL || (data == NULL && len != 0))
        return CREDSSP_FAILED;
    if (e->stage == STAGE_FAILED || deadline_passed(e))
        return CREDSSP_FAILED;
    if (e->mode == CREDSSP_TLS_ENGINE) {
        ret = cssp_tls_feed(&e->tls, data, len);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret);
            return CREDSSP_FAILED;
        }
        if (e->stage != STAGE_DONE)
            pump_tls(e);
    } else if (e->stage != STAGE_DONE) {
        if (e->spk == NULL) {
            cssp_engine_fail(e, CREDSSP_E_CONFIG);
            return CREDSSP_FAILED;
        }
        ret = bytes_append(&e->in, data, len, e->cfg->max_message + TLS_CHUNK);
        if (ret != CREDSSP_OK) {
            cssp_engine_fail(e, ret);
            return CREDSSP_FAILED;
        }
        process_input(e);
    }
    return credssp_engine_status(e);
}

CREDSSP_API credssp_status
credssp_engine_feed_eof(credssp_engine *e)
{
    if (e == NULL)
        return CREDSSP_FAILED;
    if (e->stage < STAGE_DONE)
        cssp_engine_fail(e, CREDSSP_E_CLOSED);
    return credssp_engine_status(e);
}

CREDSSP_API const uint8_t *
credssp_engine_output(credssp_engine *e, size_t *len_out)
{
    if (len_out == NULL)
        return NULL;
    *len_out = 0;
    if (e == NULL || e->out.len == e->out.off)
        return NULL;
    *len_out = e->out.len - e->out.off;
    return e->out.data + e->out.off;
}

CREDSSP_API void
credssp_engine_output_consumed(credssp_engine *e, size_t n)
{
    if (e == NULL)
        return;
    if (n > e->out.len - e->out.off)
        n = e->out.len - e->out.off;
    e->out.off += n;
    if (e->out.off == e->out.len)
        e->out.off = e->out.len = 0;
}

CREDSSP_API credssp_error
credssp_engine_write_app(credssp_engine *e, const uint8_t *data, size_t len)
{
    if (e == NULL || (data == NULL && len != 0))
        return CREDSSP_E_INVALID_ARG;
    if ((e->stage != STAGE_DONE && !(e->stage == STAGE_FAILED && e->late_failure)) ||
        e->mode != CREDSSP_TLS_ENGINE)
        return CREDSSP_E_STATE;
    if (len == 0)
        return CREDSSP_OK;
    return cssp_engine_emit(e, data, len);
}

CREDSSP_API size_t
credssp_engine_read_app(credssp_engine *e, uint8_t *buf, size_t cap)
{
    size_t n = 0;

    if (e == NULL || buf == NULL || e->stage != STAGE_DONE)
        return 0;
    if (e->app.len > e->app.off) {
        n = e->app.len - e->app.off;
        if (n > cap)
            n = cap;
        memcpy(buf, e->app.data + e->app.off, n);
        e->app.off += n;
        return n;
    }
    if (e->mode == CREDSSP_TLS_ENGINE && !e->app_eof) {
        if (cssp_tls_read(&e->tls, buf, cap, &n) != CREDSSP_OK) {
            n = 0;
            e->app_eof = true;
        }
        (void)flush_tls(e);
    }
    return n;
}

CREDSSP_API int
credssp_engine_app_eof(const credssp_engine *e)
{
    return e == NULL || e->app_eof;
}

CREDSSP_API void
credssp_engine_shutdown(credssp_engine *e)
{
    if (e == NULL || e->mode != CREDSSP_TLS_ENGINE)
        return;
    cssp_tls_shutdown(&e->tls);
    (void)flush_tls(e);
}
