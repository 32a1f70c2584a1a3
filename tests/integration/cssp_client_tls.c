/*
 * cssp_client_tls.c - the test client's TLS: OpenSSL client over a pair of
 * memory BIOs, no certificate verification (CredSSP clients bind to the key
 * through pubKeyAuth instead), and the SubjectPublicKey extraction the
 * binding covers (X509_get0_pubkey_bitstr: the BIT STRING contents without
 * the unused-bits octet, docs/PROTOCOL.md §2.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "cssp_client_int.h"

/* Put the OpenSSL error queue (or a fallback) into why. */
static void
ssl_why(char *why, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[160] = "no OpenSSL error";

    if (e != 0)
        ERR_error_string_n(e, buf, sizeof(buf));
    snprintf(why, CLI_REASON_LEN, "%s: %s", what, buf);
    ERR_clear_error();
}

/* Create the context, the SSL object and the BIO pair; start nothing yet. */
credssp_error
cli_tls_init(struct cli_tls *t, char *why)
{
    credssp_error ret = CREDSSP_E_TLS;
    bool attached = false;

    memset(t, 0, sizeof(*t));
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (t->ctx == NULL) {
        ssl_why(why, "SSL_CTX_new");
        goto cleanup;
    }
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
    /* MS-CSSP 3.1.5: no session resumption. */
    SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
    t->ssl = SSL_new(t->ctx);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->in == NULL || t->out == NULL) {
        ssl_why(why, "SSL_new/BIO_new");
        goto cleanup;
    }
    BIO_set_mem_eof_return(t->in, -1);
    SSL_set_bio(t->ssl, t->in, t->out); /* the SSL now owns both BIOs */
    attached = true;
    SSL_set_connect_state(t->ssl);
    ret = CREDSSP_OK;

cleanup:
    if (ret != CREDSSP_OK) {
        if (!attached) {
            BIO_free(t->in);
            BIO_free(t->out);
        }
        t->in = NULL;
        t->out = NULL;
        cli_tls_clear(t);
    }
    return ret;
}

/* Free everything; NULL-safe fields. */
void
cli_tls_clear(struct cli_tls *t)
{
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    memset(t, 0, sizeof(*t));
}

/* Advance the handshake; OK while it only waits for more bytes. */
static credssp_error
handshake(struct cli_tls *t, char *why)
{
    int r, err;

    if (t->up)
        return CREDSSP_OK;
    r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        t->up = true;
        return CREDSSP_OK;
    }
    err = SSL_get_error(t->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return CREDSSP_OK;
    ssl_why(why, "TLS handshake");
    return CREDSSP_E_TLS;
}

/* Feed server bytes; once up, decrypt everything available into plain. */
credssp_error
cli_tls_feed(struct cli_tls *t, const uint8_t *p, size_t n, struct cli_buf *plain, char *why)
{
    credssp_error ret;
    uint8_t rec[4096];
    int r, err;

    if (n > 0 && BIO_write(t->in, p, (int)n) != (int)n) {
        ssl_why(why, "BIO_write");
        return CREDSSP_E_TLS;
    }
    ret = handshake(t, why);
    if (ret != CREDSSP_OK || !t->up)
        return ret;
    for (;;) {
        r = SSL_read(t->ssl, rec, sizeof(rec));
        if (r > 0) {
            ret = cli_buf_append(plain, rec, (size_t)r);
            OPENSSL_cleanse(rec, sizeof(rec));
            if (ret != CREDSSP_OK)
                return ret;
            continue;
        }
        err = SSL_get_error(t->ssl, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
            return CREDSSP_OK;
        if (err == SSL_ERROR_ZERO_RETURN) {
            t->eof = true;
            return CREDSSP_OK;
        }
        t->eof = true;
        ssl_why(why, "SSL_read");
        return CREDSSP_E_TLS;
    }
}

/* Encrypt n bytes with one SSL_write (one record up to 16 KiB). */
credssp_error
cli_tls_write(struct cli_tls *t, const uint8_t *p, size_t n, char *why)
{
    size_t done = 0;

    if (!t->up) {
        snprintf(why, CLI_REASON_LEN, "TLS write before the handshake finished");
        return CREDSSP_E_STATE;
    }
    if (SSL_write_ex(t->ssl, p, n, &done) != 1 || done != n) {
        ssl_why(why, "SSL_write");
        return CREDSSP_E_TLS;
    }
    return CREDSSP_OK;
}

/* Move pending ciphertext into wire. */
credssp_error
cli_tls_drain(struct cli_tls *t, struct cli_buf *wire)
{
    credssp_error ret;
    uint8_t chunk[4096];
    int r;

    while ((r = BIO_read(t->out, chunk, sizeof(chunk))) > 0) {
        ret = cli_buf_append(wire, chunk, (size_t)r);
        if (ret != CREDSSP_OK)
            return ret;
    }
    return CREDSSP_OK;
}

/* Copy the BIT STRING contents of a certificate's public key. */
static credssp_error
spk_of(const X509 *cert, uint8_t **out, size_t *len_out)
{
    ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(cert);
    uint8_t *p;

    if (bits == NULL || bits->length <= 0)
        return CREDSSP_E_TLS;
    p = malloc((size_t)bits->length);
    if (p == NULL)
        return CREDSSP_E_NOMEM;
    memcpy(p, bits->data, (size_t)bits->length);
    *out = p;
    *len_out = (size_t)bits->length;
    return CREDSSP_OK;
}

/* SubjectPublicKey of the certificate the server presented in this handshake. */
credssp_error
cli_tls_peer_spk(struct cli_tls *t, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    X509 *cert = SSL_get1_peer_certificate(t->ssl);

    if (cert == NULL)
        return CREDSSP_E_TLS;
    ret = spk_of(cert, out, len_out);
    X509_free(cert);
    return ret;
}

/* SubjectPublicKey of a DER certificate. */
credssp_error
cli_spk_from_der(const uint8_t *der, size_t len, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)len);

    if (cert == NULL)
        return CREDSSP_E_INVALID_ARG;
    ret = spk_of(cert, out, len_out);
    X509_free(cert);
    return ret;
}
