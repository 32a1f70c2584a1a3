/*
 * tlsonly.h - the --tls-only baseline: a TLS server handshake over memory BIOs
 * (RFC 8446 / RFC 5246 via OpenSSL), no CredSSP, then close_notify.  Used by
 * the benchmark to measure what X.224 + TLS cost without MS-CSSP.
 */
#ifndef CSSP_EXAMPLE_TLSONLY_H
#define CSSP_EXAMPLE_TLSONLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "credssp.h"

struct tlsonly;

credssp_error tlsonly_new(SSL_CTX *ctx, struct tlsonly **out);
void tlsonly_free(struct tlsonly *t);
/* Feed ciphertext and advance the handshake; *done_out once it completed. */
credssp_error tlsonly_feed(struct tlsonly *t, const uint8_t *data, size_t len, bool *done_out);
/* Queue a close_notify. */
void tlsonly_shutdown(struct tlsonly *t);
/* Move up to cap bytes of ciphertext to send into buf; returns the count. */
size_t tlsonly_drain(struct tlsonly *t, uint8_t *buf, size_t cap);
/* Negotiated TLS version name ("TLSv1.3"), for logs. */
const char *tlsonly_version(const struct tlsonly *t);

#endif /* CSSP_EXAMPLE_TLSONLY_H */
