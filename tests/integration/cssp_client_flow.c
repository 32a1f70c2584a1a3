/*
 * cssp_client_flow.c - the test CredSSP client's state machine (MS-CSSP 3.1.5,
 * docs/PROTOCOL.md §6 from the client's side):
 *
 *   TLS        handshake over memory BIOs; then take the server key, first token
 *   NEGO       send negoTokens; when the mechanism can protect messages, the
 *              last token goes with pubKeyAuth (+ clientNonce at v5+)
 *   WAIT_PUBKEY  server pubKeyAuth (optionally with a final SPNEGO token):
 *              check it, then send authInfo
 *   DONE / FAILED
 *
 * "Can protect messages" is found by trying the wrap: it succeeds for the
 * AUTHENTICATE round of NTLM (raw and SPNEGO, where SPNEGO still waits for
 * the server's mechListMIC) and fails with GSS_S_NO_CONTEXT before.  With
 * Kerberos the server sends the last token (AP-REP), so pubKeyAuth goes alone.
 *
 * The binding uses min(client version, server version): hash at 5+, echo below.
 * Faults (CSSP_CLI_F_*) are applied here, where the messages are built.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "tsrequest.h"
#include "cssp_client_int.h"

/* Enter FAILED with a formatted reason, appended to one already recorded. */
void
cli_failf(struct cssp_client *c, const char *fmt, ...)
{
    va_list ap;
    size_t have = strlen(c->why);

    va_start(ap, fmt);
    if (have == 0) {
        vsnprintf(c->why, sizeof(c->why), fmt, ap);
    } else if (have + 8 < sizeof(c->why)) {
        memcpy(c->why + have, " <- ", 5);
        vsnprintf(c->why + have + 4, sizeof(c->why) - have - 4, fmt, ap);
    }
    va_end(ap);
    c->st = CLI_ST_FAILED;
}

/* Version the binding follows: min(ours, the server's once known). */
static int
binding_version(const struct cssp_client *c)
{
    if (c->server_version != 0 && c->server_version < c->o.version)
        return c->server_version;
    return c->o.version;
}

/* Nonce sent in a message of this kind, or NULL. */
static const uint8_t *
msg_nonce(const struct cssp_client *c, enum cli_msg_kind kind)
{
    if ((c->o.version < 5 && !(c->o.faults & CSSP_CLI_F_NONCE_ALWAYS)) || c->nonce_len == 0)
        return NULL;
    if (kind == CLI_MSG_TOKEN)
        return c->o.nonce == CSSP_CLI_NONCE_EVERY ? c->nonce_a : NULL;
    if (kind == CLI_MSG_AUTHINFO && c->o.nonce != CSSP_CLI_NONCE_EVERY)
        return NULL;
    if (c->o.faults & (CSSP_CLI_F_NONCE_MISMATCH | CSSP_CLI_F_NONCE_CHANGED))
        return c->nonce_b;
    return c->nonce_a;
}

/* Nonce the client's binding hash covers (and the server's must). */
static const uint8_t *
bind_nonce(const struct cssp_client *c)
{
    return (c->o.faults & CSSP_CLI_F_NONCE_CHANGED) ? c->nonce_b : c->nonce_a;
}

/* Encode and queue one TSRequest (twice for the duplicate fault). */
static credssp_error
send_msg(struct cssp_client *c, enum cli_msg_kind kind, const uint8_t *token, size_t token_len,
         const uint8_t *pka, size_t pka_len, const uint8_t *ai, size_t ai_len)
{
    credssp_error ret;
    struct cssp_ts_request req;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    int copies;

    memset(&req, 0, sizeof(req));
    req.version = (uint32_t)c->o.version;
    if ((c->o.faults & CSSP_CLI_F_VERSION_CHANGE) && c->sent > 0)
        req.version = (uint32_t)(c->o.version == 6 ? 5 : c->o.version + 1);
    req.nego_token = token;
    req.nego_token_len = token_len;
    req.pub_key_auth = pka;
    req.pub_key_auth_len = pka_len;
    req.auth_info = ai;
    req.auth_info_len = ai_len;
    if ((c->o.faults & CSSP_CLI_F_SEND_ERROR_CODE) && c->sent == 0) {
        req.has_error_code = true;
        req.error_code = c->o.sent_error_code;
    }
    req.client_nonce = msg_nonce(c, kind);
    req.client_nonce_len = req.client_nonce != NULL ? c->nonce_len : 0;

    ret = cssp_ts_request_encode(&req, &enc, &enc_len);
    if (ret != CREDSSP_OK) {
        snprintf(c->why, sizeof(c->why), "cssp_ts_request_encode: %s", credssp_strerror(ret));
        return ret;
    }
    copies = (kind == CLI_MSG_LAST && (c->o.faults & CSSP_CLI_F_DUPLICATE)) ? 2 : 1;
    for (int i = 0; i < copies && ret == CREDSSP_OK; i++) {
        if (c->o.tls)
            ret = cli_tls_write(&c->tls, enc, enc_len, c->why);
        else
            ret = cli_buf_append(&c->wire_out, enc, enc_len);
        c->sent++;
    }
    if (ret == CREDSSP_OK && c->o.tls)
        ret = cli_tls_drain(&c->tls, &c->wire_out);
    cssp_wipe_free(enc, enc_len);
    return ret;
}

