/*
 * tlsc.c - TLS-only baseline client over memory BIOs (see tlsc.h).
 * Ciphertext OpenSSL writes is moved into a plain output queue that loop.c
 * sends; the handshake is done once SSL_do_handshake returns 1 (TLS 1.3: the
 * client Finished is queued; the server closes after reading it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "tlsc.h"

#define TLSC_OUT_MAX (256u * 1024u)
#define TLSC_CHUNK 4096

struct tlsc {
    SSL *ssl;
    BIO *in;       /* bytes from the server */
    BIO *out;      /* bytes for the server, drained into q */
    uint8_t *q;
    size_t q_len, q_off, q_cap;
    bool done;
};

/* The shared client context: defaults, like the CredSSP test client's. */
credssp_error
tlsc_ctx_new(SSL_CTX **out)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    *out = NULL;
    if (ctx == NULL)
        return CREDSSP_E_TLS;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    *out = ctx;
    return CREDSSP_OK;
}

/* Move what OpenSSL wrote into the output queue (bounded). */
static credssp_error
drain(struct tlsc *t)
{
    uint8_t chunk[TLSC_CHUNK];
    int r;

    while ((r = BIO_read(t->out, chunk, sizeof(chunk))) > 0) {
        size_t n = (size_t)r;

        if (t->q_off > 0 && t->q_off == t->q_len) {
            t->q_off = 0;
            t->q_len = 0;
        }
        if (t->q_len + n > TLSC_OUT_MAX)
            return CREDSSP_E_TOO_LARGE;
        if (t->q_len + n > t->q_cap) {
            size_t cap = t->q_cap != 0 ? t->q_cap : TLSC_CHUNK;
            uint8_t *nq;

            while (cap < t->q_len + n)
                cap *= 2;
            nq = realloc(t->q, cap);
            if (nq == NULL)
                return CREDSSP_E_NOMEM;
            t->q = nq;
            t->q_cap = cap;
        }
        memcpy(t->q + t->q_len, chunk, n);
        t->q_len += n;
    }
    return CREDSSP_OK;
}

/* Run the handshake as far as the input allows. */
static credssp_error
step(struct tlsc *t)
{
    int r, err;

    if (!t->done) {
        r = SSL_do_handshake(t->ssl);
        if (r == 1) {
            t->done = true;
        } else {
            err = SSL_get_error(t->ssl, r);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
                ERR_clear_error();
                (void)drain(t);
                return CREDSSP_E_TLS;
            }
        }
    }
    return drain(t);
}

/* A client with its ClientHello queued. */
credssp_error
tlsc_new(SSL_CTX *ctx, struct tlsc **out)
{
    struct tlsc *t = NULL;
    credssp_error ret = CREDSSP_E_NOMEM;

    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        goto cleanup;
    ret = CREDSSP_E_TLS;
    t->ssl = SSL_new(ctx);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->in == NULL || t->out == NULL)
        goto cleanup;
    BIO_set_mem_eof_return(t->in, -1);
    SSL_set_bio(t->ssl, t->in, t->out);    /* the SSL owns both BIOs now */
    SSL_set_connect_state(t->ssl);
    ret = step(t);
    if (ret != CREDSSP_OK)
        goto cleanup;
    *out = t;
    t = NULL;
cleanup:
    tlsc_free(t);
    return ret;
}

/* Free; NULL-safe. */
void
tlsc_free(struct tlsc *t)
{
    if (t == NULL)
        return;
    if (t->ssl != NULL) {
        SSL_free(t->ssl);
    } else {
        BIO_free(t->in);
        BIO_free(t->out);
    }
    free(t->q);
    free(t);
}

/* Feed server bytes and continue the handshake. */
credssp_error
tlsc_feed(struct tlsc *t, const uint8_t *p, size_t n, bool *done_out)
{
    credssp_error ret = CREDSSP_OK;

    if (n > 0 && (n > (size_t)INT32_MAX || BIO_write(t->in, p, (int)n) != (int)n))
        ret = CREDSSP_E_TLS;
    if (ret == CREDSSP_OK)
        ret = step(t);
    *done_out = t->done;
    return ret;
}

/* Pending ciphertext. */
const uint8_t *
tlsc_output(struct tlsc *t, size_t *len_out)
{
    *len_out = t->q_len - t->q_off;
    return t->q != NULL ? t->q + t->q_off : NULL;
}

/* n bytes of the output were sent. */
void
tlsc_consumed(struct tlsc *t, size_t n)
{
    if (n > t->q_len - t->q_off)
        n = t->q_len - t->q_off;
    t->q_off += n;
    if (t->q_off == t->q_len) {
        t->q_off = 0;
        t->q_len = 0;
    }
}

/* Negotiated version and cipher suite. */
const char *
tlsc_describe(const struct tlsc *t, char *buf, size_t cap)
{
    (void)snprintf(buf, cap, "%s %s", SSL_get_version(t->ssl),
                   SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)));
    return buf;
}
