/*
 * conn_int.h - what the files of one credssp-server connection share
 * (conn.c: socket events, timer, life cycle; conn_io.c: transport; conn_pam.c:
 * verdict and PAM job; conn_end.c: the ending).  Private to them.
 */
#ifndef CSSP_EXAMPLE_CONN_INT_H
#define CSSP_EXAMPLE_CONN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "mcs.h"
#include "queue.h"
#include "report.h"
#include "steppool.h"

#define READ_CHUNK 16384u

enum conn_state {
    CS_X224,     /* waiting for the Connection Request */
    CS_TLS,      /* TLS + CredSSP (or the TLS-only baseline) */
    CS_PAM,      /* CredSSP done, the PAM worker runs */
    CS_MCS,      /* --ending mcs: answering the MCS domain set-up */
    CS_FLUSH,    /* last bytes queued: send them, then half-close */
    CS_LINGER,   /* FIN sent: drain input until the peer's FIN or the timer */
    CS_CLOSED    /* done: free after this batch */
};

/* Most bytes queued for the socket (ciphertext and the X.224 answer: not wiped). */
#define SERVER_OUTQ_MAX (512u * 1024u)

struct conn {
    struct server *srv;
    struct conn *prev;
    struct conn *next;
    struct fe_watch w_sock;
    struct fe_watch w_timer;
    struct fe_watch w_pam;
    int fd;
    int tfd;
    int pam_efd;                      /* the PAM job's eventfd, -1 if none */
    struct pam_job *pam;
    char host[64];                    /* numeric peer address (PAM_RHOST) */
    enum conn_state state;
    uint64_t start_ms;
    uint8_t in[X224_MAX_CR_FRAME];    /* the Connection Request (and what follows it) */
    size_t in_len;
    struct x224_cr cr;
    struct x224_answer ans;
    credssp_engine *eng;
    struct cfgref *cfg_ref;        /* the config eng borrows, until it is freed */
    struct memtls *tls;
    struct fe_queue out;      /* bytes for the socket (queue.h) */
    uint8_t *app;                     /* --ending mcs: decrypted bytes after CredSSP (wiped) */
    size_t app_len;
    size_t app_cap;
    unsigned mcs_channels;            /* CS_NET channelCount of the Connect Initial */
    uint32_t events;                  /* epoll mask currently registered */
    bool peer_eof;                    /* the client half-closed */
    bool abortive_close;              /* ENDING_CLOSE: close(2) right after the flush */
    bool reported;
    struct conn_report rep;
    struct adm_conn adm;              /* admission budgets and deadlines */
    struct step_job step;             /* the engine step on the pool */
    bool in_step;                     /* the pool owns the engine: hands off */
    bool step_grace;                  /* the deadline passed once during this step */
};

enum pam_verdict {
    PAM_VERDICT_SKIPPED,
    PAM_VERDICT_OK,
    PAM_VERDICT_DENIED,
    PAM_VERDICT_SESSIONS_FULL, /* authenticated, but --max-concurrent sessions run (admission.h) */
    PAM_VERDICT_BUSY,          /* the pool's queue or the user's share is full */
    PAM_VERDICT_TIMEOUT        /* the job missed --pam-timeout */
};

/* conn_io.c: timer, epoll interest, out queue, flush */
void arm_timer(struct conn *c, uint64_t ms);
void arm_deadline(struct conn *c);
void update_events(struct conn *c);
void conclude(struct conn *c, const char *outcome);
void close_now(struct conn *c);
void after_flush(struct conn *c);
void flush(struct conn *c);
void enter_flush(struct conn *c);
/* conn_io.c: PDUs into the TLS session, the engine, the input of X224 and TLS */
credssp_error app_pdu(struct conn *c, void (*build)(struct cssp_writer *, const void *),
                      const void *arg);
credssp_error drain_engine(struct conn *c);
void engine_status(struct conn *c, credssp_status st);
void security_input(struct conn *c, const uint8_t *data, size_t len);
void x224_input(struct conn *c);

/* conn_pam.c: the verdict */
void on_engine_done(struct conn *c);
void on_engine_failed(struct conn *c, credssp_error local);
void finish_done(struct conn *c, enum pam_verdict pam);
void leave_pam(struct conn *c);
void absorb_app(struct conn *c, const uint8_t *data, size_t len);

/* conn_end.c: the ending */
void queue_ending(struct conn *c);
bool collect_app(struct conn *c, const uint8_t *data, size_t len);
void mcs_input(struct conn *c, const uint8_t *data, size_t len);

#endif /* CSSP_EXAMPLE_CONN_INT_H */
