/*
 * engine.c - the core of the sans-I/O CredSSP acceptor (MS-CSSP 3.1.5):
 * the stage table, the one function that changes the stage, the TLS pump,
 * feed and status.
 *
 * Bytes in (credssp_engine_feed), bytes out (credssp_engine_output,
 * engine_io.c), a status made of flags.  No socket is touched here.  In
 * engine-owned TLS mode the raw TCP stream after the X.224 negotiation
 * (MS-RDPBCGR 5.4.5.2) is fed in; with application-owned TLS, the decrypted
 * TSRequest stream.  TSRequests are reassembled from their DER framing
 * (MS-CSSP note <8>: one per record, but we do not rely on it); each is
 * checked against the stage table (which TSRequest fields, MS-CSSP 2.2.1,
 * the stage requires and forbids) and handed to the stage's handler
 * (engine_auth.c), which returns the next stage or an error.  feed()
 * handles everything it was given, so a caller never feeds nothing to make
 * progress.
 *
 * Versions: we always announce 6; the behaviour in force is min(client, 6).
 * errorCode is sent only to clients at version 3, 4 or >= 6 (MS-CSSP 2.2.1),
 * only while authentication is still in progress, and a client may never
 * send it.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "audit.h"
#include "binding.h"
#include "engine.h"
#include "tscred.h"

#define TLS_CHUNK 16384u
#define APP_LEFTOVER_MAX (1u << 20)

/* Fields no client message may carry: errorCode is server-to-client only. */
#define CLIENT_NEVER CSSP_F_ERROR_CODE
#define TO(stage) (1u << (stage))

/* One row per stage: what a client TSRequest must and must not carry there. */
struct stage_rule {
    const char *name;
    unsigned required;            /* enum cssp_ts_field bits */
    unsigned forbidden;           /* enum cssp_ts_field bits */
    cssp_stage_fn *handler;       /* NULL: no TSRequest is read in this stage */
    unsigned next;                /* TO() bits: the stages it may go to */
};

static const struct stage_rule stage_table[STAGE_COUNT] = {
    [STAGE_TLS] = { "tls", 0, 0, NULL, TO(STAGE_NEGO) | TO(STAGE_FAILED) },
    /* A negoToken; the client's last one may come with pubKeyAuth. */
    [STAGE_NEGO] = { "nego", CSSP_F_NEGO_TOKENS, CSSP_F_AUTH_INFO | CLIENT_NEVER,
                     cssp_handle_nego,
                     TO(STAGE_NEGO) | TO(STAGE_PUBKEY) | TO(STAGE_AUTHINFO) | TO(STAGE_FAILED) },
    /* pubKeyAuth alone, after our final token (Kerberos AP-REP). */
    [STAGE_PUBKEY] = { "pubkey", CSSP_F_PUB_KEY_AUTH,
                       CSSP_F_NEGO_TOKENS | CSSP_F_AUTH_INFO | CLIENT_NEVER, cssp_handle_pubkey,
                       TO(STAGE_AUTHINFO) | TO(STAGE_FAILED) },
    /* authInfo alone, after our pubKeyAuth. */
    [STAGE_AUTHINFO] = { "authinfo", CSSP_F_AUTH_INFO,
                         CSSP_F_NEGO_TOKENS | CSSP_F_PUB_KEY_AUTH | CLIENT_NEVER,
                         cssp_handle_auth_info, TO(STAGE_DONE) | TO(STAGE_FAILED) },
    [STAGE_DONE] = { "done", 0, 0, NULL, 0 },
    [STAGE_FAILED] = { "failed", 0, 0, NULL, 0 },
};

/* The fields a decoded TSRequest carries. */
static unsigned
fields_of(const struct cssp_ts_request *req)
{
    return (req->nego_token != NULL ? CSSP_F_NEGO_TOKENS : 0) |
           (req->auth_info != NULL ? CSSP_F_AUTH_INFO : 0) |
           (req->pub_key_auth != NULL ? CSSP_F_PUB_KEY_AUTH : 0) |
           (req->has_error_code ? CSSP_F_ERROR_CODE : 0) |
           (req->client_nonce != NULL ? CSSP_F_CLIENT_NONCE : 0);
}

