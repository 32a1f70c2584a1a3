/*
 * credssp.h - the public API of libcredssp, a server-side CredSSP acceptor.
 *
 * Implements the server role of MS-CSSP (Credential Security Support Provider,
 * "Network Level Authentication"): TLS (OpenSSL), SPNEGO / NTLM / Kerberos
 * (MIT GSSAPI + gss-ntlmssp), the pubKeyAuth binding to the TLS key
 * (MS-CSSP 3.1.5) and the delegated credentials (MS-CSSP 2.2.1.2).
 *
 * One of three installed headers: the NT hash and the key-file admin calls
 * are in credssp_keyfile.h (also in libcredssp), the PAM side (conversation
 * helper, in-process login, keyring hand-off; libcredssp_pam) in credssp_pam.h.  Every type is opaque; every
 * function that can fail returns a credssp_error.  Nothing here ever prints a
 * secret.
 */
#ifndef CREDSSP_H
#define CREDSSP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CREDSSP_API __attribute__((visibility("default")))
#define CREDSSP_WUR __attribute__((warn_unused_result))
#else
#define CREDSSP_API
#define CREDSSP_WUR
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/*
 * One error enum for the whole library.  The high byte is the category,
 * see credssp_error_category().  Translated to NTSTATUS (for the client),
 * GSS status and PAM codes only at those edges.
 */
typedef enum credssp_error {
    CREDSSP_OK = 0,

    /* usage: the caller did something wrong */
    CREDSSP_E_INVALID_ARG = 0x0101,
    CREDSSP_E_STATE = 0x0102,         /* call not valid in this state */
    CREDSSP_E_CONFIG = 0x0103,        /* configuration incomplete or inconsistent */
    CREDSSP_E_NAME_COLLISION = 0x0104, /* a key-file name differs from another only in case */

    /* protocol: the peer sent something malformed or out of order */
    CREDSSP_E_TRUNCATED = 0x0201,     /* input ends inside a value */
    CREDSSP_E_TRAILING = 0x0202,      /* bytes left after a complete value */
    CREDSSP_E_BAD_TAG = 0x0203,       /* unexpected, unknown, duplicate or out-of-order tag */
    CREDSSP_E_BAD_LENGTH = 0x0204,    /* indefinite, non-minimal or impossible length */
    CREDSSP_E_TOO_LARGE = 0x0205,     /* a value exceeds its cap */
    CREDSSP_E_BAD_INTEGER = 0x0206,   /* non-minimal or out-of-range INTEGER */
    CREDSSP_E_BAD_STRING = 0x0207,    /* odd-length or invalid UTF-16, embedded NUL */
    CREDSSP_E_BAD_VERSION = 0x0208,   /* version missing, invalid or changed mid-exchange */
    CREDSSP_E_UNEXPECTED = 0x0209,    /* a message or field not allowed at this point */
    CREDSSP_E_BAD_NONCE = 0x020a,     /* clientNonce missing or not 32 bytes */
    CREDSSP_E_BAD_CRED_TYPE = 0x020b, /* unknown TSCredentials credType */
    CREDSSP_E_BAD_TOKEN = 0x020c,     /* a negoToken of no known mechanism */

    /* crypto: integrity or binding failures */
    CREDSSP_E_BINDING = 0x0301,       /* pubKeyAuth does not match our TLS key: MITM */
    CREDSSP_E_CRYPTO = 0x0302,        /* unwrap / integrity failure, OpenSSL failure */

    /* gss: authentication */
    CREDSSP_E_LOGON_FAILURE = 0x0401, /* wrong password or unknown user */
    CREDSSP_E_GSS = 0x0402,           /* other GSSAPI failure */
    CREDSSP_E_NO_ACCEPTOR_CRED = 0x0403, /* keytab / key file unusable */

    /* tls */
    CREDSSP_E_TLS = 0x0501,           /* handshake or record failure */

    /* policy: well-formed but refused by configuration */
    CREDSSP_E_POLICY_VERSION = 0x0601,  /* client CredSSP version below the minimum */
    CREDSSP_E_POLICY_MECH = 0x0602,     /* mechanism not allowed */
    CREDSSP_E_POLICY_CRED_TYPE = 0x0603,/* credential type not allowed */
    CREDSSP_E_IDENTITY_MISMATCH = 0x0604, /* delegated user is not the authenticated one */
    CREDSSP_E_TOO_MANY_ROUNDS = 0x0605,
    CREDSSP_E_TIMEOUT = 0x0606,

    /* resource */
    CREDSSP_E_NOMEM = 0x0701,
    CREDSSP_E_IO = 0x0702,
    CREDSSP_E_CLOSED = 0x0703,        /* peer closed before the exchange finished */

    /* internal */
    CREDSSP_E_INTERNAL = 0x0801
} credssp_error;

