/*
 * engine_auth.c - one handler per CredSSP server stage (MS-CSSP 3.1.5,
 * docs/PROTOCOL.md §6.2).
 *
 * Versions: we always announce 6; the behaviour in force is min(client, 6);
 * the client's version may not change between its messages.  errorCode is
 * sent only to clients at version 3, 4 or >= 6 (MS-CSSP 2.2.1), only while
 * authentication is still in progress, and never clientNonce.  A wrong
 * binding is a man-in-the-middle: we close without reading authInfo.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "binding.h"
#include "buf.h"
#include "engine.h"
#include "tscred.h"

#define OUR_VERSION 6

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

/* Encode and queue a server TSRequest. */
static credssp_error
send_request(struct credssp_engine *e, const struct cssp_ts_request *req)
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

unsigned
cssp_engine_decode_flags(const struct credssp_engine *e)
{
    if (e->client_version >= 2 && e->client_version < 5)
        return CSSP_READ_BER_LENGTHS | CSSP_READ_STRIP_NUL;
    return 0;
}

void
cssp_engine_fail(struct credssp_engine *e, credssp_error err)
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
        struct cssp_ts_request req = { .version = OUR_VERSION,
                                       .has_error_code = true,
                                       .error_code = status };

        if (send_request(e, &req) == CREDSSP_OK && e->result != NULL)
            e->result->error_code = status;
    }
    e->err = err;
    /* After authInfo there is no CredSSP error channel; the TLS session stays
     * open so the application can answer HYBRID_EX's Early User
     * Authorization Result "denied" (MS-RDPBCGR 2.2.10.2), then shut down. */
    e->late_failure = e->stage == STAGE_AUTHINFO && err != CREDSSP_E_TLS &&
                      err != CREDSSP_E_CLOSED && err != CREDSSP_E_TIMEOUT;
    e->stage = STAGE_FAILED;
    if (e->mode == CREDSSP_TLS_ENGINE && !e->late_failure)
        credssp_engine_shutdown(e);
    cssp_audit(e);
    /* A refused credential (policy, identity) is no use to anyone: wipe it now,
     * not when the application frees the engine. */
    if (e->result != NULL)
        cssp_ts_credentials_clear(&e->result->creds);
}

void
cssp_engine_done(struct credssp_engine *e)
{
    e->err = CREDSSP_OK;
    e->stage = STAGE_DONE;
    cssp_audit(e);
}

/* Version bookkeeping and policy for every client message. */
static credssp_error
check_version(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    if (req->version < 2 || req->version > 255)
        return CREDSSP_E_BAD_VERSION;
    if (e->client_version == 0) {
        e->client_version = (int)req->version;
        e->version = e->client_version < OUR_VERSION ? e->client_version : OUR_VERSION;
        e->result->client_version = e->client_version;
        if (e->version < e->cfg->min_version)
            return CREDSSP_E_POLICY_VERSION;
        return CREDSSP_OK;
    }
    return (int)req->version == e->client_version ? CREDSSP_OK : CREDSSP_E_BAD_VERSION;
}

/*
 * Check the client's pubKeyAuth and build ours (wrapped).  The nonce is the
 * clientNonce of this very message (MS-CSSP 3.1.5).
 */