/* The one audit line of this attempt. */
static void
audit(struct credssp_engine *e)
{
    struct cssp_audit_info a = { .peer = e->peer,
                                 .err = e->err,
                                 .elapsed_ms = cssp_now_ms() - e->start_ms,
                                 .backend_ms = e->backend_ms,
                                 .gss_text = e->gss.status_text };

    if (e->audited)
        return;
    e->audited = true;
    cssp_audit(e->cfg, e->result, &a);
}

/*
 * The only writer of e->stage.  A move the table does not allow is an
 * internal error and fails the engine; reaching DONE or FAILED is audited.
 */
static void
enter_stage(struct credssp_engine *e, enum cssp_stage next)
{
    if (next == e->stage)
        return;
    if ((stage_table[e->stage].next & TO(next)) == 0) {
        if (e->stage == STAGE_DONE || e->stage == STAGE_FAILED)
            return;
        cssp_log(e->cfg, LOG_ERR, "credssp: internal error: stage %s cannot go to %s",
                 stage_table[e->stage].name, stage_table[next].name);
        e->err = CREDSSP_E_INTERNAL;
        next = STAGE_FAILED;
    }
    e->stage = next;
    if (next == STAGE_DONE) {
        e->err = CREDSSP_OK;
        audit(e);
    }
}

/* May this client receive errorCode (MS-CSSP 2.2.1: versions 3, 4 and 6+)? */
static bool
error_code_allowed(int client_version)
{
    return client_version == 3 || client_version == 4 || client_version >= 6;
}

/* NTSTATUS for an error that ends authentication, 0 = send none (just close). */
static uint32_t
ntstatus_for(credssp_error err)
{
    switch (err) {
    case CREDSSP_E_LOGON_FAILURE:
    case CREDSSP_E_GSS:
    case CREDSSP_E_BAD_TOKEN:
    case CREDSSP_E_NO_ACCEPTOR_CRED:
        return CREDSSP_STATUS_LOGON_FAILURE;
    case CREDSSP_E_POLICY_VERSION:
    case CREDSSP_E_POLICY_MECH:
        return CREDSSP_STATUS_NOT_SUPPORTED;
    default:
        return 0;
    }
}

/* Fail: record err, send errorCode when allowed and useful, audit, wipe. */
static void
fail(struct credssp_engine *e, credssp_error err)
{
    uint32_t status;

    if (e->stage == STAGE_FAILED || e->stage == STAGE_DONE)
        return;
    /* A late back end is the server's fault, not the user's: say "no logon
     * servers" (what Windows says when its DC does not answer), not "wrong
     * password".  A silent client's timeout gets no errorCode. */
    status = err == CREDSSP_E_TIMEOUT && e->backend_late ? CREDSSP_STATUS_NO_LOGON_SERVERS
                                                         : ntstatus_for(err);
    if (status != 0 && e->client_version != 0 && error_code_allowed(e->client_version) &&
        (e->stage == STAGE_NEGO || e->stage == STAGE_PUBKEY)) {
        struct cssp_ts_request req = { .version = CSSP_OUR_VERSION,
                                       .has_error_code = true,
                                       .error_code = status };

        if (cssp_engine_send(e, &req) == CREDSSP_OK && e->result != NULL)
            e->result->error_code = status;
    }
    e->err = err;
    /* After authInfo there is no CredSSP error channel; the TLS session stays
     * open so the application can answer HYBRID_EX's Early User
     * Authorization Result "denied" (MS-RDPBCGR 2.2.10.2), then shut down. */
    e->late_failure = e->stage == STAGE_AUTHINFO && err != CREDSSP_E_TLS &&
                      err != CREDSSP_E_CLOSED && err != CREDSSP_E_TIMEOUT;
    enter_stage(e, STAGE_FAILED);
    if (e->mode == CREDSSP_TLS_ENGINE && !e->late_failure)
        credssp_engine_shutdown(e);
    audit(e);
    /* A refused credential (policy, identity) is no use to anyone: wipe it now,
     * not when the application frees the engine. */
    if (e->result != NULL)
        cssp_ts_credentials_clear(&e->result->creds);
}

