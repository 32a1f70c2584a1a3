/*
 * cssp_client_int.h - the pieces of the test CredSSP client: a byte queue,
 * the TLS client over memory BIOs, the GSSAPI initiator, the TSCredentials
 * builder and the binding values.  Shared only by tests/integration/cssp_client*.c.
 */
#ifndef CSSP_CLIENT_INT_H
#define CSSP_CLIENT_INT_H

#include <gssapi/gssapi.h>
#include <openssl/ssl.h>

#include "cssp_client.h"

#define CLI_REASON_LEN 256

/* ---- byte queue (cssp_client_buf.c) ---- */

struct cli_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
};

credssp_error cli_buf_append(struct cli_buf *b, const void *p, size_t n);
/* Drop the first n bytes. */
void cli_buf_consume(struct cli_buf *b, size_t n);
/* Wipe and free. NULL-safe. */
void cli_buf_clear(struct cli_buf *b);

/* ---- TLS client over memory BIOs (cssp_client_tls.c) ---- */

struct cli_tls {
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *in;  /* bytes from the server, read by OpenSSL */
    BIO *out; /* bytes OpenSSL wrote for the server */
    bool up;  /* handshake finished */
    bool eof; /* close_notify or a fatal alert received */
};

credssp_error cli_tls_init(struct cli_tls *t, char *why);
void cli_tls_clear(struct cli_tls *t);
/* Feed server bytes, continue the handshake, decrypt into plain. */
credssp_error cli_tls_feed(struct cli_tls *t, const uint8_t *p, size_t n, struct cli_buf *plain,
                           char *why);
/* Encrypt one TSRequest (one SSL_write). */
credssp_error cli_tls_write(struct cli_tls *t, const uint8_t *p, size_t n, char *why);
/* Move what OpenSSL wrote into wire. */
credssp_error cli_tls_drain(struct cli_tls *t, struct cli_buf *wire);
/* Contents of the peer certificate's SubjectPublicKey BIT STRING. */
credssp_error cli_tls_peer_spk(struct cli_tls *t, uint8_t **out, size_t *len_out);
/* The same from a DER certificate. */
credssp_error cli_spk_from_der(const uint8_t *der, size_t len, uint8_t **out, size_t *len_out);

/* ---- GSSAPI initiator (cssp_client_gss.c) ---- */

struct cli_gss {
    enum cssp_cli_mech mech;
    enum cssp_cli_krb_wrap krb_wrap;
    OM_uint32 req_flags;
    gss_cred_id_t cred;
    gss_name_t target;
    gss_ctx_id_t ctx;
    bool complete;
    uint8_t last_krb_header[16];
    bool have_krb_header;
};

credssp_error cli_gss_init(struct cli_gss *g, const struct cssp_cli_opts *o, char *why);
void cli_gss_clear(struct cli_gss *g);
/* One gss_init_sec_context call; *out is malloc'ed (NULL when empty). */
credssp_error cli_gss_step(struct cli_gss *g, const uint8_t *in, size_t in_len, uint8_t **out,
                           size_t *out_len, char *why);
/*
 * Seal one buffer the way CredSSP puts it on the wire (token || data).
 * CREDSSP_E_STATE when the context cannot protect messages yet.
 */
credssp_error cli_gss_wrap(struct cli_gss *g, const uint8_t *in, size_t n, uint8_t **out,
                           size_t *out_len, char *why);
credssp_error cli_gss_unwrap(struct cli_gss *g, const uint8_t *in, size_t n, uint8_t **out,
                             size_t *out_len, char *why);

/* ---- authInfo plaintext (cssp_client_creds.c) ---- */

/* TSCredentials for o->cred; free with cssp_wipe_free(). */
credssp_error cli_creds_encode(const struct cssp_cli_opts *o, uint8_t **out, size_t *len_out);

/* ---- binding values (cssp_client_bind.c) ---- */

/* v5+: SHA-256(client magic || nonce || spk); v2-4: spk. */
credssp_error cli_bind_client_value(int version, const uint8_t *nonce, size_t nonce_len,
                                    const uint8_t *spk, size_t spk_len, uint8_t **out,
                                    size_t *len_out);
/* v5+: SHA-256(server magic || nonce || spk); v2-4: spk with byte 0 + 1. */
credssp_error cli_bind_server_value(int version, const uint8_t *nonce, size_t nonce_len,
                                    const uint8_t *spk, size_t spk_len, uint8_t **out,
                                    size_t *len_out);

/* ---- the client object (cssp_client.c, cssp_client_flow.c) ---- */

#define CLI_NONCE_MAX 32

enum cli_state { CLI_ST_TLS, CLI_ST_NEGO, CLI_ST_WAIT_PUBKEY, CLI_ST_DONE, CLI_ST_FAILED };

/* Which message a TSRequest is, for the nonce and duplicate rules. */
enum cli_msg_kind { CLI_MSG_TOKEN, CLI_MSG_LAST, CLI_MSG_AUTHINFO };

struct cssp_client {
    struct cssp_cli_opts o; /* strings and buffers borrowed */
    enum cli_state st;
    struct cli_tls tls;
    struct cli_gss gss;
    bool gss_ready;
    struct cli_buf wire_out; /* bytes for the server */
    struct cli_buf plain_in; /* TSRequest bytes not yet framed */
    struct cli_buf app_in;   /* server bytes after the exchange */
    uint8_t *spk;            /* the server's SubjectPublicKey */
    size_t spk_len;
    uint8_t *bind_key; /* the key the client's binding covers */
    size_t bind_key_len;
    uint8_t nonce_a[CLI_NONCE_MAX]; /* early messages */
    uint8_t nonce_b[CLI_NONCE_MAX]; /* the "other" nonce of the nonce faults */
    size_t nonce_len;               /* 0 = no nonce */
    int server_version;
    bool verified;
    bool has_error_code;
    uint32_t error_code;
    unsigned violations;
    unsigned sent;
    uint8_t *final_token; /* negoToken that came with the server's pubKeyAuth */
    size_t final_token_len;
    char why[CLI_REASON_LEN];
};

/* Enter FAILED with a formatted reason, appended to one already recorded. */
void cli_failf(struct cssp_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* TLS is up (or not used): learn the server key and send the first message. */
void cli_start(struct cssp_client *c);
/* Frame, decode and handle every complete TSRequest received. */
void cli_process_input(struct cssp_client *c);

#endif /* CSSP_CLIENT_INT_H */
