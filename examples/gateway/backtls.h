/*
 * backtls.h - the gateway's TLS client toward xrdp, over two memory BIOs
 * (MS-RDPBCGR 5.4.5.1: after the X.224 exchange selected PROTOCOL_SSL the
 * client starts TLS on the same stream).
 *
 * The socket code feeds received ciphertext in and drains ciphertext out;
 * nothing here touches a descriptor.  Received plaintext is cleansed inside
 * OpenSSL once handed out (SSL_OP_CLEANSE_PLAINTEXT on the context).
 */
#ifndef CSSP_GATEWAY_BACKTLS_H
#define CSSP_GATEWAY_BACKTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "credssp.h"

struct backtls;

/* The client context: TLS 1.2+, no verification (see backtls_check_pin). */
credssp_error backtls_make_ctx(SSL_CTX **ctx_out);
/* Read the PEM certificate xrdp must present (--backend-cert). */
credssp_error backtls_load_pin(const char *path, X509 **pin_out);

credssp_error backtls_new(SSL_CTX *ctx, struct backtls **out);
void backtls_free(struct backtls *t);
/* Ciphertext from xrdp. */
credssp_error backtls_feed(struct backtls *t, const uint8_t *data, size_t len);
/* Advance the handshake; *done_out once established. */
credssp_error backtls_handshake(struct backtls *t, bool *done_out);
/* Decrypt up to cap bytes: *n_out = 0 when nothing is ready; CREDSSP_E_CLOSED on close_notify. */
credssp_error backtls_read(struct backtls *t, uint8_t *buf, size_t cap, size_t *n_out);
/* Encrypt len bytes (queued as ciphertext). */
credssp_error backtls_write(struct backtls *t, const uint8_t *data, size_t len);
/* Ciphertext waiting to be sent, and taking it. */
size_t backtls_pending(const struct backtls *t);
size_t backtls_drain(struct backtls *t, uint8_t *buf, size_t cap);
/* Queue a close_notify. */
void backtls_shutdown(struct backtls *t);
/* With a pin: the peer certificate must equal it.  Without: OK. */
credssp_error backtls_check_pin(const struct backtls *t, X509 *pin);
/* "TLSv1.3" etc. for logs. */
const char *backtls_version(const struct backtls *t);

#endif /* CSSP_GATEWAY_BACKTLS_H */
