/*
 * cssp_client.c - the test CredSSP client's object: options, creation, the
 * sans-I/O feed/output interface and the accessors the tests assert on.  The
 * protocol itself is in cssp_client_flow.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cssp_client_int.h"

/* Defaults: v6, raw NTLM, FreeRDP nonces, Windows Kerberos wrap, TLS, password. */
void
cssp_cli_opts_init(struct cssp_cli_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->version = 6;
    o->mech = CSSP_CLI_RAW_NTLM;
    o->nonce = CSSP_CLI_NONCE_EVERY;
    o->krb_wrap = CSSP_CLI_WRAP_IOV;
    o->tls = true;
    o->cred = CSSP_CLI_CRED_PASSWORD;
    o->sc_key_spec = 1;
}

/* Create the client; GSS or TLS setup problems leave it FAILED with a reason. */
credssp_error
cssp_cli_new(const struct cssp_cli_opts *o, struct cssp_client **out)
{
    struct cssp_client *c;
    credssp_error ret;

    if (o == NULL || out == NULL || (!o->tls && o->server_cert_der == NULL))
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return CREDSSP_E_NOMEM;
    c->o = *o;
    c->st = CLI_ST_TLS;
    c->nonce_len = (o->faults & CSSP_CLI_F_NO_NONCE)      ? 0
                   : (o->faults & CSSP_CLI_F_SHORT_NONCE) ? 16
                                                          : CLI_NONCE_MAX;
    if (RAND_bytes(c->nonce_a, sizeof(c->nonce_a)) != 1 ||
        RAND_bytes(c->nonce_b, sizeof(c->nonce_b)) != 1) {
        free(c);
        return CREDSSP_E_CRYPTO;
    }
    *out = c;
    ret = cli_gss_init(&c->gss, o, c->why);
    if (ret != CREDSSP_OK) {
        cli_failf(c, "GSS initiator setup");
        return CREDSSP_OK;
    }
    c->gss_ready = true;
    if (!o->tls) {
        cli_start(c);
        return CREDSSP_OK;
    }
    ret = cli_tls_init(&c->tls, c->why);
    if (ret == CREDSSP_OK)
        ret = cli_tls_feed(&c->tls, NULL, 0, &c->plain_in, c->why); /* ClientHello */
    if (ret == CREDSSP_OK)
        ret = cli_tls_drain(&c->tls, &c->wire_out);
    if (ret != CREDSSP_OK)
        cli_failf(c, "TLS setup");
    return CREDSSP_OK;
}

/* Free everything, wiping buffers. NULL-safe. */
void
cssp_cli_free(struct cssp_client *c)
{
    if (c == NULL)
        return;
    if (c->gss_ready)
        cli_gss_clear(&c->gss);
    if (c->tls.ssl != NULL)
        cli_tls_clear(&c->tls);
    cli_buf_clear(&c->wire_out);
    cli_buf_clear(&c->plain_in);
    cli_buf_clear(&c->app_in);
    free(c->spk);
    free(c->bind_key);
    free(c->final_token);
    OPENSSL_cleanse(c, sizeof(*c));
    free(c);
}

/* Bytes from the server. */
enum cssp_cli_status
cssp_cli_feed(struct cssp_client *c, const uint8_t *p, size_t n)
{
    credssp_error ret;

    if (c->st == CLI_ST_FAILED)
        return CSSP_CLI_FAILED;
    if (c->o.tls) {
        ret = cli_tls_feed(&c->tls, p, n, &c->plain_in, c->why);
        if (ret != CREDSSP_OK) {
            if (c->st != CLI_ST_DONE)
                cli_failf(c, "TLS");
            return cssp_cli_status(c);
        }
        if (c->st == CLI_ST_TLS && c->tls.up)
            cli_start(c);
    } else if (cli_buf_append(&c->plain_in, p, n) != CREDSSP_OK) {
        cli_failf(c, "out of memory");
    }
    cli_process_input(c);
    if (c->o.tls) {
        if (c->tls.eof && c->st != CLI_ST_DONE && c->st != CLI_ST_FAILED)
            cli_failf(c, "server closed the TLS session");
        if (cli_tls_drain(&c->tls, &c->wire_out) != CREDSSP_OK)
            cli_failf(c, "out of memory");
    }
    return cssp_cli_status(c);
}

/* The server closed the stream. */
enum cssp_cli_status
cssp_cli_feed_eof(struct cssp_client *c)
{
    if (c->st != CLI_ST_DONE && c->st != CLI_ST_FAILED)
        cli_failf(c, "server closed the connection");
    return cssp_cli_status(c);
}

/* Pending bytes for the server. */
const uint8_t *
cssp_cli_output(struct cssp_client *c, size_t *len_out)
{
    *len_out = c->wire_out.len;
    return c->wire_out.p;
}

/* n bytes of output were sent. */
void
cssp_cli_output_consumed(struct cssp_client *c, size_t n)
{
    cli_buf_consume(&c->wire_out, n);
}

/* RUNNING, DONE or FAILED. */
enum cssp_cli_status
cssp_cli_status(const struct cssp_client *c)
{
    if (c->st == CLI_ST_DONE)
        return CSSP_CLI_DONE;
    if (c->st == CLI_ST_FAILED)
        return CSSP_CLI_FAILED;
    return CSSP_CLI_RUNNING;
}

/* The recorded reason. */
const char *
cssp_cli_reason(const struct cssp_client *c)
{
    return c->why;
}

/* The server's errorCode, if it sent one. */
bool
cssp_cli_error_code(const struct cssp_client *c, uint32_t *code_out)
{
    if (code_out != NULL)
        *code_out = c->has_error_code ? c->error_code : 0;
    return c->has_error_code;
}

/* Whether the server's pubKeyAuth verified. */
bool
cssp_cli_server_verified(const struct cssp_client *c)
{
    return c->verified;
}

/* The version in the server's TSRequests. */
int
cssp_cli_server_version(const struct cssp_client *c)
{
    return c->server_version;
}

/* CSSP_CLI_V_* bits seen so far. */
unsigned
cssp_cli_violations(const struct cssp_client *c)
{
    return c->violations;
}

/* TSRequests sent so far. */
unsigned
cssp_cli_messages_sent(const struct cssp_client *c)
{
    return c->sent;
}

/* Application data to the server over the TLS session, once DONE. */
credssp_error
cssp_cli_write_app(struct cssp_client *c, const uint8_t *p, size_t n)
{
    credssp_error ret;

    if (c->st != CLI_ST_DONE || !c->o.tls)
        return CREDSSP_E_STATE;
    ret = cli_tls_write(&c->tls, p, n, c->why);
    if (ret == CREDSSP_OK)
        ret = cli_tls_drain(&c->tls, &c->wire_out);
    return ret;
}

/* Application data the server sent after the exchange. */
size_t
cssp_cli_read_app(struct cssp_client *c, uint8_t *buf, size_t cap)
{
    size_t n = c->app_in.len < cap ? c->app_in.len : cap;

    if (n > 0) {
        memcpy(buf, c->app_in.p, n);
        cli_buf_consume(&c->app_in, n);
    }
    return n;
}

/* The negoToken that came with the server's pubKeyAuth (SPNEGO), or NULL. */
const uint8_t *
cssp_cli_server_final_token(const struct cssp_client *c, size_t *len_out)
{
    *len_out = c->final_token_len;
    return c->final_token;
}

/* First 16 bytes of the last Kerberos wrap token, or NULL. */
const uint8_t *
cssp_cli_last_krb_header(const struct cssp_client *c)
{
    return c->gss.have_krb_header ? c->gss.last_krb_header : NULL;
}
