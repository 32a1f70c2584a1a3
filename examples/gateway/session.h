/*
 * session.h - one client connection of credssp-gateway and its xrdp leg.
 *
 *   GS_X224         the client's X.224 Connection Request (MS-RDPBCGR 2.2.1.1),
 *                   answered with HYBRID / HYBRID_EX or HYBRID_REQUIRED (2.2.1.2)
 *   GS_CREDSSP      TLS + MS-CSSP through the engine; wrong credentials end
 *                   here with errorCode, xrdp is never contacted
 *   (admit.c)       policy, local account (looked up on the step pool: the
 *                   client is not read meanwhile), hand-off token, Early
 *                   User Authorization Result (2.2.10.2)
 *   GS_BACK_CONNECT TCP / Unix connect to xrdp
 *   GS_BACK_X224    Connection Request PROTOCOL_SSL, Connection Confirm
 *   GS_BACK_TLS     TLS client handshake with xrdp
 *   GS_RELAY        relay.c: Connect Response and Client Info rewritten,
 *                   then bytes copied both ways
 *   GS_FLUSH        one side is done: send what is queued, half-close
 *   GS_LINGER       wait (bounded) for the client's FIN, then close
 *
 * The loop (loop.c) only dispatches events; a connection closes itself and
 * the loop frees it after the batch.
 */
#ifndef CSSP_GATEWAY_SESSION_H
#define CSSP_GATEWAY_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "audit.h"
#include "backend.h"
#include "backtls.h"
#include "gateway.h"
#include "queue.h"
#include "steppool.h"
#include "account.h"
#include "x224.h"

enum gw_state {
    GS_X224,
    GS_CREDSSP,
    GS_BACK_CONNECT,
    GS_BACK_X224,
    GS_BACK_TLS,
    GS_RELAY,
    GS_FLUSH,
    GS_LINGER,
    GS_CLOSED
};

/* One socket: the client ("front") or xrdp ("back"). */
struct gw_end {
    int fd;
    struct fe_watch w;
    struct fe_queue out;          /* ciphertext (or X.224) waiting for send(2) */
    uint32_t events;              /* epoll mask registered */
    bool registered;
    bool eof;                     /* the peer closed its side */
    bool shut;                    /* our FIN was sent */
    bool connecting;              /* back only: connect(2) in progress */
};

struct gw_conn {
    struct gateway *gw;
    struct gw_conn *prev;
    struct gw_conn *next;
    struct gw_end front;
    struct gw_end back;
    int tfd;
    struct fe_watch w_timer;
    enum gw_state state;
    uint64_t start_ms;

    uint8_t cr[X224_MAX_CR_FRAME];   /* the client's Connection Request */
    size_t cr_len;
    struct x224_cr xcr;
    struct x224_answer ans;
    credssp_engine *eng;
    struct cfgref *cfg_ref;       /* the config eng borrows, until it is freed */

    credssp_secret *inject;       /* password or token: wiped once the Client Info left */
    char local_user[FE_ACCOUNT_MAX];
    char *principal;              /* copies for the report (no secrets) */
    char *user;
    char *domain;

    uint8_t cc[GW_BACKEND_CC_MAX];   /* xrdp's Connection Confirm */
    size_t cc_len;
    struct memtls *btls;

    struct fe_queue up;           /* client plaintext not yet framed (secure) */
    struct fe_queue down;         /* xrdp plaintext not yet framed */
    bool up_open;                 /* Client Info forwarded: copy as it comes */
    bool down_open;               /* Connect Response fixed: copy as it comes */

    bool reported;
    struct gw_report rep;
    struct adm_conn adm;          /* admission budgets and deadlines */
    struct step_job step;         /* the engine step on the pool */
    bool in_step;                 /* the pool owns the engine: hands off */
    bool step_grace;              /* the deadline passed once during this step */
    /* admit.c: the account lookup on the step pool (NSS may block) */
    struct step_job map;
    bool in_map;                  /* the pool owns result and map_*: hands off */
    credssp_result *result;       /* taken from the engine after CredSSP */
    credssp_error map_ret;
    const char *map_why;
    char map_local[FE_ACCOUNT_MAX];
};

