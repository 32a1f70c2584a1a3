/*
 * cssp_client.h - a test-only CredSSP client (initiator) over memory.
 *
 * Sans-I/O like the engine: the test feeds the bytes the server sent and
 * sends what cssp_cli_output() returns.  The client runs a TLS client over
 * OpenSSL memory BIOs (no certificate verification; the binding covers the
 * SubjectPublicKey BIT STRING contents, docs/PROTOCOL.md §2.1), a GSSAPI initiator
 * (MIT mechglue: raw NTLM and SPNEGO(NTLM) through gss-ntlmssp, raw Kerberos
 * and SPNEGO(Kerberos) through krb5) and the MS-CSSP 3.1.5 client state
 * machine with the library's own codec.  Faults can be injected for the
 * negative tests.  Never linked into the library.
 */
#ifndef CSSP_CLIENT_H
#define CSSP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credssp.h"

enum cssp_cli_mech {
    CSSP_CLI_RAW_NTLM = 1,    /* NTLMSSP tokens, no SPNEGO (mstsc, FreeRDP) */
    CSSP_CLI_SPNEGO_NTLM = 2, /* SPNEGO restricted to NTLM (with mechListMIC) */
    CSSP_CLI_SPNEGO_KRB5 = 3, /* SPNEGO restricted to Kerberos */
    CSSP_CLI_RAW_KRB5 = 4     /* GSS-framed AP-REQ (rdesktop, FreeRDP 2 GSSAPI) */
};

enum cssp_cli_nonce {
    CSSP_CLI_NONCE_EVERY = 1, /* FreeRDP: clientNonce in every message (v5+) */
    CSSP_CLI_NONCE_PUBKEY = 2 /* pyspnego: only in the pubKeyAuth message */
};

enum cssp_cli_krb_wrap {
    CSSP_CLI_WRAP_IOV = 1,  /* gss_wrap_iov(HEADER, DATA, PADDING): Windows, RRC=28 */
    CSSP_CLI_WRAP_PLAIN = 2 /* gss_wrap: RRC=0 (pyspnego) */
};

enum cssp_cli_cred {
    CSSP_CLI_CRED_PASSWORD = 1,
    CSSP_CLI_CRED_SMARTCARD = 2,
    CSSP_CLI_CRED_RESTRICTED_ADMIN = 3,       /* TSPasswordCreds, three empty strings */
    CSSP_CLI_CRED_RESTRICTED_ADMIN_EMPTY = 4, /* credentials = 30 00 (FreeRDP 2 form) */
    CSSP_CLI_CRED_REMOTE_GUARD = 5,
    CSSP_CLI_CRED_RAW = 6 /* raw_auth_info is the plaintext */
};

/* Fault injection (bit set). */
#define CSSP_CLI_F_TAMPER_KEY (1u << 0)          /* client binding over a modified key */
#define CSSP_CLI_F_NO_NONCE (1u << 1)            /* v5+: never send clientNonce */
#define CSSP_CLI_F_SHORT_NONCE (1u << 2)         /* v5+: a 16-byte clientNonce */
#define CSSP_CLI_F_NONCE_MISMATCH (1u << 3)      /* hash over nonce A, pubKeyAuth msg carries B */
#define CSSP_CLI_F_NONCE_CHANGED (1u << 4)       /* early msgs A, pubKeyAuth msg and hash B */
#define CSSP_CLI_F_VERSION_CHANGE (1u << 5)      /* another version after the first message */
#define CSSP_CLI_F_AUTHINFO_EARLY (1u << 6)      /* authInfo where pubKeyAuth belongs */
#define CSSP_CLI_F_OVERSIZE (1u << 7)            /* pad the first token by oversize_pad bytes */
#define CSSP_CLI_F_GARBAGE_TOKEN (1u << 8)       /* first negoToken of no known mechanism */
#define CSSP_CLI_F_DUPLICATE (1u << 9)           /* send the pubKeyAuth message twice */
#define CSSP_CLI_F_SEND_ERROR_CODE (1u << 10)    /* errorCode field in the first message */
#define CSSP_CLI_F_NO_MUTUAL (1u << 11)          /* Kerberos without GSS_C_MUTUAL_FLAG */
#define CSSP_CLI_F_NONCE_ALWAYS (1u << 12)       /* clientNonce also below v5 */
#define CSSP_CLI_F_CORRUPT_PUBKEYAUTH (1u << 13) /* flip a bit of the sealed pubKeyAuth */
#define CSSP_CLI_F_CORRUPT_AUTHINFO (1u << 14)   /* flip a bit of the sealed authInfo */
#define CSSP_CLI_F_SPLIT_LAST (1u << 15)         /* last token and pubKeyAuth in two messages */
#define CSSP_CLI_F_EMPTY_TOKEN (1u << 16)        /* first negoToken of 0 bytes */
#define CSSP_CLI_F_NO_CONF (1u << 17)            /* no GSS_C_CONF_FLAG (integrity only) */