/* The plaintext of the last message: binding value, or authInfo for the fault. */
static credssp_error
last_payload(struct cssp_client *c, uint8_t **out, size_t *len_out, bool *is_auth_info)
{
    *is_auth_info = (c->o.faults & CSSP_CLI_F_AUTHINFO_EARLY) != 0;
    if (*is_auth_info)
        return cli_creds_encode(&c->o, out, len_out);
    return cli_bind_client_value(binding_version(c), bind_nonce(c), c->nonce_len, c->bind_key,
                                 c->bind_key_len, out, len_out);
}

/*
 * Try to send token (may be NULL) with pubKeyAuth.  *not_ready when the
 * context cannot wrap yet: nothing sent, the caller sends the token alone.
 */
static credssp_error
send_last(struct cssp_client *c, const uint8_t *token, size_t token_len, bool *not_ready)
{
    credssp_error ret;
    uint8_t *plain = NULL, *sealed = NULL;
    size_t plain_len = 0, sealed_len = 0;
    bool ai = false;

    *not_ready = false;
    ret = last_payload(c, &plain, &plain_len, &ai);
    if (ret != CREDSSP_OK) {
        snprintf(c->why, sizeof(c->why), "building the last payload: %s", credssp_strerror(ret));
        goto cleanup;
    }
    ret = cli_gss_wrap(&c->gss, plain, plain_len, &sealed, &sealed_len, c->why);
    if (ret == CREDSSP_E_STATE) {
        c->why[0] = '\0';
        *not_ready = true;
        ret = CREDSSP_OK;
        goto cleanup;
    }
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (!ai && (c->o.faults & CSSP_CLI_F_CORRUPT_PUBKEYAUTH) && sealed_len > 0)
        sealed[sealed_len - 1] ^= 0x01;
    if ((c->o.faults & CSSP_CLI_F_SPLIT_LAST) && token_len > 0) {
        /* the spec wants both in one message; some server must cope or refuse */
        ret = send_msg(c, CLI_MSG_TOKEN, token, token_len, NULL, 0, NULL, 0);
        token = NULL;
        token_len = 0;
        if (ret != CREDSSP_OK)
            goto cleanup;
    }
    if (ai)
        ret = send_msg(c, CLI_MSG_LAST, token, token_len, NULL, 0, sealed, sealed_len);
    else
        ret = send_msg(c, CLI_MSG_LAST, token, token_len, sealed, sealed_len, NULL, 0);
    if (ret == CREDSSP_OK)
        c->st = CLI_ST_WAIT_PUBKEY;

cleanup:
    cssp_wipe_free(plain, plain_len);
    free(sealed);
    return ret;
}

/* After a GSS step: send the token, with pubKeyAuth when it is the last one. */
static void
after_step(struct cssp_client *c, uint8_t *token, size_t token_len)
{
    credssp_error ret;
    bool not_ready = false;

    if (token_len == 0 && !c->gss.complete) {
        cli_failf(c, "GSS step gave no token and is not complete");
        return;
    }
    ret = send_last(c, token, token_len, &not_ready);
    if (ret == CREDSSP_OK && not_ready) {
        if (c->gss.complete || token_len == 0) {
            cli_failf(c, "context complete but cannot wrap");
            return;
        }
        ret = send_msg(c, CLI_MSG_TOKEN, token, token_len, NULL, 0, NULL, 0);
        if (ret == CREDSSP_OK)
            c->st = CLI_ST_NEGO;
    }
    if (ret != CREDSSP_OK)
        cli_failf(c, "sending (%s)", credssp_strerror(ret));
}

/* The key the binding covers: the server's, tampered or replaced by a fault. */
static credssp_error
choose_bind_key(struct cssp_client *c)
{
    const uint8_t *k = c->spk;
    size_t n = c->spk_len;

    if (c->o.binding_key != NULL) {
        k = c->o.binding_key;
        n = c->o.binding_key_len;
    }
    c->bind_key = malloc(n != 0 ? n : 1);
    if (c->bind_key == NULL)
        return CREDSSP_E_NOMEM;
    memcpy(c->bind_key, k, n);
    c->bind_key_len = n;
    if ((c->o.faults & CSSP_CLI_F_TAMPER_KEY) && n > 0)
        c->bind_key[n - 1] ^= 0x01;
    return CREDSSP_OK;
}