/* ---- loop interface (session.c) ---- */
struct gw_conn *gw_conn_new(struct gateway *gw, int fd, const struct sockaddr *sa,
                            socklen_t salen);
void gw_conn_on_front(struct gw_conn *c, uint32_t events);
void gw_conn_on_back(struct gw_conn *c, uint32_t events);
void gw_conn_on_timer(struct gw_conn *c);
/* The step pool handed this connection's engine back (front.c). */
void gw_conn_on_step(struct gw_conn *c);
bool gw_conn_is_closed(const struct gw_conn *c);
void gw_conn_abort(struct gw_conn *c, const char *outcome);
struct gw_conn *gw_conn_next(const struct gw_conn *c);
void gw_conn_free(struct gw_conn *c);

/* ---- shared by the connection's files (session.c, front.c, backconn.c,
 *      admit.c, relay.c) ---- */
#define GW_READ_CHUNK 16384u          /* one recv(2) / one decrypt */
#define GW_SMALL_PDU_MAX 64u          /* X.224 CR / CC, EUA, DPUm */
#define GW_READS_PER_EVENT 8          /* recv(2) calls per readiness event */

/* session.c: report once (NULL keeps what the report already says). */
void gw_conn_conclude(struct gw_conn *c, const char *outcome, const char *reason,
                      const char *ending);
/* session.c: stop now; the loop frees the connection after this batch. */
void gw_conn_close_now(struct gw_conn *c);
/* session.c: engine output -> client queue; backend TLS output -> xrdp queue. */
credssp_error gw_drain_engine(struct gw_conn *c);
credssp_error gw_drain_back(struct gw_conn *c);
/* front.c: read the client socket; copy a failed exchange into the report. */
void gw_front_readable(struct gw_conn *c);
void gw_front_report_failure(struct gw_conn *c);
/* backconn.c: read xrdp's socket; the connect finished. */
void gw_back_readable(struct gw_conn *c);
void gw_back_connected(struct gw_conn *c);
/* Plaintext to the client through the engine's TLS session. */
credssp_error gw_front_write(struct gw_conn *c, const uint8_t *data, size_t len);
/* Plaintext to xrdp through the backend TLS session (and --capture). */
credssp_error gw_back_write(struct gw_conn *c, const uint8_t *data, size_t len);
/* End the connection: report once, close_notify both ways, flush, half-close. */
void gw_conn_finish(struct gw_conn *c, const char *outcome, const char *reason,
                    const char *ending);
/* Start the xrdp leg (after admission). */
void gw_backend_start(struct gw_conn *c);
/* Arm the next admission deadline (X.224, step, or what is left of --timeout). */
void gw_conn_arm_deadline(struct gw_conn *c);
/* The client is not read while the pool has its engine or its account lookup. */
bool gw_front_paused(const struct gw_conn *c);
/* Arm the connection's timer to fire once in ms milliseconds (0 = disarm). */
void gw_conn_set_timer(struct gw_conn *c, uint64_t ms);
/* The relay is fully open: cancel the set-up deadline. */
void gw_conn_relay_open(struct gw_conn *c);

/* admit.c: CredSSP is DONE; policy, then the account lookup (in_map). */
void gw_admit(struct gw_conn *c);
/* admit.c: the lookup answered / missed its deadline: start the backend or refuse. */
void gw_admit_lookup_done(struct gw_conn *c);
void gw_admit_lookup_timeout(struct gw_conn *c);
/* admit.c: wipe and free c->inject; a token not sent to xrdp is revoked. */
void gw_inject_drop(struct gw_conn *c, bool sent);

/* relay.c */
/* Client plaintext (after CredSSP). */
void gw_relay_up(struct gw_conn *c, const uint8_t *data, size_t len);
/* xrdp plaintext. */
void gw_relay_down(struct gw_conn *c, const uint8_t *data, size_t len);
/* The backend TLS session is up: process what the client sent meanwhile. */
void gw_relay_start(struct gw_conn *c);

#endif /* CSSP_GATEWAY_SESSION_H */