/* Things the server did that it must not (bit set, see cssp_cli_violations). */
#define CSSP_CLI_V_SERVER_NONCE (1u << 0)    /* server sent clientNonce [5] */
#define CSSP_CLI_V_VERSION_CHANGED (1u << 1) /* server version differs between messages */
#define CSSP_CLI_V_AUTHINFO (1u << 2)        /* server sent authInfo */

struct cssp_cli_opts {
    int version; /* announced, 2..6 (any value for faults) */
    enum cssp_cli_mech mech;
    enum cssp_cli_nonce nonce;
    enum cssp_cli_krb_wrap krb_wrap;
    const char *target; /* host-based service; NULL: see cssp_client.c */

    /* Engine-owned TLS (true) or plaintext TSRequests (application TLS). */
    bool tls;
    const uint8_t *server_cert_der; /* required when !tls: the cert to bind to */
    size_t server_cert_der_len;
    const uint8_t *binding_key; /* override the key the binding covers (MITM) */
    size_t binding_key_len;

    /* NTLM initiator credentials (Kerberos uses the default ccache). */
    const char *auth_user;
    const char *auth_domain; /* NULL or "" = none */
    const char *auth_password;

    /* Delegated credentials (authInfo). */
    enum cssp_cli_cred cred;
    const char *user;     /* password creds; smart card: user hint */
    const char *domain;   /* password creds; smart card: domain hint */
    const char *password; /* password, or the PIN */
    int sc_key_spec;
    const char *sc_card, *sc_reader, *sc_container, *sc_csp;
    const char *rg_package; /* Remote Guard logon package, e.g. "Kerberos" */
    const uint8_t *rg_buffer;
    size_t rg_buffer_len;
    bool rg_supplemental_present; /* [1] present (possibly with 0 entries) */
    size_t rg_n_supplemental;     /* "NTLM" entries with a short buffer each */
    const uint8_t *raw_auth_info; /* CSSP_CLI_CRED_RAW */
    size_t raw_auth_info_len;

    /* Application data sent right after authInfo (FreeRDP sends MCS Connect
     * Initial without waiting); TLS only. */
    const uint8_t *app_after_auth;
    size_t app_after_auth_len;

    unsigned faults; /* CSSP_CLI_F_* */
    size_t oversize_pad;
    uint32_t sent_error_code; /* CSSP_CLI_F_SEND_ERROR_CODE value */
};

enum cssp_cli_status {
    CSSP_CLI_RUNNING = 1,
    CSSP_CLI_DONE = 2, /* server binding verified, authInfo queued */
    CSSP_CLI_FAILED = 3
};

struct cssp_client;

/* Defaults: v6, raw NTLM, FreeRDP nonces, IOV wrap, TLS, password creds. */
void cssp_cli_opts_init(struct cssp_cli_opts *o);
/* The options' strings and buffers are borrowed: keep them alive. */
credssp_error cssp_cli_new(const struct cssp_cli_opts *o, struct cssp_client **out);
/* NULL-safe. */
void cssp_cli_free(struct cssp_client *c);

/* Bytes the server sent (TLS records, or TSRequests when !tls). */
enum cssp_cli_status cssp_cli_feed(struct cssp_client *c, const uint8_t *p, size_t n);
/* The server closed the stream. */
enum cssp_cli_status cssp_cli_feed_eof(struct cssp_client *c);
/* Bytes to send; a view valid until the next call. */
const uint8_t *cssp_cli_output(struct cssp_client *c, size_t *len_out);
void cssp_cli_output_consumed(struct cssp_client *c, size_t n);

enum cssp_cli_status cssp_cli_status(const struct cssp_client *c);
/* Why the client failed (or a note); "" when nothing to say. */
const char *cssp_cli_reason(const struct cssp_client *c);
/* True when a server TSRequest carried errorCode; *code_out gets it. */
bool cssp_cli_error_code(const struct cssp_client *c, uint32_t *code_out);
/* True once the server's pubKeyAuth verified. */
bool cssp_cli_server_verified(const struct cssp_client *c);
/* The version the server announced (0 before its first TSRequest). */
int cssp_cli_server_version(const struct cssp_client *c);
/* CSSP_CLI_V_* bits. */
unsigned cssp_cli_violations(const struct cssp_client *c);
/* Number of TSRequests sent. */
unsigned cssp_cli_messages_sent(const struct cssp_client *c);
/*
 * After DONE (TLS only): application data over the same TLS session.  Every
 * server byte that arrives after the exchange is application data.
 */
credssp_error cssp_cli_write_app(struct cssp_client *c, const uint8_t *p, size_t n);
size_t cssp_cli_read_app(struct cssp_client *c, uint8_t *buf, size_t cap);
/* The negoToken the server sent with its pubKeyAuth (final SPNEGO token), or NULL. */
const uint8_t *cssp_cli_server_final_token(const struct cssp_client *c, size_t *len_out);
/* Header of the last Kerberos wrap token sent (16 bytes) or NULL. */
const uint8_t *cssp_cli_last_krb_header(const struct cssp_client *c);

#endif /* CSSP_CLIENT_H */
