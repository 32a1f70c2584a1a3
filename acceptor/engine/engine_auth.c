/*
 * engine_auth.c - the handlers of the CredSSP server stages (MS-CSSP 3.1.5;
 * docs/PROTOCOL.md §6.2).
 *
 * The core (engine.c) has checked the TSRequest's fields against its stage
 * table; a handler does the stage's work and returns the next stage or an
 * error, it never sets the stage.  Versions: we always announce 6; the
 * behaviour in force is min(client, 6); the client's version may not change
 * between its messages.  A wrong binding is a man-in-the-middle: we close
 * without reading authInfo.
 */
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "buf.h"
#include "engine.h"
#include "tscred.h"

credssp_error
cssp_check_version(struct credssp_engine *e, const struct cssp_ts_request *req)
{
    if (req->version < 2 || req->version > 255)
        return CREDSSP_E_BAD_VERSION;
    if (e->client_version == 0) {
        e->client_version = (int)req->version;
        e->version = e->client_version < CSSP_OUR_VERSION ? e->client_version : CSSP_OUR_VERSION;
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
credssp_error
cssp_handle_nego(struct credssp_engine *e, const struct cssp_ts_request *req,
                 enum cssp_stage *next)
{
    credssp_error ret;
    uint8_t *token = NULL, *pka = NULL;
    size_t token_len = 0, pka_len = 0;
    struct cssp_ts_request resp = { .version = CSSP_OUR_VERSION };

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
        ret = cssp_engine_send(e, &resp);
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
        *next = STAGE_AUTHINFO;
    } else if (token_len > 0) {
        *next = STAGE_PUBKEY;             /* context completed on our token (Kerberos) */
    } else {
        ret = CREDSSP_E_UNEXPECTED;       /* nothing to send and no pubKeyAuth */
        goto cleanup;
    }
    ret = cssp_engine_send(e, &resp);

cleanup:
    free(token);
    free(pka);
    return ret;
}

/* STAGE_PUBKEY: the client's pubKeyAuth after our final token. */
credssp_error
cssp_handle_pubkey(struct credssp_engine *e, const struct cssp_ts_request *req,
                   enum cssp_stage *next)
{
    credssp_error ret;
    uint8_t *pka = NULL;
    size_t pka_len = 0;
    struct cssp_ts_request resp = { .version = CSSP_OUR_VERSION };

    ret = answer_pub_key_auth(e, req, &pka, &pka_len);
    if (ret != CREDSSP_OK)
        return ret;
    resp.pub_key_auth = pka;
    resp.pub_key_auth_len = pka_len;
    ret = cssp_engine_send(e, &resp);
    if (ret == CREDSSP_OK)
        *next = STAGE_AUTHINFO;
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
credssp_error
cssp_handle_auth_info(struct credssp_engine *e, const struct cssp_ts_request *req,
                      enum cssp_stage *next)
{
    credssp_error ret;
    credssp_secret *plain = NULL;
    struct credssp_result *r = e->result;
    unsigned type;

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
    if (ret == CREDSSP_OK)
        *next = STAGE_DONE;

cleanup:
    credssp_secret_free(plain);
    return ret;
}
