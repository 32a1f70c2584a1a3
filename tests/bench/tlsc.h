/*
 * tlsc.h - the TLS-only baseline client of credssp-bench: an OpenSSL client
 * over two memory BIOs (MS-RDPBCGR 5.4.5.1, TLS after the X.224 exchange),
 * configured like the CredSSP test client's TLS (no verification, no session
 * cache) so both modes negotiate the same TLS parameters.
 */
#ifndef CSSP_BENCH_TLSC_H
#define CSSP_BENCH_TLSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "credssp.h"

struct tlsc;

/* The context every baseline connection of a phase shares. */
credssp_error tlsc_ctx_new(SSL_CTX **out);
/* A client that has queued its ClientHello. */
credssp_error tlsc_new(SSL_CTX *ctx, struct tlsc **out);
/* NULL-safe. */
void tlsc_free(struct tlsc *t);
/* Feed server bytes and continue; *done_out once the handshake finished. */
credssp_error tlsc_feed(struct tlsc *t, const uint8_t *p, size_t n, bool *done_out);
/* Pending ciphertext (view until the next call) and how much was sent. */
const uint8_t *tlsc_output(struct tlsc *t, size_t *len_out);
void tlsc_consumed(struct tlsc *t, size_t n);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" style description, once done. */
const char *tlsc_describe(const struct tlsc *t, char *buf, size_t cap);

#endif /* CSSP_BENCH_TLSC_H */
