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
#include "tls.h"

/* The library's memory-BIO TLS (acceptor/engine/tls.c), in the client role. */
struct backtls {
    struct cssp_tls tls;
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
    credssp_error ret;

    *out = NULL;
    if (t == NULL)
        return CREDSSP_E_NOMEM;
    ret = cssp_tls_init_client(&t->tls, ctx);
    if (ret != CREDSSP_OK) {
        free(t);
        return ret;
    }
    *out = t;
    return CREDSSP_OK;
}

/* Free; NULL-safe. */
void
backtls_free(struct backtls *t)
{
    if (t == NULL)
        return;
    cssp_tls_clear(&t->tls);
    free(t);
}

/* Queue ciphertext from xrdp. */
credssp_error
backtls_feed(struct backtls *t, const uint8_t *data, size_t len)
{
    return cssp_tls_feed(&t->tls, data, len);
}

/* Advance the handshake. */
credssp_error
backtls_handshake(struct backtls *t, bool *done_out)
{
    credssp_error ret = cssp_tls_handshake(&t->tls);

    *done_out = t->tls.established;
    return ret;
}

/* Decrypt what is there. */
credssp_error
backtls_read(struct backtls *t, uint8_t *buf, size_t cap, size_t *n_out)
{
    return cssp_tls_read(&t->tls, buf, cap, n_out);
}

/* Encrypt and queue. */
credssp_error
backtls_write(struct backtls *t, const uint8_t *data, size_t len)
{
    return len == 0 ? CREDSSP_OK : cssp_tls_write(&t->tls, data, len);
}

size_t
backtls_pending(const struct backtls *t)
{
    return t != NULL ? cssp_tls_pending(&t->tls) : 0;
}

size_t
backtls_drain(struct backtls *t, uint8_t *buf, size_t cap)
{
    return cssp_tls_drain(&t->tls, buf, cap);
}

/* close_notify, if the session is up. */
void
backtls_shutdown(struct backtls *t)
{
    if (t != NULL)
        cssp_tls_shutdown(&t->tls);
}

/* Compare the peer certificate with the pinned one. */
credssp_error
backtls_check_pin(const struct backtls *t, X509 *pin)
{
    X509 *peer;
    int same;

    if (pin == NULL)
        return CREDSSP_OK;
    peer = SSL_get1_peer_certificate(t->tls.ssl);
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
    return t != NULL && t->tls.ssl != NULL ? SSL_get_version(t->tls.ssl) : "-";
}