typedef enum credssp_error_category {
    CREDSSP_CAT_NONE = 0,
    CREDSSP_CAT_USAGE = 1,
    CREDSSP_CAT_PROTOCOL = 2,
    CREDSSP_CAT_CRYPTO = 3,
    CREDSSP_CAT_GSS = 4,
    CREDSSP_CAT_TLS = 5,
    CREDSSP_CAT_POLICY = 6,
    CREDSSP_CAT_RESOURCE = 7,
    CREDSSP_CAT_INTERNAL = 8
} credssp_error_category;

/* A static English message; never NULL, also for unknown values. */
CREDSSP_API const char *credssp_strerror(credssp_error err);
/* A short stable identifier such as "logon_failure" (for JSON and audit). */
CREDSSP_API const char *credssp_error_name(credssp_error err);
CREDSSP_API credssp_error_category credssp_error_category_of(credssp_error err);

/* ------------------------------------------------------------------ */
/* Secrets                                                             */
/* ------------------------------------------------------------------ */

/*
 * An opaque buffer for a password, PIN, NT hash or key.  Wiped with
 * OPENSSL_cleanse on reset and free.  Password and PIN contents are UTF-8
 * and followed by a NUL that is not counted in the length.
 */
typedef struct credssp_secret credssp_secret;

typedef enum credssp_secret_kind {
    CREDSSP_SECRET_PASSWORD = 1,
    CREDSSP_SECRET_PIN = 2,
    CREDSSP_SECRET_NT_HASH = 3,   /* exactly 16 bytes */
    CREDSSP_SECRET_KEY = 4,       /* session keys */
    CREDSSP_SECRET_BLOB = 5       /* opaque secret bytes (Remote Guard buffers) */
} credssp_secret_kind;

CREDSSP_API CREDSSP_WUR credssp_error credssp_secret_new(credssp_secret_kind kind,
                                                          const void *data, size_t len,
                                                          credssp_secret **out);
CREDSSP_API CREDSSP_WUR credssp_error credssp_secret_dup(const credssp_secret *s,
                                                          credssp_secret **out);
CREDSSP_API credssp_secret_kind credssp_secret_get_kind(const credssp_secret *s);
CREDSSP_API size_t credssp_secret_len(const credssp_secret *s);
/* Borrowed view, valid until reset/free.  For PASSWORD/PIN NUL-terminated. */
CREDSSP_API const unsigned char *credssp_secret_data(const credssp_secret *s);
/* Constant-time equality of kind, length and bytes (length leaks). 1 = equal. */
CREDSSP_API int credssp_secret_equal(const credssp_secret *a, const credssp_secret *b);
/* Wipe and empty; the object stays usable. NULL-safe. */
CREDSSP_API void credssp_secret_reset(credssp_secret *s);
/* Wipe and free. NULL-safe. */
CREDSSP_API void credssp_secret_free(credssp_secret *s);

/* ------------------------------------------------------------------ */
/* Enumerations shared by config and result                           */
/* ------------------------------------------------------------------ */

enum credssp_mech {
    CREDSSP_MECH_NONE = 0,
    CREDSSP_MECH_NTLM = 1 << 0,
    CREDSSP_MECH_KERBEROS = 1 << 1
};

