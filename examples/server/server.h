/*
 * server.h - shared state of credssp-server, the example RDP front end.
 *
 * The server speaks MS-RDPBCGR 2.2.1.1 / 2.2.1.2 (X.224 negotiation), then
 * runs TLS and MS-CSSP through one libcredssp engine per connection
 * (CREDSSP_TLS_ENGINE mode), sends the MS-RDPBCGR 2.2.10.2 Early User
 * Authorization Result for HYBRID_EX, and ends the connection (see
 * docs/INTEROP.md for the ending that keeps clients from retrying).
 * One epoll loop (loop.c), one state machine per connection (conn.c); the
 * engine steps that may block run on a small thread pool (steppool.c), PAM
 * on its own worker (pamjob.c): the loop only moves bytes.
 */
#ifndef CSSP_EXAMPLE_SERVER_H
#define CSSP_EXAMPLE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "ad_opts.h"
#include "admission.h"
#include "cfgref.h"
#include "evloop.h"
#include "credssp.h"
#include "util.h"
#include "x224.h"

#define SERVER_DEFAULT_LISTEN "127.0.0.1:3389"
#define SERVER_DEFAULT_TIMEOUT_MS 10000u
#define SERVER_DEFAULT_MAX_CONCURRENT 64u
#define SERVER_LINGER_MS 2000u          /* wait for the client's FIN after ours */
#define SERVER_MAX_TIMEOUT_MS 600000u
#define SERVER_MAX_WORKERS 64u           /* --workers */
#define SERVER_DEFAULT_PAM_TIMEOUT_MS 10000u
#define SERVER_PAM_STOP_GRACE_MS 2000u /* wait for PAM workers at shutdown */

/*
 * How a connection ends once CredSSP (and the EUA PDU) is done.  Measured in
 * docs/INTEROP.md: only ENDING_MCS keeps xfreerdp 2.11 from reconnecting.
 */
enum server_ending {
    ENDING_DPUM = 0,   /* X.224 DT + MCS DisconnectProviderUltimatum, close_notify, FIN */
    ENDING_DR,         /* X.224 Disconnect Request, close_notify, FIN */
    ENDING_NOTIFY,     /* TLS close_notify, FIN */
    ENDING_CLOSE,      /* bare close(2): no TLS alert, no FIN wait */
    ENDING_MCS         /* answer the MCS domain set-up, DPUm once the client sends data */
};

struct server_opts {
    const char *listen;            /* HOST:PORT or [V6]:PORT */
    const char *cert_file;
    const char *key_file;
    const char *ntlm_keyfile;
    bool ntlm_keyfile_plain;    /* --ntlm-keyfile-plain: no index */
    bool ntlm_passthrough;         /* --ntlm-passthrough: NTLM via winbindd, checked at start */
    const char *keytab;
    const char *pam_service;       /* PAM login of the delegated credential (pamjob.c) */
    bool pam_session;              /* full login incl. session, not just auth + account */
    bool handoff_keyring;          /* --handoff keyring: pam_credssp claims via the keyring */
    unsigned pam_workers;          /* PAM worker threads (pamjob.c) */
    unsigned pam_queue;            /* jobs that may wait for a worker */
    unsigned pam_per_user;         /* jobs one account may hold, queued or running */
    unsigned pam_timeout_ms;       /* a PAM job's deadline: then EUA denied, pam_timeout */
    const char *port_file;         /* write the bound port here once listening */
    int min_version;
    unsigned long connections;     /* 0 = until SIGTERM / SIGINT */
    unsigned timeout_ms;
    unsigned max_concurrent;       /* authenticated connections (admission.h sessions) */
    unsigned workers;              /* processes sharing the listening socket */
    unsigned step_threads;         /* step pool threads per process, 0 = inline */
    struct adm_config admit;       /* admission control (admission.h) */
    bool json;
    bool tls_only;
    bool allow_restricted_admin;
    bool allow_remote_guard;
    bool hybrid_ex;                /* answer HYBRID_EX requests (default on) */
    enum server_ending ending;
    struct ad_opts ad;             /* --ad / --ad-*: map domain users (ad_opts.h) */
};

struct conn;
struct step_pool;

struct server {
    struct server_opts opt;
    credssp_config *cfg;           /* the current one (cfg_ref's); NULL in --tls-only mode */
    struct cfgref *cfg_ref;        /* our reference to it; SIGHUP swaps it (cfgref.h) */
    SSL_CTX *ssl_ctx;              /* owned; SIGHUP swaps it */
    struct x224_policy policy;
    int epfd;
    struct conn *conns;            /* active connections (doubly linked) */
    struct adm adm;                /* admission state (loop.c sets it up) */
    struct step_pool *steps;       /* blocking engine steps (steppool.h), NULL = inline */
    unsigned active;
    unsigned long accepted;
    unsigned long finished;
    bool pam_hung;                 /* PAM workers still inside a module at exit */
};

/* What an epoll event points at. */
enum watch_kind { WATCH_CONN = FE_WATCH_OWN, WATCH_TIMER, WATCH_PAM };

/* Name of an ending for reports and --help. */
const char *server_ending_name(enum server_ending e);
/*
 * SIGHUP (main.c): rebuild the TLS context and acceptor configuration from
 * the same options; new connections get them, live ones keep theirs.
 * 0 = swapped, -1 = the current ones kept (a line on stderr says why).
 */
int server_reload(struct server *srv);

#endif /* CSSP_EXAMPLE_SERVER_H */
