/*
 * backtls.c - TLS client toward xrdp over memory BIOs (RFC 8446 / 5246 via
 * OpenSSL; MS-RDPBCGR 5.4.5.1 "TLS 1.0/1.1/1.2/1.3 security").
 *
 * xrdp presents whatever certificate xrdp.ini names (by default Debian's
 * snakeoil certificate), so chain verification would fail; the link is
 * protected by where xrdp listens (a Unix socket only root can reach, or
 * loopback) and, optionally, by pinning the exact certificate
 * (--backend-cert).  Session tickets are not used; received plaintext is
 * cleansed by OpenSSL after it is handed out.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "backtls.h"

struct backtls {
    SSL *ssl;
    BIO *rbio;     /* ciphertext from xrdp (we write, SSL reads) */
    BIO *wbio;     /* ciphertext to xrdp (SSL writes, we read) */
    bool established;
};

/* The client SSL_CTX. */
credssp_error
backtls_make_ctx(SSL_CTX **ctx_out)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    *ctx_out = NULL;
    if (ctx == NULL)
        return CREDSSP_E_NOMEM;
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
        SSL_CTX_free(ctx);
        return CREDSSP_E_TLS;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CLEANSE_PLAINTEXT);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    *ctx_out = ctx;
    return CREDSSP_OK;
}

/* Load the pinned certificate. */
credssp_error
backtls_load_pin(const char *path, X509 **pin_out)
{
    FILE *f = fopen(path, "r");
    X509 *x;

    *pin_out = NULL;
    if (f == NULL)
        return CREDSSP_E_CONFIG;
    x = PEM_read_X509(f, NULL, NULL, NULL);
    (void)fclose(f);
    if (x == NULL) {
        ERR_clear_error();
        return CREDSSP_E_CONFIG;
    }
    *pin_out = x;
    return CREDSSP_OK;
}

/* A new client session. */
credssp_error
backtls_new(SSL_CTX *ctx, struct backtls **out)
{
    struct backtls *t = calloc(1, sizeof(*t));

    *out = NULL;
    if (t == NULL)
        return CREDSSP_E_NOMEM;
    t->ssl = SSL_new(ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL) {
        if (t->ssl == NULL) {
            BIO_free(t->rbio);
            BIO_free(t->wbio);
            t->rbio = t->wbio = NULL;
        }
        backtls_free(t);
        return CREDSSP_E_NOMEM;
    }
    BIO_set_mem_eof_return(t->rbio, -1);   /* empty = retry, not EOF */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);  /* SSL owns both now */
    SSL_set_connect_state(t->ssl);
    *out = t;
    return CREDSSP_OK;
}

/* Free; NULL-safe. */
void
backtls_free(struct backtls *t)
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

/* Retry conditions are fine; a close is CLOSED; anything else TLS. */
static credssp_error
ssl_result(struct backtls *t, int rc)
{
    int e = SSL_get_error(t->ssl, rc);

    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return CREDSSP_OK;
    ERR_clear_error();
    return e == SSL_ERROR_ZERO_RETURN ? CREDSSP_E_CLOSED : CREDSSP_E_TLS;
}

/* Queue ciphertext from xrdp. */
credssp_error
backtls_feed(struct backtls *t, const uint8_t *data, size_t len)
{
    if (len == 0)
        return CREDSSP_OK;
    if (len > INT32_MAX || BIO_write(t->rbio, data, (int)len) != (int)len)
        return CREDSSP_E_NOMEM;
    return CREDSSP_OK;
}

/* Advance the handshake. */
credssp_error
backtls_handshake(struct backtls *t, bool *done_out)
{
    int rc;

    *done_out = t->established;
    if (t->established)
        return CREDSSP_OK;
    rc = SSL_do_handshake(t->ssl);
    if (rc == 1) {
        t->established = true;
        *done_out = true;
        return CREDSSP_OK;
    }
    return ssl_result(t, rc);
}

/* Decrypt what is there. */
credssp_error
backtls_read(struct backtls *t, uint8_t *buf, size_t cap, size_t *n_out)
{
    size_t n = 0;
    int rc;

    *n_out = 0;
    rc = SSL_read_ex(t->ssl, buf, cap, &n);
    if (rc == 1) {
        *n_out = n;
        return CREDSSP_OK;
    }
    return ssl_result(t, rc);
}

/* Encrypt and queue. */
credssp_error
backtls_write(struct backtls *t, const uint8_t *data, size_t len)
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
backtls_pending(const struct backtls *t)
{
    return t != NULL ? BIO_ctrl_pending(t->wbio) : 0;
}

size_t
backtls_drain(struct backtls *t, uint8_t *buf, size_t cap)
{
    int n;

    if (cap == 0)
        return 0;
    n = BIO_read(t->wbio, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
    return n > 0 ? (size_t)n : 0;
}

/* close_notify, if the session is up. */
void
backtls_shutdown(struct backtls *t)
{
    if (t != NULL && t->established) {
        (void)SSL_shutdown(t->ssl);
        ERR_clear_error();
    }
}

/* Compare the peer certificate with the pinned one. */
credssp_error
backtls_check_pin(const struct backtls *t, X509 *pin)
{
    X509 *peer;
    int same;

    if (pin == NULL)
        return CREDSSP_OK;
    peer = SSL_get1_peer_certificate(t->ssl);
    if (peer == NULL)
        return CREDSSP_E_BINDING;
    same = X509_cmp(peer, pin) == 0;
    X509_free(peer);
    return same ? CREDSSP_OK : CREDSSP_E_BINDING;
}

/* Protocol version string. */
const char *
backtls_version(const struct backtls *t)
{
    return t != NULL && t->ssl != NULL ? SSL_get_version(t->ssl) : "-";
}
