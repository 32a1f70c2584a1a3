/*
 * tls.c - the TLS server of engine-owned mode, over two memory BIOs.
 *
 * MS-CSSP 3.1.5: the server presents its certificate, requests no client
 * certificate and does not resume sessions (disabled in config.c).  Each
 * TSRequest is written with one SSL_write so it travels in one record
 * (MS-CSSP product note <8>).
 *
 * TLS 1.3 (RFC 8446 4.6.1): the server role sends one NewSessionTicket right
 * after the client's Finished, because some CredSSP clients wait for a
 * server record at that point before their first TSRequest (docs/INTEROP.md
 * 7).  The ticket can never resume anything: SSL_OP_NO_TICKET makes it a
 * stateful ticket (a session ID) and the session cache is off, so the
 * lookup always misses; a handshake that reports a resumed session anyway
 * is refused here, since the CredSSP binding must cover the certificate key
 * of a full handshake.
 */
#include <openssl/err.h>

#include "tls.h"

/* An SSL over two fresh memory BIOs, in the server or the client role. */
static credssp_error
tls_init_role(struct cssp_tls *t, SSL_CTX *ctx, bool server)
{
    *t = (struct cssp_tls){ 0 };
    if (ctx == NULL)
        return CREDSSP_E_CONFIG;
    t->ssl = SSL_new(ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL) {
        cssp_tls_clear(t);
        return CREDSSP_E_NOMEM;
    }
    BIO_set_mem_eof_return(t->rbio, -1);   /* empty = retry, not EOF */
    SSL_set_bio(t->ssl, t->rbio, t->wbio);  /* SSL owns both now */
    if (server) {
        /* Stateful (SSL_OP_NO_TICKET, from the context: config.c) with the
         * session cache off: the ticket never resumes anything. */
        if (SSL_set_num_tickets(t->ssl, 1) != 1) {
            cssp_tls_clear(t);
            return CREDSSP_E_TLS;
        }
        SSL_set_accept_state(t->ssl);
    } else
        SSL_set_connect_state(t->ssl);
    return CREDSSP_OK;
}

credssp_error
cssp_tls_init(struct cssp_tls *t, SSL_CTX *ctx)
{
    return tls_init_role(t, ctx, true);
}

credssp_error
cssp_tls_init_client(struct cssp_tls *t, SSL_CTX *ctx)
{
    return tls_init_role(t, ctx, false);
}

void
cssp_tls_clear(struct cssp_tls *t)
{
    if (t == NULL)
        return;
    if (t->ssl != NULL) {
        SSL_free(t->ssl);
    } else {
        BIO_free(t->rbio);
        BIO_free(t->wbio);
    }
    *t = (struct cssp_tls){ 0 };
}

credssp_error
cssp_tls_feed(struct cssp_tls *t, const uint8_t *data, size_t len)
{
    if (len == 0)
        return CREDSSP_OK;
    if (len > INT32_MAX || BIO_write(t->rbio, data, (int)len) != (int)len)
        return CREDSSP_E_NOMEM;
    return CREDSSP_OK;
}

/* Classify an SSL_* return: retry is OK, anything else a TLS failure. */
static credssp_error
ssl_result(struct cssp_tls *t, int rc)
{
    int e = SSL_get_error(t->ssl, rc);

    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return CREDSSP_OK;
    if (e == SSL_ERROR_ZERO_RETURN)
        return CREDSSP_E_CLOSED;
    ERR_clear_error();
    return CREDSSP_E_TLS;
}

credssp_error
cssp_tls_handshake(struct cssp_tls *t)
{
    int rc;

    if (t->established)
        return CREDSSP_OK;
    rc = SSL_do_handshake(t->ssl);
    if (rc == 1) {
        if (SSL_session_reused(t->ssl))
            return CREDSSP_E_TLS;        /* never: see the file comment */
        t->established = true;
        return CREDSSP_OK;
    }
    return ssl_result(t, rc);
}

credssp_error
cssp_tls_read(struct cssp_tls *t, uint8_t *buf, size_t cap, size_t *n_out)
{
    size_t n = 0;
    int rc;

    *n_out = 0;
    if (cap == 0)
        return CREDSSP_OK;
    rc = SSL_read_ex(t->ssl, buf, cap, &n);
    if (rc == 1) {
        *n_out = n;
        return CREDSSP_OK;
    }
    return ssl_result(t, rc);
}

credssp_error
cssp_tls_write(struct cssp_tls *t, const uint8_t *data, size_t len)
{
    size_t n = 0;

    if (SSL_write_ex(t->ssl, data, len, &n) != 1 || n != len) {
        ERR_clear_error();
        return CREDSSP_E_TLS;
    }
    return CREDSSP_OK;
}

size_t
cssp_tls_pending(const struct cssp_tls *t)
{
    return t->wbio != NULL ? BIO_ctrl_pending(t->wbio) : 0;
}

size_t
cssp_tls_drain(struct cssp_tls *t, uint8_t *buf, size_t cap)
{
    int n;

    if (cap == 0 || t->wbio == NULL)
        return 0;
    n = BIO_read(t->wbio, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
    return n > 0 ? (size_t)n : 0;
}

void
cssp_tls_shutdown(struct cssp_tls *t)
{
    if (t->ssl != NULL && t->established) {
        (void)SSL_shutdown(t->ssl);
        ERR_clear_error();
    }
}

X509 *
cssp_tls_certificate(const struct cssp_tls *t)
{
    return t->ssl != NULL ? SSL_get_certificate(t->ssl) : NULL;
}
