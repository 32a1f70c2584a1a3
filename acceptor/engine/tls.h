/*
 * tls.h - TLS over memory BIOs: the engine-owned server (MS-CSSP 3.1.5 step 1),
 * and a client for the examples.
 */
#ifndef CSSP_TLS_H
#define CSSP_TLS_H

#include <openssl/ssl.h>

#include "internal.h"

struct cssp_tls {
    SSL *ssl;
    BIO *rbio;     /* ciphertext from the peer (we write, SSL reads) */
    BIO *wbio;     /* ciphertext to the peer (SSL writes, we read) */
    bool established;
};

CSSP_WUR credssp_error cssp_tls_init(struct cssp_tls *t, SSL_CTX *ctx);
/* The same in the client role (credssp-gateway's connection to xrdp). */
CSSP_WUR credssp_error cssp_tls_init_client(struct cssp_tls *t, SSL_CTX *ctx);
void cssp_tls_clear(struct cssp_tls *t);
/* Queue ciphertext received from the peer. */
CSSP_WUR credssp_error cssp_tls_feed(struct cssp_tls *t, const uint8_t *data, size_t len);
/* Advance the handshake; sets established. */
CSSP_WUR credssp_error cssp_tls_handshake(struct cssp_tls *t);
/* Decrypt up to cap bytes; *n_out = 0 when nothing is available. */
CSSP_WUR credssp_error cssp_tls_read(struct cssp_tls *t, uint8_t *buf, size_t cap,
                                     size_t *n_out);
/* Encrypt len bytes as one write (one record for a TSRequest). */
CSSP_WUR credssp_error cssp_tls_write(struct cssp_tls *t, const uint8_t *data, size_t len);
/* Ciphertext waiting to be sent. */
size_t cssp_tls_pending(const struct cssp_tls *t);
/* Move up to cap bytes of pending ciphertext into buf; returns the count. */
size_t cssp_tls_drain(struct cssp_tls *t, uint8_t *buf, size_t cap);
/* Queue a close_notify. */
void cssp_tls_shutdown(struct cssp_tls *t);
/* The certificate this connection presents (borrowed). */
X509 *cssp_tls_certificate(const struct cssp_tls *t);

#endif /* CSSP_TLS_H */