enum credssp_cred_type {
    CREDSSP_CRED_NONE = 0,
    CREDSSP_CRED_PASSWORD = 1 << 0,          /* TSPasswordCreds with a password */
    CREDSSP_CRED_SMARTCARD = 1 << 1,         /* TSSmartCardCreds (PIN) */
    CREDSSP_CRED_RESTRICTED_ADMIN = 1 << 2,  /* empty TSPasswordCreds */
    CREDSSP_CRED_REMOTE_GUARD = 1 << 3       /* TSRemoteGuardCreds, credType 6 */
};

enum credssp_binding {
    CREDSSP_BINDING_NONE = 0,
    CREDSSP_BINDING_ECHO = 1,   /* v2-4: wrapped public key, answered with byte 0 + 1 */
    CREDSSP_BINDING_HASH = 2    /* v5-6: SHA-256 with magic strings and client nonce */
};

/* ------------------------------------------------------------------ */
/* Configuration (shared by many engines, read-only once prepared)    */
/* ------------------------------------------------------------------ */

typedef struct credssp_config credssp_config;

/* Audit / diagnostic sink.  level is a syslog priority.  msg never holds a secret. */
typedef void (*credssp_log_fn)(void *userdata, int level, const char *msg);

/*
 * NTLM secret lookup: called once per NTLM authentication with the user and
 * domain from the AUTHENTICATE message.  Return CREDSSP_OK and set *nt_hash_out
 * (ownership passes to the library) or CREDSSP_E_LOGON_FAILURE for an unknown
 * user.  The library writes a one-entry key file into a memfd for gss-ntlmssp.
 */
typedef credssp_error (*credssp_ntlm_lookup_fn)(void *userdata, const char *user,
                                                const char *domain,
                                                credssp_secret **nt_hash_out);

CREDSSP_API CREDSSP_WUR credssp_error credssp_config_new(credssp_config **out);
CREDSSP_API void credssp_config_free(credssp_config *cfg);

/* TLS certificate and key (PEM files) for engine-owned TLS. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_tls_files(credssp_config *cfg,
                                                                    const char *cert_pem,
                                                                    const char *key_pem);
/* Or a ready SSL_CTX (an SSL_CTX *; reference taken with SSL_CTX_up_ref). */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_ssl_ctx(credssp_config *cfg,
                                                                  void *ssl_ctx);
/* Kerberos keytab holding TERMSRV/<host>@REALM keys. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_keytab(credssp_config *cfg,
                                                                 const char *path);
/* smbpasswd-format NT-hash key file for NTLM. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_ntlm_keyfile(credssp_config *cfg,
                                                                       const char *path);
/*
 * The same file, loaded once into an in-memory index at credssp_config_prepare()
 * (which fails when the file cannot be loaded): per-login cost independent of
 * the number of entries, the same match rule.  Each exchange gets the one entry
 * through the lookup-callback mode (so not together with
 * credssp_config_set_ntlm_lookup).  A library thread reloads the file when it
 * changes (checked every second); a reload that fails keeps the old index and
 * logs why.  See docs/NTLM-KEYS.md.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_ntlm_keyfile_indexed(credssp_config *cfg,
                                                                               const char *path);
/*
 * Ask for a reload of the indexed key file now (e.g. on SIGHUP); returns at
 * once, the reload runs on the library's thread.  Async-signal-safe.
 * CREDSSP_E_STATE when the config has no index (not prepared, or not indexed).
 */
CREDSSP_API credssp_error credssp_config_reload_ntlm_keyfile(const credssp_config *cfg);
/*
 * Pre-forked workers: credssp_config_before_fork() stops the library's
 * threads of this process (the key index watcher) so that fork() runs with
 * no thread of ours holding a lock (a sanitizer's or another library's);
 * then the parent and each child that goes on using the config call
 * credssp_config_after_fork(), which starts this process's threads again
 * (threads do not survive fork).  Call after_fork early in the child,
 * before the first engine; not needed when the child execs.  after_fork
 * returns CREDSSP_OK also when there is nothing to restart.
 */
CREDSSP_API void credssp_config_before_fork(credssp_config *cfg);
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_after_fork(credssp_config *cfg);
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_ntlm_lookup(credssp_config *cfg,
                                                                      credssp_ntlm_lookup_fn fn,
                                                                      void *userdata);
/* Service name for the acceptor credential; default "TERMSRV" (any host). */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_service(credssp_config *cfg,
                                                                  const char *service);