/* The first token: from GSS, or garbage, padded for the oversize fault. */
static void
first_token(struct cssp_client *c)
{
    static const uint8_t garbage[] = "\x13\x37garbage, neither NTLMSSP nor a GSS token";
    credssp_error ret;
    uint8_t *tok = NULL, *big = NULL;
    size_t len = 0;

    if (c->o.faults & (CSSP_CLI_F_GARBAGE_TOKEN | CSSP_CLI_F_EMPTY_TOKEN)) {
        len = (c->o.faults & CSSP_CLI_F_EMPTY_TOKEN) ? 0 : sizeof(garbage) - 1;
        ret = send_msg(c, CLI_MSG_TOKEN, garbage, len, NULL, 0, NULL, 0);
        if (ret != CREDSSP_OK)
            cli_failf(c, "sending garbage");
        c->st = c->st == CLI_ST_FAILED ? CLI_ST_FAILED : CLI_ST_NEGO;
        return;
    }
    if (!c->gss_ready) {
        cli_failf(c, "GSS initiator not ready");
        return;
    }
    ret = cli_gss_step(&c->gss, NULL, 0, &tok, &len, c->why);
    if (ret != CREDSSP_OK) {
        cli_failf(c, "first GSS step");
        return;
    }
    if ((c->o.faults & CSSP_CLI_F_OVERSIZE) && len > 0) {
        big = calloc(1, len + c->o.oversize_pad);
        if (big == NULL) {
            free(tok);
            cli_failf(c, "out of memory");
            return;
        }
        memcpy(big, tok, len);
        free(tok);
        tok = big;
        len += c->o.oversize_pad;
        ret = send_msg(c, CLI_MSG_TOKEN, tok, len, NULL, 0, NULL, 0);
        if (ret != CREDSSP_OK)
            cli_failf(c, "sending the oversize message");
        else
            c->st = CLI_ST_NEGO;
    } else {
        after_step(c, tok, len);
    }
    free(tok);
}

/* TLS is up (or not used): learn the server key and send the first message. */
void
cli_start(struct cssp_client *c)
{
    credssp_error ret;

    if (c->o.tls)
        ret = cli_tls_peer_spk(&c->tls, &c->spk, &c->spk_len);
    else
        ret =
            cli_spk_from_der(c->o.server_cert_der, c->o.server_cert_der_len, &c->spk, &c->spk_len);
    if (ret == CREDSSP_OK)
        ret = choose_bind_key(c);
    if (ret != CREDSSP_OK) {
        cli_failf(c, "no server public key (%s)", credssp_strerror(ret));
        return;
    }
    c->st = CLI_ST_NEGO;
    first_token(c);
}

/* Check the server's pubKeyAuth and send authInfo. */
static void
finish(struct cssp_client *c, const struct cssp_ts_request *req)
{
    credssp_error ret;
    uint8_t *got = NULL, *want = NULL, *creds = NULL, *sealed = NULL;
    size_t got_len = 0, want_len = 0, creds_len = 0, sealed_len = 0;

    ret = cli_gss_unwrap(&c->gss, req->pub_key_auth, req->pub_key_auth_len, &got, &got_len, c->why);
    if (ret != CREDSSP_OK) {
        cli_failf(c, "unwrapping the server pubKeyAuth");
        goto cleanup;
    }
    ret = cli_bind_server_value(binding_version(c), bind_nonce(c), c->nonce_len, c->bind_key,
                                c->bind_key_len, &want, &want_len);
    if (ret != CREDSSP_OK) {
        cli_failf(c, "computing the server binding");
        goto cleanup;
    }
    if (got_len != want_len || CRYPTO_memcmp(got, want, want_len) != 0) {
        cli_failf(c, "server pubKeyAuth does not match (%zu bytes, want %zu)", got_len, want_len);
        goto cleanup;
    }
    c->verified = true;
    ret = cli_creds_encode(&c->o, &creds, &creds_len);
    if (ret == CREDSSP_OK)
        ret = cli_gss_wrap(&c->gss, creds, creds_len, &sealed, &sealed_len, c->why);
    if (ret == CREDSSP_OK && (c->o.faults & CSSP_CLI_F_CORRUPT_AUTHINFO) && sealed_len > 0)
        sealed[sealed_len - 1] ^= 0x01;
    if (ret == CREDSSP_OK)
        ret = send_msg(c, CLI_MSG_AUTHINFO, NULL, 0, NULL, 0, sealed, sealed_len);
    if (ret == CREDSSP_OK && c->o.tls && c->o.app_after_auth_len > 0) {
        ret = cli_tls_write(&c->tls, c->o.app_after_auth, c->o.app_after_auth_len, c->why);
        if (ret == CREDSSP_OK)
            ret = cli_tls_drain(&c->tls, &c->wire_out);
    }
    if (ret != CREDSSP_OK) {
        cli_failf(c, "sending authInfo (%s)", credssp_strerror(ret));
        goto cleanup;
    }
    c->st = CLI_ST_DONE;

cleanup:
    free(got);
    free(want);
    cssp_wipe_free(creds, creds_len);
    free(sealed);
}