/* Keep what authentication established, also for the audit of a failure. */
static void
keep_identity(struct credssp_engine *e)
{
    if (!e->gss.complete || e->result->principal != NULL)
        return;
    e->result->principal = e->gss.principal;
    e->gss.principal = NULL;
    e->result->name = e->gss.src_name;   /* for credssp_result_local_name() */
    e->gss.src_name = GSS_C_NO_NAME;
    e->result->mech = e->gss.mech;
}

/* One complete client TSRequest: the checks every message gets, the stage
 * table's field rule, then the stage's handler. */
static void
handle_request(struct credssp_engine *e, const uint8_t *msg, size_t len)
{
    const struct stage_rule *rule = &stage_table[e->stage];
    enum cssp_stage next = e->stage;
    struct cssp_ts_request req;
    unsigned fields;
    credssp_error ret;

    ret = cssp_ts_request_decode_flags(msg, len, cssp_engine_decode_flags(e), &req);
    if (ret == CREDSSP_OK && ++e->rounds > e->cfg->max_rounds)
        ret = CREDSSP_E_TOO_MANY_ROUNDS;
    if (ret == CREDSSP_OK)
        ret = cssp_check_version(e, &req);
    if (ret == CREDSSP_OK && rule->handler == NULL)
        ret = CREDSSP_E_STATE;
    fields = ret == CREDSSP_OK ? fields_of(&req) : 0;
    if (ret == CREDSSP_OK &&
        ((fields & rule->required) != rule->required || (fields & rule->forbidden) != 0))
        ret = CREDSSP_E_UNEXPECTED;
    if (ret == CREDSSP_OK && e->version >= 5 && req.client_nonce != NULL &&
        req.client_nonce_len != CSSP_NONCE_LEN)
        ret = CREDSSP_E_BAD_NONCE;
    if (ret == CREDSSP_OK)
        ret = rule->handler(e, &req, &next);
    keep_identity(e);
    if (ret != CREDSSP_OK)
        fail(e, ret);
    else
        enter_stage(e, next);
}

void
cssp_engine_process(struct credssp_engine *e)
{
    while (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        const uint8_t *start = e->in.data + e->in.off;
        size_t avail = e->in.len - e->in.off, frame = 0;
        credssp_error ret;

        if (avail == 0 || e->step_frame > 0)
            return;
        ret = cssp_ts_request_frame_flags(start, avail, e->cfg->max_message,
                                          cssp_engine_decode_flags(e), &frame);
        if (ret != CREDSSP_OK) {
            fail(e, ret);
            return;
        }
        if (frame == 0)
            return;
        if (e->deferred && e->stage == STAGE_NEGO) {
            e->step_frame = frame;   /* credssp_engine_step() handles it, on a worker */
            return;
        }
        handle_request(e, start, frame);
        e->in.off += frame;
    }
    if (e->stage == STAGE_DONE && e->in.len > e->in.off) {
        /* Plaintext after authInfo (e.g. MCS Connect Initial) belongs to the app. */
        if (cssp_bytes_append(&e->app, e->in.data + e->in.off, e->in.len - e->in.off,
                              APP_LEFTOVER_MAX) != CREDSSP_OK)
            fail(e, CREDSSP_E_TOO_LARGE);
        e->in.off = e->in.len;
    }
}

