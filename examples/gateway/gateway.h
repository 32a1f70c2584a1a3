/*
 * gateway.h - shared state of credssp-gateway: Network Level Authentication
 * (MS-CSSP) in front of an unmodified xrdp.
 *
 * Client side: X.224 negotiation (MS-RDPBCGR 2.2.1.1 / 2.2.1.2, HYBRID or
 * HYBRID_EX), TLS + CredSSP through one libcredssp engine, the Early User
 * Authorization Result (2.2.10.2).  Only after CredSSP succeeded: a
 * connection to xrdp (TCP or Unix socket), X.224 with PROTOCOL_SSL, TLS as a
 * client, and a relay that rewrites exactly two PDUs - the MCS Connect
 * Response's TS_UD_SC_CORE.clientRequestedProtocols (2.2.1.4.2) and the
 * Client Info PDU (2.2.1.11) - then copies bytes both ways until one side
 * closes.  Single-threaded epoll loop (loop.c), one state machine per
 * connection (session.c).  Design notes: docs/XRDP.md.
 */
#ifndef CSSP_GATEWAY_H
#define CSSP_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "ad_opts.h"
#include "admission.h"
#include "cfgref.h"
#include "evloop.h"
#include "credssp.h"
#include "util.h"
#include "x224.h"

#define GW_NAME "credssp-gateway"
#define GW_DEFAULT_LISTEN "0.0.0.0:3389"
#define GW_DEFAULT_TIMEOUT_MS 15000u
#define GW_MAX_TIMEOUT_MS 600000u
#define GW_DEFAULT_MAX_CONCURRENT 64u
#define GW_LINGER_MS 2000u
#define GW_MAX_DOMAINS 16u
#define GW_SESSION_MAX 64u            /* bytes of an xrdp.ini section name */

/* How the delegated credential reaches xrdp. */
enum gw_mode {
    GW_MODE_PASSWORD = 0,    /* the password itself, in the Client Info PDU */
    GW_MODE_TOKEN            /* a one-time keyring hand-off token instead */
};

/* Where xrdp listens: --backend tcp://HOST:PORT | unix:PATH. */
struct gw_backend {
    struct sockaddr_storage sa;
    socklen_t salen;
    bool is_unix;
    char text[320];          /* for logs */
};

struct gw_opts {
    const char *listen;
    const char *cert_file;
    const char *key_file;
    const char *ntlm_keyfile;
    const char *keytab;
    const char *backend_spec;
    const char *backend_cert;     /* PEM: the certificate xrdp must present */
    const char *session;          /* Domain field for xrdp ("" = default section) */
    const char *domains[GW_MAX_DOMAINS];  /* accepted client domains (none = any) */
    size_t n_domains;
    const char *capture;          /* debug: plaintext sent to xrdp */
    const char *port_file;
    enum gw_mode mode;
    bool trust;                   /* accept Restricted Admin / Remote Guard (token mode) */
    bool ntlm_passthrough;        /* NTLM via winbindd, checked at start */
    bool json;
    bool hybrid_ex;
    int min_version;
    int32_t keyring;              /* CREDSSP_HANDOFF_KEYRING_* */
    unsigned handoff_timeout_s;
    unsigned long connections;    /* 0 = until SIGTERM / SIGINT */
    unsigned timeout_ms;
    unsigned max_concurrent;      /* relayed (authenticated) sessions at once */
    unsigned step_threads;        /* step pool threads, 0 = steps on the loop */
    struct adm_config admit;      /* admission control (admission.h) */
    struct ad_opts ad;            /* --ad / --ad-*: map domain users (ad_opts.h) */
};

struct gw_conn;
struct step_pool;

struct gateway {
    struct gw_opts opt;
    struct gw_backend backend;
    credssp_config *cfg;          /* the current one (cfg_ref's) */
    struct cfgref *cfg_ref;       /* our reference to it; SIGHUP swaps it (cfgref.h) */
    SSL_CTX *front_ctx;           /* owned; also given to cfg; SIGHUP swaps it */
    SSL_CTX *back_ctx;            /* TLS client context toward xrdp */
    X509 *back_pin;               /* --backend-cert, or NULL */
    const char *ntlm_source;      /* "keyfile" or "winbind" (frontend_ntlm_source) */
    struct x224_policy policy;
    int capture_fd;               /* -1 unless --capture */
    int epfd;
    struct gw_conn *conns;
    struct adm adm;               /* admission state (loop.c sets it up) */
    struct step_pool *steps;      /* blocking engine steps (steppool.h) */
    unsigned active;
    unsigned long accepted;
};

/* What an epoll event points at. */
enum gw_watch_kind { GW_WATCH_FRONT = FE_WATCH_OWN, GW_WATCH_BACK, GW_WATCH_TIMER };

/*
 * SIGHUP (main.c): rebuild the front TLS context and acceptor configuration
 * from the same options; new connections get them, live ones keep theirs.
 * 0 = swapped, -1 = the current ones kept (a line on stderr says why).
 */
int gw_reload(struct gateway *gw);

#endif /* CSSP_GATEWAY_H */
