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

/* Compare the peer certificate with the pinned one. */
credssp_error
backtls_check_pin(const struct memtls *t, X509 *pin)
{
    X509 *peer;
    int same;

    if (pin == NULL)
        return CREDSSP_OK;
    peer = SSL_get1_peer_certificate(memtls_ssl(t));
    if (peer == NULL)
        return CREDSSP_E_BINDING;
    same = X509_cmp(peer, pin) == 0;
    X509_free(peer);
    return same ? CREDSSP_OK : CREDSSP_E_BINDING;
}