/* Minimum client CredSSP version, 2..6; default 5 (CVE-2018-0886). */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_min_version(credssp_config *cfg,
                                                                      int version);
/* Bit set of enum credssp_mech; default NTLM | KERBEROS. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_mechs(credssp_config *cfg,
                                                                unsigned mechs);
/* Bit set of enum credssp_cred_type accepted; default PASSWORD | SMARTCARD. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_cred_types(credssp_config *cfg,
                                                                     unsigned types);
/* Caps: largest TSRequest (bytes, <= 65539), most client messages, deadline (ms, 0 = none). */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_set_limits(credssp_config *cfg,
                                                                 size_t max_message,
                                                                 unsigned max_rounds,
                                                                 unsigned timeout_ms);
/* Audit sink; default syslog(3) with ident "credssp". NULL restores the default. */
CREDSSP_API void credssp_config_set_log(credssp_config *cfg, credssp_log_fn fn,
                                        void *userdata);
/* Acquire the GSS acceptor credential and build the TLS context.  Once. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_config_prepare(credssp_config *cfg);

/* ------------------------------------------------------------------ */
/* Result of a finished exchange                                       */
/* ------------------------------------------------------------------ */

typedef struct credssp_result credssp_result;

CREDSSP_API unsigned credssp_result_mech(const credssp_result *r);        /* enum credssp_mech */
CREDSSP_API int credssp_result_spnego(const credssp_result *r);           /* 1 = SPNEGO-wrapped */
CREDSSP_API int credssp_result_client_version(const credssp_result *r);   /* as sent, 2..n */
CREDSSP_API unsigned credssp_result_binding(const credssp_result *r);     /* enum credssp_binding */
/* Authenticated identity: NTLM "DOMAIN\user" (or "user"), Kerberos "user@REALM". */
CREDSSP_API const char *credssp_result_principal(const credssp_result *r);
/*
 * The local account of the authenticated identity (gss_localname /
 * auth_to_local, or the name a hand-off record carried), written with its NUL
 * into buf (cap bytes; CREDSSP_LOCAL_NAME_MAX is always enough): CREDSSP_OK,
 * and an empty string when no local account maps.  It may call NSS
 * (getpwnam), so it can block (docs/ENGINE.md); it only reads r, so it is safe
 * wherever r may be read.  CREDSSP_E_TOO_LARGE when cap is too small.
 */
#define CREDSSP_LOCAL_NAME_MAX 256
CREDSSP_API CREDSSP_WUR credssp_error credssp_result_local_name(const credssp_result *r,
                                                                 char *buf, size_t cap);
CREDSSP_API unsigned credssp_result_cred_type(const credssp_result *r);   /* enum credssp_cred_type */
/* Delegated user and domain (password creds; smart-card hints), or NULL. */
CREDSSP_API const char *credssp_result_user(const credssp_result *r);
CREDSSP_API const char *credssp_result_domain(const credssp_result *r);
/* Password or PIN (NULL for Restricted Admin / Remote Guard). Borrowed. */
CREDSSP_API const credssp_secret *credssp_result_secret(const credssp_result *r);
/* Smart-card CSP details (NULL when absent). */
CREDSSP_API int credssp_result_sc_key_spec(const credssp_result *r);
CREDSSP_API const char *credssp_result_sc_card_name(const credssp_result *r);
CREDSSP_API const char *credssp_result_sc_reader_name(const credssp_result *r);
CREDSSP_API const char *credssp_result_sc_container_name(const credssp_result *r);
CREDSSP_API const char *credssp_result_sc_csp_name(const credssp_result *r);
/* Remote Guard: package names of logon + supplemental creds. */
CREDSSP_API size_t credssp_result_rg_package_count(const credssp_result *r);
CREDSSP_API const char *credssp_result_rg_package_name(const credssp_result *r, size_t i);
CREDSSP_API size_t credssp_result_rg_buffer_len(const credssp_result *r, size_t i);
/*
 * The KERB_TICKET_LOGON of a Remote Guard logon credential (package
 * "Kerberos"): message type, flags, service ticket and TGT (KRB-CRED) sizes.
 * Any out pointer may be NULL.  CREDSSP_E_BAD_CRED_TYPE when r is no Remote
 * Guard result or its logon package is not Kerberos, else the parse error.
 */