/* The server's answer while waiting for its pubKeyAuth. */
static void
on_pubkey(struct cssp_client *c, const struct cssp_ts_request *req)
{
    uint8_t *tok = NULL;
    size_t len = 0;

    if (req->nego_token != NULL) {
        free(c->final_token);
        c->final_token = malloc(req->nego_token_len);
        if (c->final_token != NULL) {
            memcpy(c->final_token, req->nego_token, req->nego_token_len);
            c->final_token_len = req->nego_token_len;
        }
        if (cli_gss_step(&c->gss, req->nego_token, req->nego_token_len, &tok, &len, c->why) !=
            CREDSSP_OK) {
            cli_failf(c, "final server token");
            return;
        }
        free(tok);
        if (len != 0) {
            cli_failf(c, "GSS wants to send another token after pubKeyAuth");
            return;
        }
    }
    if (!c->gss.complete) {
        cli_failf(c, "context not complete when the server pubKeyAuth arrived");
        return;
    }
    if (req->pub_key_auth == NULL) {
        cli_failf(c, "server answer without pubKeyAuth");
        return;
    }
    finish(c, req);
}

/* One decoded server TSRequest. */
static void
on_message(struct cssp_client *c, const struct cssp_ts_request *req)
{
    uint8_t *tok = NULL;
    size_t len = 0;

    if (c->server_version != 0 && (int)req->version != c->server_version)
        c->violations |= CSSP_CLI_V_VERSION_CHANGED;
    c->server_version = (int)req->version;
    if (req->client_nonce != NULL)
        c->violations |= CSSP_CLI_V_SERVER_NONCE;
    if (req->auth_info != NULL)
        c->violations |= CSSP_CLI_V_AUTHINFO;
    if (req->has_error_code) {
        c->has_error_code = true;
        c->error_code = req->error_code;
        cli_failf(c, "server errorCode 0x%08x", req->error_code);
        return;
    }
    if (c->st == CLI_ST_WAIT_PUBKEY) {
        on_pubkey(c, req);
        return;
    }
    if (req->nego_token == NULL) {
        cli_failf(c, "server message without negoTokens");
        return;
    }
    if (req->pub_key_auth != NULL) {
        cli_failf(c, "server pubKeyAuth before the client's");
        return;
    }
    if (cli_gss_step(&c->gss, req->nego_token, req->nego_token_len, &tok, &len, c->why) !=
        CREDSSP_OK) {
        cli_failf(c, "GSS step on the server token");
        return;
    }
    after_step(c, tok, len);
    free(tok);
}

/* Frame, decode and handle every complete TSRequest in plain_in. */
void
cli_process_input(struct cssp_client *c)
{
    credssp_error ret;
    struct cssp_ts_request req;
    size_t frame = 0;

    while (c->plain_in.len > 0 && c->st != CLI_ST_FAILED) {
        if (c->st == CLI_ST_DONE) {
            /* the exchange is over: the rest belongs to the application */
            if (cli_buf_append(&c->app_in, c->plain_in.p, c->plain_in.len) != CREDSSP_OK)
                cli_failf(c, "out of memory");
            cli_buf_consume(&c->plain_in, c->plain_in.len);
            return;
        }
        ret = cssp_ts_request_frame(c->plain_in.p, c->plain_in.len, CSSP_MAX_TSREQUEST, &frame);
        if (ret != CREDSSP_OK) {
            cli_failf(c, "bad server framing (%s)", credssp_strerror(ret));
            return;
        }
        if (frame == 0)
            return;
        ret = cssp_ts_request_decode(c->plain_in.p, frame, &req);
        if (ret != CREDSSP_OK) {
            cli_failf(c, "bad server TSRequest (%s)", credssp_strerror(ret));
            return;
        }
        on_message(c, &req);
        cli_buf_consume(&c->plain_in, frame);
    }
}