static credssp_error
answer_pub_key_auth(struct credssp_engine *e, const struct cssp_ts_request *req,
                    uint8_t **wrapped_out, size_t *wrapped_len_out)
{
    credssp_error ret;
    credssp_secret *plain = NULL;
    uint8_t *value = NULL;
    size_t value_len = 0;
    const uint8_t *nonce = NULL;

    if (e->version >= 5) {
        if (req->client_nonce == NULL || req->client_nonce_len != CSSP_NONCE_LEN)
            return CREDSSP_E_BAD_NONCE;
        nonce = req->client_nonce;
    }
    ret = cssp_gss_unwrap(&e->gss, req->pub_key_auth, req->pub_key_auth_len, &plain);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_binding_verify_client(e->version, nonce, e->spk, e->spk_len,
                                     credssp_secret_data(plain), credssp_secret_len(plain));
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_binding_server_value(e->version, nonce, e->spk, e->spk_len, &value, &value_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_gss_wrap(&e->gss, value, value_len, wrapped_out, wrapped_len_out);
    if (ret == CREDSSP_OK)
        e->result->binding = e->version >= 5 ? CREDSSP_BINDING_HASH : CREDSSP_BINDING_ECHO;

cleanup:
    credssp_secret_free(plain);
    free(value);
    return ret;
}

/* The first negoToken decides raw NTLM / SPNEGO / raw Kerberos. */
static credssp_error
classify_first(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    e->first_kind = cssp_sniff_kind(req->nego_token, req->nego_token_len);
    switch (e->first_kind) {
    case CSSP_TOKEN_NTLM:
        e->result->mech = CREDSSP_MECH_NTLM;
        return (e->cfg->mechs & CREDSSP_MECH_NTLM) ? CREDSSP_OK : CREDSSP_E_POLICY_MECH;
    case CSSP_TOKEN_KERBEROS:
        e->result->mech = CREDSSP_MECH_KERBEROS;
        return (e->cfg->mechs & CREDSSP_MECH_KERBEROS) ? CREDSSP_OK : CREDSSP_E_POLICY_MECH;
    case CSSP_TOKEN_SPNEGO:
        e->result->spnego = true;
        return cssp_gss_spnego_offers(req->nego_token, req->nego_token_len, e->cfg->mechs)
                   ? CREDSSP_OK
                   : CREDSSP_E_POLICY_MECH;
    default:
        return CREDSSP_E_BAD_TOKEN;
    }
}

/*
 * The back-end work of a negoToken, the part that may block (lookup callback,
 * gss-ntlmssp's key file or winbind, a replay cache): timed for the audit.
 */
static credssp_error
accept_token(struct credssp_engine *e, const struct cssp_ts_request *req, uint8_t **token_out,
             size_t *token_len_out)
{
    uint64_t t0 = cssp_now_ms();
    credssp_error ret = CREDSSP_OK;

    if (e->cfg->lookup != NULL)
        ret = cssp_gss_lookup_prepare(e->cfg, &e->gss, req->nego_token, req->nego_token_len);
    if (ret == CREDSSP_OK)
        ret = cssp_gss_accept(&e->gss, e->cred, req->nego_token, req->nego_token_len,
                              token_out, token_len_out);
    if (e->cfg->lookup != NULL)
        cssp_gss_lookup_forget(&e->gss);
    e->backend_ms += cssp_now_ms() - t0;
    /* A back end that answered after the deadline: its answer is not used. */
    if (ret == CREDSSP_OK && e->deadline_ms != 0 && cssp_now_ms() >= e->deadline_ms) {
        e->backend_late = true;
        ret = CREDSSP_E_TIMEOUT;
    }
    return ret;
}

/* STAGE_NEGO: feed the token; answer with ours, and with pubKeyAuth when due. */
static credssp_error
handle_nego(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    credssp_error ret;
    uint8_t *token = NULL, *pka = NULL;
    size_t token_len = 0, pka_len = 0;
    struct cssp_ts_request resp = { .version = OUR_VERSION };

    if (req->auth_info != NULL || req->nego_token == NULL)
        return CREDSSP_E_UNEXPECTED;
    if (e->first_kind == CSSP_TOKEN_UNKNOWN) {
        ret = classify_first(e, req);
        if (ret != CREDSSP_OK)
            return ret;
    }
    ret = accept_token(e, req, &token, &token_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (!e->gss.complete) {
        ret = CREDSSP_E_UNEXPECTED;        /* pubKeyAuth before we finished */
        if (req->pub_key_auth != NULL || token_len == 0)
            goto cleanup;
        resp.nego_token = token;
        resp.nego_token_len = token_len;
        ret = send_request(e, &resp);
        goto cleanup;
    }
    e->result->mech = e->gss.mech;
    if ((e->cfg->mechs & e->gss.mech) == 0) {
        ret = CREDSSP_E_POLICY_MECH;
        goto cleanup;
    }
    if (token_len > 0) {
        resp.nego_token = token;          /* e.g. SPNEGO accept-completed + mechListMIC */
        resp.nego_token_len = token_len;
    }
    if (req->pub_key_auth != NULL) {
        ret = answer_pub_key_auth(e, req, &pka, &pka_len);
        if (ret != CREDSSP_OK)
            goto cleanup;
        resp.pub_key_auth = pka;
        resp.pub_key_auth_len = pka_len;
        e->stage = STAGE_AUTHINFO;
    } else if (token_len > 0) {
        e->stage = STAGE_PUBKEY;          /* context completed on our token (Kerberos) */
    } else {
        ret = CREDSSP_E_UNEXPECTED;       /* nothing to send and no pubKeyAuth */
        goto cleanup;
    }
    ret = send_request(e, &resp);

cleanup:
    free(token);
    free(pka);
    return ret;
}

/* STAGE_PUBKEY: the client's pubKeyAuth after our final token. */
static credssp_error
handle_pubkey(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    credssp_error ret;
    uint8_t *pka = NULL;
    size_t pka_len = 0;
    struct cssp_ts_request resp = { .version = OUR_VERSION };

    if (req->auth_info != NULL || req->nego_token != NULL || req->pub_key_auth == NULL)
        return CREDSSP_E_UNEXPECTED;
    ret = answer_pub_key_auth(e, req, &pka, &pka_len);
    if (ret != CREDSSP_OK)
        return ret;
    resp.pub_key_auth = pka;
    resp.pub_key_auth_len = pka_len;
    e->stage = STAGE_AUTHINFO;
    ret = send_request(e, &resp);
    free(pka);
    return ret;
}

/* Credential type as the policy sees it. */
static unsigned
cred_type_of(const struct cssp_ts_credentials *c)
{
    switch (c->cred_type) {
    case CSSP_CREDTYPE_PASSWORD:
        return c->password.restricted_admin ? CREDSSP_CRED_RESTRICTED_ADMIN
                                            : CREDSSP_CRED_PASSWORD;
    case CSSP_CREDTYPE_SMARTCARD:
        return CREDSSP_CRED_SMARTCARD;
    case CSSP_CREDTYPE_REMOTE_GUARD:
        return CREDSSP_CRED_REMOTE_GUARD;
    default:
        return CREDSSP_CRED_NONE;
    }
}

/* STAGE_AUTHINFO: decrypt TSCredentials, apply policy and the identity rule. */
static credssp_error
handle_auth_info(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    credssp_error ret;
    credssp_secret *plain = NULL;
    struct credssp_result *r = e->result;
    unsigned type;

    if (req->nego_token != NULL || req->pub_key_auth != NULL || req->auth_info == NULL)
        return CREDSSP_E_UNEXPECTED;
    ret = cssp_gss_unwrap(&e->gss, req->auth_info, req->auth_info_len, &plain);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_ts_credentials_decode_flags(credssp_secret_data(plain),
                                           credssp_secret_len(plain),
                                           cssp_engine_decode_flags(e), &r->creds);
    if (ret != CREDSSP_OK)
        goto cleanup;
    type = cred_type_of(&r->creds);
    r->cred_type = type;
    if ((e->cfg->cred_types & type) == 0) {
        ret = CREDSSP_E_POLICY_CRED_TYPE;
        goto cleanup;
    }
    if (type == CREDSSP_CRED_REMOTE_GUARD) {
        /* A Kerberos logon credential must be a well-formed KERB_TICKET_LOGON. */
        ret = credssp_result_rg_ticket_logon(r, NULL, NULL, NULL, NULL);
        if (ret == CREDSSP_E_BAD_CRED_TYPE)
            ret = CREDSSP_OK;            /* another package: carried, not parsed */
        if (ret != CREDSSP_OK)
            goto cleanup;
    }
    if (type == CREDSSP_CRED_PASSWORD)
        ret = cssp_identity_check(r->mech, r->principal, r->creds.password.user,
                                  r->creds.password.domain);
    else if (type == CREDSSP_CRED_SMARTCARD && r->creds.smartcard.user_hint != NULL)
        ret = cssp_identity_check(r->mech, r->principal, r->creds.smartcard.user_hint,
                                  r->creds.smartcard.domain_hint);

cleanup:
    credssp_secret_free(plain);
    return ret;
}

void
cssp_engine_handle(struct credssp_engine *e, const uint8_t *msg, size_t len)
{
    credssp_error ret;
    struct cssp_ts_request req;

    ret = cssp_ts_request_decode_flags(msg, len, cssp_engine_decode_flags(e), &req);
    if (ret == CREDSSP_OK && ++e->rounds > e->cfg->max_rounds)
        ret = CREDSSP_E_TOO_MANY_ROUNDS;
    if (ret == CREDSSP_OK)
        ret = check_version(e, &req);
    if (ret == CREDSSP_OK && req.has_error_code)
        ret = CREDSSP_E_UNEXPECTED;       /* errorCode is server-to-client only */
    if (ret == CREDSSP_OK && e->version >= 5 && req.client_nonce != NULL &&
        req.client_nonce_len != CSSP_NONCE_LEN)
        ret = CREDSSP_E_BAD_NONCE;
    if (ret == CREDSSP_OK) {
        switch (e->stage) {
        case STAGE_NEGO:
            ret = handle_nego(e, &req);
            break;
        case STAGE_PUBKEY:
            ret = handle_pubkey(e, &req);
            break;
        case STAGE_AUTHINFO:
            ret = handle_auth_info(e, &req);
            break;
        default:
            ret = CREDSSP_E_STATE;
            break;
        }
    }
    /* Keep what authentication established, also for the audit of a failure. */
    if (e->gss.complete && e->result->principal == NULL) {
        e->result->principal = e->gss.principal;
        e->gss.principal = NULL;
        e->result->lazy = calloc(1, sizeof(*e->result->lazy));
        if (e->result->lazy != NULL) {
            e->result->lazy->name = e->gss.src_name;
            e->gss.src_name = GSS_C_NO_NAME;
        }
        e->result->mech = e->gss.mech;
    }
    if (ret != CREDSSP_OK)
        cssp_engine_fail(e, ret);
    else if (e->stage == STAGE_AUTHINFO && req.auth_info != NULL)
        cssp_engine_done(e);
}