CREDSSP_API CREDSSP_WUR credssp_error
credssp_result_rg_ticket_logon(const credssp_result *r, uint32_t *message_type_out,
                               uint32_t *flags_out, uint32_t *service_ticket_len_out,
                               uint32_t *tgt_len_out);
/* The NTSTATUS sent to the client in errorCode, 0 if none. */
CREDSSP_API uint32_t credssp_result_error_code(const credssp_result *r);
/*
 * Stable lower-case names for logs and reports: "ntlm" / "kerberos",
 * "hash" / "echo", "password" / "smartcard" / "restricted_admin" /
 * "remote_guard" / "none".  NULL for CREDSSP_MECH_NONE, CREDSSP_BINDING_NONE
 * and unknown values.
 */
CREDSSP_API const char *credssp_mech_name(unsigned mech);
CREDSSP_API const char *credssp_binding_name(unsigned binding);
CREDSSP_API const char *credssp_cred_type_name(unsigned type);
/* Results returned by credssp_engine_take_result are owned by the caller. */
CREDSSP_API void credssp_result_free(credssp_result *r);

/* ------------------------------------------------------------------ */
/* The engine: one CredSSP exchange, sans I/O                         */
/* ------------------------------------------------------------------ */

typedef struct credssp_engine credssp_engine;

typedef enum credssp_tls_mode {
    /* The engine runs the TLS server over memory BIOs; the application feeds
     * raw TCP bytes (after the X.224 negotiation) and sends what it gets. */
    CREDSSP_TLS_ENGINE = 1,
    /* The application does TLS itself (xrdp): it feeds decrypted TSRequest
     * bytes and encrypts what it gets; it must give the server certificate. */
    CREDSSP_TLS_APPLICATION = 2
} credssp_tls_mode;

/*
 * The engine's status: flags, like TLS libraries' state bits.  Exactly one
 * of WANT_READ, WANT_STEP, DONE and FAILED is set; WANT_WRITE is added while
 * output is pending (also with DONE, e.g. our last TSRequest, and with
 * FAILED, e.g. an errorCode and the TLS close_notify).  Test bits, never
 * compare the whole value:
 *
 *     if (st & CREDSSP_WANT_WRITE)  send credssp_engine_output(), consume it;
 *     if (st & CREDSSP_DONE)        read the result;
 *     if (st & CREDSSP_FAILED)      close once the output is sent;
 *     if (st & CREDSSP_WANT_READ)   wait for bytes and feed them;
 *     if (st & CREDSSP_WANT_STEP)   run credssp_engine_step() (deferred mode).
 *
 * credssp_engine_feed() handles everything it was given before it returns,
 * so sending the output never makes more progress possible: a caller never
 * needs to feed nothing to "continue".
 */
typedef enum credssp_status {
    CREDSSP_WANT_READ = 1 << 0,   /* feed more input */
    CREDSSP_WANT_WRITE = 1 << 1,  /* output is pending: send it */
    CREDSSP_DONE = 1 << 2,        /* authenticated, credentials received */
    CREDSSP_FAILED = 1 << 3,      /* failed: send pending output, then close */
    /*
     * Deferred mode only (credssp_engine_set_deferred): a received TSRequest
     * waits for a step that may block (NTLM lookup callback, gss-ntlmssp's
     * key file or winbind, a Kerberos replay cache): run
     * credssp_engine_step() on a worker thread, then resume.
     */
    CREDSSP_WANT_STEP = 1 << 4
} credssp_status;

CREDSSP_API CREDSSP_WUR credssp_error credssp_engine_new(credssp_config *cfg,
                                                          credssp_tls_mode mode,
                                                          credssp_engine **out);
