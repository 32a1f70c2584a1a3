/*
 * memtls.c - one TLS session over two memory BIOs (RFC 8446 / 5246 via
 * OpenSSL; MS-RDPBCGR 5.4.5.1 "TLS security" after the X.224 exchange):
 * credssp-server's --tls-only baseline (server role) and the gateway's link
 * to xrdp (client role).  The event loop feeds received ciphertext in and
 * drains ciphertext to send; nothing here touches a descriptor.
 */
#include <limits.h>
#include <stdlib.h>

#include <openssl/err.h>

#include "memtls.h"

struct memtls {
    SSL *ssl;
    BIO *rbio;                  /* ciphertext from the peer */
    BIO *wbio;                  /* ciphertext toward the peer */
    bool up;                    /* handshake done */
};

/* A new session in the server or the client role. */
credssp_error
memtls_new(SSL_CTX *ctx, bool server, struct memtls **out)
{
    struct memtls *t = calloc(1, sizeof(*t));
    credssp_error ret = CREDSSP_E_NOMEM;

    *out = NULL;
    if (t == NULL)
        return CREDSSP_E_NOMEM;
    t->ssl = SSL_new(ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL)
        goto cleanup;
    BIO_set_mem_eof_return(t->rbio, -1);   /* empty = retry, not EOF */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);  /* the SSL owns both now */
    if (server)
        SSL_set_accept_state(t->ssl);
    else
        SSL_set_connect_state(t->ssl);
    *out = t;
    t = NULL;
    ret = CREDSSP_OK;
cleanup:
    memtls_free(t);
    return ret;
}

/* Free; NULL-safe. */
void
memtls_free(struct memtls *t)
{
    if (t == NULL)
        return;
    if (t->ssl != NULL) {
        SSL_free(t->ssl);
    } else {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
    }
    free(t);
}

/* Queue ciphertext from the peer. */
credssp_error
memtls_feed(struct memtls *t, const uint8_t *data, size_t len)
{
    if (len == 0)
        return CREDSSP_OK;
    if (len > INT_MAX || BIO_write(t->rbio, data, (int)len) != (int)len)
        return CREDSSP_E_NOMEM;
    return CREDSSP_OK;
}

/* An SSL_* return: a retry is no error, a close is CLOSED, the rest TLS. */
static credssp_error
ssl_outcome(struct memtls *t, int rc)
{
    switch (SSL_get_error(t->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return CREDSSP_OK;
    case SSL_ERROR_ZERO_RETURN:
        return CREDSSP_E_CLOSED;
    default:
        ERR_clear_error();
        return CREDSSP_E_TLS;
    }
}

/* Advance the handshake. */
credssp_error
memtls_handshake(struct memtls *t, bool *done_out)
{
    int rc;

    *done_out = t->up;
    if (t->up)
        return CREDSSP_OK;
    rc = SSL_do_handshake(t->ssl);
    if (rc != 1)
        return ssl_outcome(t, rc);
    t->up = true;
    *done_out = true;
    return CREDSSP_OK;
}

/* Decrypt what is there. */
credssp_error
memtls_read(struct memtls *t, uint8_t *buf, size_t cap, size_t *n_out)
{
    int rc;

    *n_out = 0;
    if (cap == 0)
        return CREDSSP_OK;
    rc = SSL_read_ex(t->ssl, buf, cap, n_out);
    return rc == 1 ? CREDSSP_OK : ssl_outcome(t, rc);
}

/* Encrypt and queue. */
credssp_error
memtls_write(struct memtls *t, const uint8_t *data, size_t len)
{
    size_t n = 0;

    if (len == 0)
        return CREDSSP_OK;
    if (SSL_write_ex(t->ssl, data, len, &n) != 1 || n != len) {
        ERR_clear_error();
        return CREDSSP_E_TLS;
    }
    return CREDSSP_OK;
}

size_t
memtls_pending(const struct memtls *t)
{
    return t != NULL && t->wbio != NULL ? BIO_ctrl_pending(t->wbio) : 0;
}

size_t
memtls_drain(struct memtls *t, uint8_t *buf, size_t cap)
{
    int n;

    if (cap == 0 || t->wbio == NULL)
        return 0;
    n = BIO_read(t->wbio, buf, cap > INT_MAX ? INT_MAX : (int)cap);
    return n > 0 ? (size_t)n : 0;
}

/* close_notify, if the session is up. */
void
memtls_shutdown(struct memtls *t)
{
    if (t != NULL && t->ssl != NULL && t->up) {
        (void)SSL_shutdown(t->ssl);
        ERR_clear_error();
    }
}

SSL *
memtls_ssl(const struct memtls *t)
{
    return t != NULL ? t->ssl : NULL;
}

/* Protocol version string ("TLSv1.3"), "-" before a session exists. */
const char *
memtls_version(const struct memtls *t)
{
    return t != NULL && t->ssl != NULL ? SSL_get_version(t->ssl) : "-";
}
