/*
 * memtls.h - one TLS session over two memory BIOs, server or client role
 * (see memtls.c).  Received plaintext is cleansed inside OpenSSL once handed
 * out when the context sets SSL_OP_CLEANSE_PLAINTEXT.
 */
#ifndef CSSP_FRONTEND_MEMTLS_H
#define CSSP_FRONTEND_MEMTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "credssp.h"

struct memtls;

/* A new session on ctx in the server (accept) or the client (connect) role. */
credssp_error memtls_new(SSL_CTX *ctx, bool server, struct memtls **out);
/* Free; NULL-safe. */
void memtls_free(struct memtls *t);
/* Queue ciphertext received from the peer. */
credssp_error memtls_feed(struct memtls *t, const uint8_t *data, size_t len);
/* Advance the handshake; *done_out once it completed.  CREDSSP_E_TLS on failure. */
credssp_error memtls_handshake(struct memtls *t, bool *done_out);
/* Decrypt up to cap bytes (*n_out 0: nothing yet); CREDSSP_E_CLOSED on close_notify. */
credssp_error memtls_read(struct memtls *t, uint8_t *buf, size_t cap, size_t *n_out);
/* Encrypt and queue len bytes as one write. */
credssp_error memtls_write(struct memtls *t, const uint8_t *data, size_t len);
/* Ciphertext waiting to be sent. */
size_t memtls_pending(const struct memtls *t);
/* Move up to cap bytes of ciphertext to send into buf; returns the count. */
size_t memtls_drain(struct memtls *t, uint8_t *buf, size_t cap);
/* Queue close_notify, if the session is up. */
void memtls_shutdown(struct memtls *t);
/* The SSL (peer certificate, version), or NULL. */
SSL *memtls_ssl(const struct memtls *t);
/* Negotiated protocol version name ("TLSv1.3"), "-" without a session. */
const char *memtls_version(const struct memtls *t);

#endif /* CSSP_FRONTEND_MEMTLS_H */