CREDSSP_API void credssp_engine_free(credssp_engine *e);
/* Peer description for audit lines, e.g. "192.0.2.1:51234". Copied. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_engine_set_peer(credssp_engine *e,
                                                               const char *peer);
/* Application-owned TLS: the DER certificate actually presented to this client. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_engine_set_server_cert(credssp_engine *e,
                                                                      const uint8_t *der,
                                                                      size_t len);
/* Absolute deadline in CLOCK_MONOTONIC milliseconds; checked on every call. */
CREDSSP_API void credssp_engine_set_deadline(credssp_engine *e, uint64_t deadline_ms);
/* The engine's deadline (CLOCK_MONOTONIC ms; 0 = none): the config's or the one set. */
CREDSSP_API uint64_t credssp_engine_deadline(const credssp_engine *e);

/*
 * Deferred mode (off by default; set before the first feed): the engine never
 * runs back-end work inside credssp_engine_feed().  When a received TSRequest
 * needs it, the status becomes CREDSSP_WANT_STEP and the request waits.
 * Threading rules (docs/ENGINE.md): one owner at a time; hand the engine to a
 * worker for credssp_engine_step() and touch it nowhere else until the worker
 * hands it back; the log callback may then be called on the worker.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_engine_set_deferred(credssp_engine *e, int on);
/*
 * Run the waiting back-end step (blocking; on a worker thread), then
 * continue with the input already received.  Returns the new status.  If the
 * engine's deadline passed during the step, the engine fails with
 * CREDSSP_E_TIMEOUT.  Without a waiting step: just the status.
 */
CREDSSP_API credssp_status credssp_engine_step(credssp_engine *e);
/*
 * Feed received bytes and handle all of them (every complete TSRequest, every
 * TLS record).  len 0 only checks the deadline.
 */
CREDSSP_API credssp_status credssp_engine_feed(credssp_engine *e, const uint8_t *data,
                                               size_t len);
/* Peer closed the stream (EOF): turns WANT_READ into FAILED/CREDSSP_E_CLOSED. */
CREDSSP_API credssp_status credssp_engine_feed_eof(credssp_engine *e);
/* Bytes to send: a borrowed view until the next engine call. */
CREDSSP_API const uint8_t *credssp_engine_output(credssp_engine *e, size_t *len_out);
/* Tell the engine n bytes of output were sent. */
CREDSSP_API void credssp_engine_output_consumed(credssp_engine *e, size_t n);
CREDSSP_API credssp_status credssp_engine_status(const credssp_engine *e);
CREDSSP_API credssp_error credssp_engine_error(const credssp_engine *e);
/*
 * Valid once DONE (and partially once FAILED: mech, version, principal; a
 * failed exchange's delegated credentials are already wiped).
 */
CREDSSP_API const credssp_result *credssp_engine_result(const credssp_engine *e);
/* Move the result out of the engine (e.g. to a PAM worker); NULL if none. */
CREDSSP_API credssp_result *credssp_engine_take_result(credssp_engine *e);

/*
 * After DONE, engine-owned TLS only: continue the RDP connection over the same
 * TLS session.  write_app encrypts into the output queue; read_app returns
 * decrypted bytes that arrived after the CredSSP exchange (fed with _feed).
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_engine_write_app(credssp_engine *e,
                                                                const uint8_t *data,
                                                                size_t len);
CREDSSP_API size_t credssp_engine_read_app(credssp_engine *e, uint8_t *buf, size_t cap);
/*
 * After read_app returned 0: 1 when the peer ended the TLS session (close_notify)
 * or it failed, so no more application data will come; 0 when it is just idle.
 */
CREDSSP_API int credssp_engine_app_eof(const credssp_engine *e);
/*
 * Send a TLS close_notify into the output queue.  The engine does this itself
 * on failure, except when it failed on the authInfo message (credential type
 * refused, identity mismatch, undecodable credentials): CredSSP has no error
 * channel there, so write_app stays usable for the HYBRID_EX Early User
 * Authorization Result "denied"; call credssp_engine_shutdown() after it.
 */
CREDSSP_API void credssp_engine_shutdown(credssp_engine *e);

/* ------------------------------------------------------------------ */
/* Blocking driver                                                     */
/* ------------------------------------------------------------------ */

