/*
 * tlsonly.c - baseline TLS handshake for --tls-only (no MS-CSSP).
 *
 * MS-RDPBCGR 5.4.5.1 (TLS security after the X.224 exchange) without any
 * CredSSP on top: OpenSSL server over two memory BIOs, so the epoll loop
 * moves the bytes and the handshake never blocks.
 */
#include <stdlib.h>

#include <openssl/err.h>

#include "tlsonly.h"

struct tlsonly {
    SSL *ssl;
    BIO *rbio;    /* ciphertext from the peer */
    BIO *wbio;    /* ciphertext for the peer */
    bool done;
};

/* Create the TLS server state for one connection. */
credssp_error
tlsonly_new(SSL_CTX *ctx, struct tlsonly **out)
{
    struct tlsonly *t = NULL;
    credssp_error ret = CREDSSP_E_NOMEM;

    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        goto cleanup;
    ret = CREDSSP_E_TLS;
    t->ssl = SSL_new(ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL)
        goto cleanup;
    BIO_set_mem_eof_return(t->rbio, -1);        /* empty = "retry", not EOF */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);      /* SSL owns both BIOs now */
    SSL_set_accept_state(t->ssl);
    *out = t;
    t = NULL;
    ret = CREDSSP_OK;
cleanup:
    tlsonly_free(t);
    return ret;
}

/* Free; NULL-safe. */
void
tlsonly_free(struct tlsonly *t)
{
    if (t == NULL)
        return;
    if (t->ssl != NULL) {
        SSL_free(t->ssl);                       /* frees rbio and wbio */
    } else {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
    }
    free(t);
}

/* Queue received ciphertext and run the handshake as far as it goes. */
credssp_error
tlsonly_feed(struct tlsonly *t, const uint8_t *data, size_t len, bool *done_out)
{
    int r;

    *done_out = t->done;
    if (len > 0) {
        if (len > (size_t)INT32_MAX || BIO_write(t->rbio, data, (int)len) != (int)len)
            return CREDSSP_E_TLS;
    }
    if (t->done)
        return CREDSSP_OK;
    r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        t->done = true;
        *done_out = true;
        return CREDSSP_OK;
    }
    switch (SSL_get_error(t->ssl, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return CREDSSP_OK;
    default:
        ERR_clear_error();
        return CREDSSP_E_TLS;
    }
}

/* Queue close_notify (only meaningful once the handshake finished). */
void
tlsonly_shutdown(struct tlsonly *t)
{
    if (t->done)
        (void)SSL_shutdown(t->ssl);
    ERR_clear_error();
}

/* Take pending ciphertext. */
size_t
tlsonly_drain(struct tlsonly *t, uint8_t *buf, size_t cap)
{
    int n;

    if (cap > (size_t)INT32_MAX)
        cap = (size_t)INT32_MAX;
    if (BIO_ctrl_pending(t->wbio) == 0)
        return 0;
    n = BIO_read(t->wbio, buf, (int)cap);
    return n > 0 ? (size_t)n : 0;
}

/* Negotiated protocol version. */
const char *
tlsonly_version(const struct tlsonly *t)
{
    return SSL_get_version(t->ssl);
}
