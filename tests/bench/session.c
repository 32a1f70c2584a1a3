/*
 * session.c - one connection's session after X.224 (see session.h): a
 * CredSSP v6 raw-NTLM login with password credentials through the test
 * client (MS-CSSP 3.1.5 flow A, docs/PROTOCOL.md §6.1), or the TLS handshake of
 * the --tls-only baseline.  DONE means the client has nothing more to say:
 * authInfo queued, or the client Finished queued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cssp_client.h"
#include "session.h"
#include "tlsc.h"

struct bench_sess {
    enum bench_mode mode;
    struct cssp_client *cli;     /* BENCH_CSSP */
    struct tlsc *tls;            /* BENCH_TLS */
    enum bench_sess_status st;
    char why[BENCH_REASON_LEN];
};

/* Shared state of a phase (the baseline's SSL_CTX). */
credssp_error
bench_sess_ctx_init(struct bench_sess_ctx *x, enum bench_mode mode,
                    const struct bench_creds *cr)
{
    memset(x, 0, sizeof(*x));
    x->mode = mode;
    x->cr = cr;
    if (mode == BENCH_TLS)
        return tlsc_ctx_new(&x->tls_ctx);
    return CREDSSP_OK;
}

/* Release the shared state. */
void
bench_sess_ctx_clear(struct bench_sess_ctx *x)
{
    SSL_CTX_free(x->tls_ctx);
    x->tls_ctx = NULL;
}

/* The CredSSP client: v6, raw NTLM (or SPNEGO Kerberos), FreeRDP nonces, TLS, password creds. */
static credssp_error
new_cssp(const struct bench_sess_ctx *x, struct bench_sess *s)
{
    struct cssp_cli_opts o;
    credssp_error ret;

    cssp_cli_opts_init(&o);
    o.version = 6;
    o.mech = x->cr->krb5 ? CSSP_CLI_SPNEGO_KRB5 : CSSP_CLI_RAW_NTLM;
    o.tls = true;
    o.auth_user = x->cr->user;
    o.auth_domain = x->cr->domain;
    o.auth_password = x->cr->password;
    o.cred = CSSP_CLI_CRED_PASSWORD;
    o.user = x->cr->user;
    o.domain = x->cr->domain;
    o.password = x->cr->password;
    ret = cssp_cli_new(&o, &s->cli);
    if (ret == CREDSSP_OK && cssp_cli_status(s->cli) == CSSP_CLI_FAILED) {
        (void)snprintf(s->why, sizeof(s->why), "client set-up: %s", cssp_cli_reason(s->cli));
        ret = CREDSSP_E_INTERNAL;
    }
    return ret;
}

/* A session with its first flight queued. */
credssp_error
bench_sess_new(const struct bench_sess_ctx *x, struct bench_sess **out)
{
    struct bench_sess *s = calloc(1, sizeof(*s));
    credssp_error ret;

    *out = NULL;
    if (s == NULL)
        return CREDSSP_E_NOMEM;
    s->mode = x->mode;
    s->st = SESS_RUNNING;
    if (x->mode == BENCH_CSSP)
        ret = new_cssp(x, s);
    else
        ret = tlsc_new(x->tls_ctx, &s->tls);
    if (ret != CREDSSP_OK) {
        if (s->why[0] != '\0')
            fprintf(stderr, "credssp-bench: %s\n", s->why);
        bench_sess_free(s);
        return ret;
    }
    *out = s;
    return CREDSSP_OK;
}

/* NULL-safe. */
void
bench_sess_free(struct bench_sess *s)
{
    if (s == NULL)
        return;
    cssp_cli_free(s->cli);
    tlsc_free(s->tls);
    free(s);
}

/* Map the test client's status. */
static enum bench_sess_status
from_cli(struct bench_sess *s, enum cssp_cli_status st)
{
    if (st == CSSP_CLI_DONE) {
        s->st = SESS_DONE;
    } else if (st == CSSP_CLI_FAILED) {
        s->st = SESS_FAILED;
        (void)snprintf(s->why, sizeof(s->why), "%s", cssp_cli_reason(s->cli));
    }
    return s->st;
}

/* Bytes from the server; after DONE the caller stops feeding. */
enum bench_sess_status
bench_sess_feed(struct bench_sess *s, const uint8_t *p, size_t n)
{
    credssp_error ret;
    bool done = false;

    if (s->st != SESS_RUNNING)
        return s->st;
    if (s->mode == BENCH_CSSP)
        return from_cli(s, cssp_cli_feed(s->cli, p, n));
    ret = tlsc_feed(s->tls, p, n, &done);
    if (ret != CREDSSP_OK) {
        s->st = SESS_FAILED;
        (void)snprintf(s->why, sizeof(s->why), "TLS handshake: %s", credssp_strerror(ret));
    } else if (done) {
        s->st = SESS_DONE;
    }
    return s->st;
}

/* The server closed before we were done. */
enum bench_sess_status
bench_sess_feed_eof(struct bench_sess *s)
{
    if (s->st != SESS_RUNNING)
        return s->st;
    if (s->mode == BENCH_CSSP)
        return from_cli(s, cssp_cli_feed_eof(s->cli));
    s->st = SESS_FAILED;
    (void)snprintf(s->why, sizeof(s->why), "server closed during the TLS handshake");
    return s->st;
}

/* Pending bytes for the server. */
const uint8_t *
bench_sess_output(struct bench_sess *s, size_t *len_out)
{
    if (s->mode == BENCH_CSSP)
        return cssp_cli_output(s->cli, len_out);
    return tlsc_output(s->tls, len_out);
}

/* n bytes were sent. */
void
bench_sess_consumed(struct bench_sess *s, size_t n)
{
    if (s->mode == BENCH_CSSP)
        cssp_cli_output_consumed(s->cli, n);
    else
        tlsc_consumed(s->tls, n);
}

/* The recorded reason. */
const char *
bench_sess_reason(const struct bench_sess *s)
{
    return s->why;
}