void
cssp_engine_run_step(struct credssp_engine *e)
{
    size_t frame = e->step_frame;

    if (frame == 0)
        return;
    e->step_frame = 0;
    if (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        handle_request(e, e->in.data + e->in.off, frame);
        e->in.off += frame;
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
            ret = cssp_engine_flush_tls(e);
        if (ret != CREDSSP_OK) {
            fail(e, ret == CREDSSP_E_CLOSED ? CREDSSP_E_CLOSED : CREDSSP_E_TLS);
            return;
        }
        if (!e->tls.established)
            return;
        /* Bind the certificate this handshake actually presented (an SNI
         * callback may have switched it), read once the handshake is done. */
        ret = cssp_binding_spk_from_x509(cssp_tls_certificate(&e->tls), &e->spk, &e->spk_len);
        if (ret != CREDSSP_OK) {
            fail(e, ret);
            return;
        }
        enter_stage(e, STAGE_NEGO);
    }
    while (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        size_t n = 0;

        /* Never hold more than one maximal TSRequest plus one TLS record. */
        ret = cssp_bytes_reserve(&e->in, TLS_CHUNK, e->cfg->max_message + TLS_CHUNK);
        if (ret == CREDSSP_OK)
            ret = cssp_tls_read(&e->tls, e->in.data + e->in.len, TLS_CHUNK, &n);
        if (ret == CREDSSP_OK)
            ret = cssp_engine_flush_tls(e);
        if (ret != CREDSSP_OK) {
            fail(e, ret);
            return;
        }
        if (n == 0)
            return;
        e->in.len += n;
        cssp_engine_process(e);
    }
}

/* Fail with CREDSSP_E_TIMEOUT once the deadline has passed. */
static bool
deadline_passed(struct credssp_engine *e)
{
    if (e->deadline_ms == 0 || e->stage >= STAGE_DONE || cssp_now_ms() < e->deadline_ms)
        return false;
    fail(e, CREDSSP_E_TIMEOUT);
    return true;
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
    e->mode = mode;   /* e->stage: STAGE_TLS (0) from calloc; enter_stage() moves it */
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
    } else {
        enter_stage(e, STAGE_NEGO);   /* the application did the TLS handshake */
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
    cssp_bytes_free(&e->in);
    cssp_bytes_free(&e->out);
    cssp_bytes_free(&e->app);
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

CREDSSP_API uint64_t
credssp_engine_deadline(const credssp_engine *e)
{
    return e != NULL ? e->deadline_ms : 0;
}

/*
 * Exactly one of WANT_READ, WANT_STEP, DONE and FAILED, plus WANT_WRITE
 * while output waits.  feed() has handled all input it could, so draining
 * the output never makes new progress possible.
 */
CREDSSP_API credssp_status
credssp_engine_status(const credssp_engine *e)
{
    unsigned st;

    if (e == NULL)
        return CREDSSP_FAILED;
    if (e->stage == STAGE_FAILED)
        st = CREDSSP_FAILED;
    else if (e->stage == STAGE_DONE)
        st = CREDSSP_DONE;
    else if (e->step_frame > 0)   /* deferred mode only (engine_step.c) */
        st = CREDSSP_WANT_STEP;
    else
        st = CREDSSP_WANT_READ;
    if (e->out.len > e->out.off)
        st |= CREDSSP_WANT_WRITE;
    return (credssp_status)st;
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

CREDSSP_API credssp_status
credssp_engine_feed(credssp_engine *e, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (e == NULL || (data == NULL && len != 0))
        return CREDSSP_FAILED;
    if (e->stage == STAGE_FAILED || deadline_passed(e))
        return credssp_engine_status(e);
    if (e->mode == CREDSSP_TLS_ENGINE) {
        ret = cssp_tls_feed(&e->tls, data, len);
        if (ret != CREDSSP_OK) {
            fail(e, ret);
            return credssp_engine_status(e);
        }
        if (e->stage != STAGE_DONE)
            pump_tls(e);
    } else if (e->stage != STAGE_DONE) {
        if (e->spk == NULL) {
            fail(e, CREDSSP_E_CONFIG);
            return credssp_engine_status(e);
        }
        ret = cssp_bytes_append(&e->in, data, len, e->cfg->max_message + TLS_CHUNK);
        if (ret != CREDSSP_OK) {
            fail(e, ret);
            return credssp_engine_status(e);
        }
        cssp_engine_process(e);
    }
    return credssp_engine_status(e);
}

CREDSSP_API credssp_status
credssp_engine_feed_eof(credssp_engine *e)
{
    if (e == NULL)
        return CREDSSP_FAILED;
    if (e->stage < STAGE_DONE)
        fail(e, CREDSSP_E_CLOSED);
    return credssp_engine_status(e);
}
