/*
 * engine_io.c - the engine's byte side: wiping byte queues, server
 * TSRequests (MS-CSSP 2.2.1) out through the engine's TLS session (or
 * straight into the output queue with application-owned TLS), the output
 * view, and the application data after the exchange (MS-RDPBCGR 5.4.5.2:
 * the RDP connection goes on over the same TLS session).
 *
 * Never changes the stage; the core (engine.c) calls into this file, not the
 * other way round.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "engine.h"

uint64_t
cssp_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Make room for n more bytes in b (never above max). */
credssp_error
cssp_bytes_reserve(struct cssp_bytes *b, size_t n, size_t max)
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

credssp_error
cssp_bytes_append(struct cssp_bytes *b, const uint8_t *p, size_t n, size_t max)
{
    credssp_error ret = cssp_bytes_reserve(b, n, max);

    if (ret == CREDSSP_OK && n > 0) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
    return ret;
}

void
cssp_bytes_free(struct cssp_bytes *b)
{
    if (b->data != NULL) {
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    *b = (struct cssp_bytes){ 0 };
}

credssp_error
cssp_engine_flush_tls(struct credssp_engine *e)
{
    size_t pending;

    while ((pending = cssp_tls_pending(&e->tls)) > 0) {
        credssp_error ret = cssp_bytes_reserve(&e->out, pending, SIZE_MAX / 2);

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
        return cssp_bytes_append(&e->out, p, n, SIZE_MAX / 2);
    ret = cssp_tls_write(&e->tls, p, n);
    if (ret == CREDSSP_OK)
        ret = cssp_engine_flush_tls(e);
    return ret;
}

credssp_error
cssp_engine_send(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    credssp_error ret;
    uint8_t *buf = NULL;
    size_t len = 0;

    ret = cssp_ts_request_encode(req, &buf, &len);
    if (ret == CREDSSP_OK)
        ret = cssp_engine_emit(e, buf, len);
    free(buf);
    return ret;
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
        (void)cssp_engine_flush_tls(e);
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
    (void)cssp_engine_flush_tls(e);
}
