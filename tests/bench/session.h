/*
 * session.h - what runs on a connection after the X.224 exchange, sans-I/O:
 * the CredSSP login of the test client (tests/integration/cssp_client.h) or
 * the TLS-only baseline handshake (tlsc.c).  loop.c moves the bytes.
 */
#ifndef CSSP_BENCH_SESSION_H
#define CSSP_BENCH_SESSION_H

#include <openssl/ssl.h>

#include "bench.h"
#include "credssp.h"

enum bench_sess_status {
    SESS_RUNNING = 1,
    SESS_DONE = 2,     /* our part is over: wait for the server's ending */
    SESS_FAILED = 3
};

/* Shared by every session of a phase. */
struct bench_sess_ctx {
    enum bench_mode mode;
    const struct bench_creds *cr;
    SSL_CTX *tls_ctx;          /* TLS-only mode */
};

struct bench_sess;

credssp_error bench_sess_ctx_init(struct bench_sess_ctx *x, enum bench_mode mode,
                                  const struct bench_creds *cr);
void bench_sess_ctx_clear(struct bench_sess_ctx *x);

/* A session ready to send its first bytes (the ClientHello). */
credssp_error bench_sess_new(const struct bench_sess_ctx *x, struct bench_sess **out);
/* NULL-safe. */
void bench_sess_free(struct bench_sess *s);
/* Bytes from the server. */
enum bench_sess_status bench_sess_feed(struct bench_sess *s, const uint8_t *p, size_t n);
/* The server closed the stream. */
enum bench_sess_status bench_sess_feed_eof(struct bench_sess *s);
/* Bytes to send (view valid until the next call) and how many went out. */
const uint8_t *bench_sess_output(struct bench_sess *s, size_t *len_out);
void bench_sess_consumed(struct bench_sess *s, size_t n);
/* Why it failed ("" when it did not). */
const char *bench_sess_reason(const struct bench_sess *s);

#endif /* CSSP_BENCH_SESSION_H */