/*
 * Run an engine to completion over a connected socket (after X.224), with
 * poll(2) and a deadline of timeout_ms (0 = the config's).  Returns CREDSSP_OK
 * when the engine is DONE, else the engine's error.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_drive_fd(credssp_engine *e, int fd,
                                                        unsigned timeout_ms);

/* ------------------------------------------------------------------ */
/* Start-up checks and domain users (what a front end runs)            */
/* ------------------------------------------------------------------ */

/* libwbclient's compiled-in winbind socket (Debian's Samba). */
#define CREDSSP_WINBIND_PIPE "/run/samba/winbindd/pipe"
/* Where credssp_domain_new reads the member's settings (a missing file is no error). */
#define CREDSSP_SMB_CONF "/etc/samba/smb.conf"

/*
 * Does the keytab at path (NULL: the default keytab) hold AES keys for a
 * TERMSRV/<host> principal?  CREDSSP_OK (why lists the principals found);
 * else why says what is wrong and how to fix it: CREDSSP_E_NO_ACCEPTOR_CRED
 * (unreadable, no TERMSRV keys) or CREDSSP_E_CONFIG (TERMSRV keys without AES).
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_keytab_check(const char *path, char *why,
                                                            size_t why_len);
/*
 * Is winbindd there to verify NTLM logons (pass-through)?  Connects to the
 * socket at path (NULL: CREDSSP_WINBIND_PIPE) and closes again.  CREDSSP_OK,
 * or CREDSSP_E_NO_ACCEPTOR_CRED with a one-line reason and the fix in why.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_winbind_probe(const char *path, char *why,
                                                             size_t why_len);

/*
 * The one domain the host is a member of, for mapping domain users to local
 * accounts (docs/IDENTITY.md, "Domain users").  Values NULL are detected
 * from CREDSSP_SMB_CONF and krb5.conf; names is "auto" (NULL), "short",
 * "netbios" or "fqdn" (how NSS spells domain users).  CREDSSP_E_CONFIG when
 * neither a NetBIOS nor a DNS name is known or a value is malformed.
 */
typedef struct credssp_domain credssp_domain;
CREDSSP_API CREDSSP_WUR credssp_error credssp_domain_new(const char *netbios, const char *dns,
                                                          const char *realm, const char *names,
                                                          credssp_domain **out);
CREDSSP_API void credssp_domain_free(credssp_domain *d);
/* "NetBIOS X, DNS y, realm Z" ("-" for an unknown part) into buf. */
CREDSSP_API void credssp_domain_describe(const credssp_domain *d, char *buf, size_t len);
/*
 * The local account of name (NTLM "DOMAIN\user", UPN, "user@REALM", or a
 * user with a separate domain, which may be NULL) as NSS spells it, in
 * local.  d NULL: not a domain member, the user part is the account.
 * CREDSSP_E_IDENTITY_MISMATCH for another domain, CREDSSP_E_LOGON_FAILURE
 * when NSS knows no such account, CREDSSP_E_INVALID_ARG for a malformed
 * name, CREDSSP_E_TOO_LARGE when local is too small.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_domain_local_account(const credssp_domain *d,
                                                                    const char *name,
                                                                    const char *domain,
                                                                    char *local,
                                                                    size_t local_len);

/* NT hashes and the key-file admin calls: credssp_keyfile.h. */

/* NTSTATUS values used in errorCode. */
#define CREDSSP_STATUS_LOGON_FAILURE       0xC000006Du
#define CREDSSP_STATUS_WRONG_PASSWORD      0xC000006Au
#define CREDSSP_STATUS_ACCOUNT_RESTRICTION 0xC000006Eu
#define CREDSSP_STATUS_NO_SUCH_USER        0xC0000064u
#define CREDSSP_STATUS_ACCESS_DENIED       0xC0000022u
#define CREDSSP_STATUS_NOT_SUPPORTED       0xC00000BBu
#define CREDSSP_STATUS_INVALID_PARAMETER   0xC000000Du
#define CREDSSP_STATUS_LOGON_TYPE_NOT_GRANTED 0xC000015Bu
/* The identity back end (DC, KDC, winbind, lookup callback) answered after the deadline. */
#define CREDSSP_STATUS_NO_LOGON_SERVERS    0xC000005Eu

#ifdef __cplusplus
}
#endif
#endif /* CREDSSP_H */
