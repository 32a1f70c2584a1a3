/*
 * conn.c - per-connection state machine of credssp-server.
 *
 *   X224    read one TPKT-framed X.224 Connection Request (MS-RDPBCGR 2.2.1.1),
 *           answer with the Connection Confirm (2.2.1.2): RDP_NEG_RSP selecting
 *           HYBRID_EX / HYBRID, or RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER
 *   TLS     raw TCP bytes -> credssp_engine_feed (CREDSSP_TLS_ENGINE): TLS and
 *           MS-CSSP 3.1.5 inside the engine; its output goes to the socket.
 *           (--tls-only: the baseline handshake of tlsonly.c instead.)
 *   PAM     --pam-service: the delegated credential goes to a PAM stack on the
 *           worker pool (pamjob.c) under its own deadline (--pam-timeout);
 *           application data meanwhile is kept for the mcs ending, else
 *           dropped; a full pool or a timeout means EUA denied
 *   DONE    HYBRID_EX: the Early User Authorization Result (2.2.10.2) through
 *           credssp_engine_write_app (0 success, 5 when PAM said no); then
 *           the configured ending (by default: answer the MCS domain set-up
 *           of mcs.c and send the DisconnectProviderUltimatum once the client
 *           reaches licensing, so it sees a logoff and does not reconnect;
 *           docs/INTEROP.md)
 *   FLUSH   write what is queued, then shutdown(SHUT_WR)
 *   LINGER  discard input until the client's FIN (bounded by a timer), close
 *
 * A timerfd per connection holds the deadline (--timeout) so a silent client
 * cannot keep its slot; the engine gets the same absolute deadline.
 *
 * The engine runs in deferred mode (docs/ENGINE.md): when it says
 * CREDSSP_WANT_STEP, its output is sent, the socket is no longer read and the
 * step (GSS accept, NTLM lookup, gss_localname) goes to the step pool
 * (steppool.c).  Until the pool hands the engine back the connection is
 * "in step" and nothing here touches the engine; a connection that times out
 * or is displaced meanwhile loses its socket at once and is freed on hand-back.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "conn.h"
#include "mcs.h"
#include "pamjob.h"
#include "report.h"
#include "steppool.h"
#include "tlsonly.h"

#define READ_CHUNK 16384u
#define READS_PER_EVENT 8
#define OUTQ_MAX (512u * 1024u)
#define PUMP_MAX 16
#define SMALL_PDU_MAX 512u
#define APP_MAX (2u * MCS_MAX_FRAME)

enum conn_state {
    CS_X224,     /* waiting for the Connection Request */
    CS_TLS,      /* TLS + CredSSP (or the TLS-only baseline) */
    CS_PAM,      /* CredSSP done, the PAM worker runs */
    CS_MCS,      /* --ending mcs: answering the MCS domain set-up */
    CS_FLUSH,    /* last bytes queued: send them, then half-close */
    CS_LINGER,   /* FIN sent: drain input until the peer's FIN or the timer */
    CS_CLOSED    /* done: free after this batch */
};

/* Bytes queued for the socket. */
struct outq {
    uint8_t *buf;
    size_t len;
    size_t off;
    size_t cap;
};

struct conn {
    struct server *srv;
    struct conn *prev;
    struct conn *next;
    struct watch w_sock;
    struct watch w_timer;
    struct watch w_pam;
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
    struct tlsonly *tls;
    struct outq out;
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

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* Arm the connection's timer to fire once in ms milliseconds. */
static void
arm_timer(struct conn *c, uint64_t ms)
{
    struct itimerspec its;

    memset(&its, 0, sizeof(its));
    if (ms == 0)
        ms = 1;
    its.it_value.tv_sec = (time_t)(ms / 1000u);
    its.it_value.tv_nsec = (long)(ms % 1000u) * 1000000L;
    if (timerfd_settime(c->tfd, 0, &its, NULL) != 0)
        fprintf(stderr, "credssp-server: timerfd_settime: %s\n", strerror(errno));
}

/* Arm the next admission deadline (X.224, step, or what is left of --timeout). */
static void
arm_deadline(struct conn *c)
{
    uint64_t now = server_now_ms();

    arm_timer(c, adm_timer_ms(&c->adm, c->start_ms, c->srv->opt.timeout_ms, now));
}

/* Register the epoll interest the state needs: input unless EOF, output if queued. */
static void
update_events(struct conn *c)
{
    struct epoll_event ev;
    uint32_t want = 0;

    if (c->state == CS_CLOSED)
        return;
    if (!c->peer_eof && !c->in_step)
        want |= EPOLLIN;
    if (c->out.len > c->out.off)
        want |= EPOLLOUT;
    if (want == c->events)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = want;
    ev.data.ptr = &c->w_sock;
    if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = want;
    else
        fprintf(stderr, "credssp-server: epoll_ctl: %s\n", strerror(errno));
}

/* Queue bytes for the socket (capped at OUTQ_MAX pending bytes). */
static credssp_error
outq_append(struct conn *c, const uint8_t *data, size_t len)
{
    struct outq *q = &c->out;
    size_t pending = q->len - q->off;

    if (len == 0)
        return CREDSSP_OK;
    if (len > OUTQ_MAX || pending > OUTQ_MAX - len)
        return CREDSSP_E_TOO_LARGE;
    if (q->off > 0) {                         /* compact */
        memmove(q->buf, q->buf + q->off, pending);
        q->len = pending;
        q->off = 0;
    }
    if (q->len + len > q->cap) {
        size_t cap = q->cap ? q->cap : 4096u;
        uint8_t *nb;

        while (cap < q->len + len)
            cap *= 2;
        nb = realloc(q->buf, cap);
        if (nb == NULL)
            return CREDSSP_E_NOMEM;
        q->buf = nb;
        q->cap = cap;
    }
    memcpy(q->buf + q->len, data, len);
    q->len += len;
    return CREDSSP_OK;
}

/* Emit the report once, with the elapsed time up to this point. */
static void
conclude(struct conn *c, const char *outcome)
{
    if (c->reported)
        return;
    if (outcome != NULL)
        c->rep.outcome = outcome;
    if (c->rep.outcome == NULL)
        c->rep.outcome = credssp_error_name(CREDSSP_E_INTERNAL);
    c->rep.elapsed_ms = server_now_ms() - c->start_ms;
    report_emit(&c->rep, c->srv->opt.json);
    c->reported = true;
}

/*
 * Stop everything now; the loop frees the connection after this batch, or,
 * while a step runs, once the pool hands the engine back (the socket goes now).
 */
static void
close_now(struct conn *c)
{
    c->state = CS_CLOSED;
    if (c->in_step && c->fd >= 0) {
        (void)epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        (void)close(c->fd);
        c->fd = -1;
    }
}

/* Half-close after the flush, or close at once for the bare-close ending. */
static void
after_flush(struct conn *c)
{
    if (c->state != CS_FLUSH || c->out.len > c->out.off)
        return;
    if (c->abortive_close || c->peer_eof) {
        close_now(c);
        return;
    }
    if (shutdown(c->fd, SHUT_WR) != 0) {
        close_now(c);
        return;
    }
    c->state = CS_LINGER;
    arm_timer(c, SERVER_LINGER_MS);
}

/* Write queued bytes until done or EAGAIN. */
static void
flush(struct conn *c)
{
    struct outq *q = &c->out;

    while (q->len > q->off && c->state != CS_CLOSED) {
        ssize_t n = send(c->fd, q->buf + q->off, q->len - q->off, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
            close_now(c);
            return;
        }
        q->off += (size_t)n;
        if (c->state == CS_TLS)
            arm_deadline(c);                    /* the client's next round starts now */
    }
    if (q->off == q->len) {
        q->off = 0;
        q->len = 0;
    }
    after_flush(c);
}

/* Everything that should go out is queued: send it, then end gracefully. */
static void
enter_flush(struct conn *c)
{
    c->state = CS_FLUSH;
    flush(c);
}

/* Queue a small PDU built with the bounded writer. */
static credssp_error
queue_pdu(struct conn *c, void (*build)(struct cssp_writer *, const void *), const void *arg)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret;

    cssp_writer_init(&w, SMALL_PDU_MAX, false);
    build(&w, arg);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK)
        ret = outq_append(c, pdu, len);
    free(pdu);
    return ret;
}

/* Build a PDU and hand it to the engine's TLS session (write_app). */
static credssp_error
app_pdu(struct conn *c, void (*build)(struct cssp_writer *, const void *), const void *arg)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret;

    cssp_writer_init(&w, SMALL_PDU_MAX, false);
    build(&w, arg);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK)
        ret = credssp_engine_write_app(c->eng, pdu, len);
    free(pdu);
    return ret;
}

/* Writer adapters for queue_pdu / app_pdu (one per PDU the server sends). */
static void
build_cc(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    x224_write_cc(w, c->cr.src_ref, &c->ans);
}

static void
build_eua(struct cssp_writer *w, const void *arg)
{
    x224_write_eua(w, *(const uint32_t *)arg);
}

static void
build_dpum(struct cssp_writer *w, const void *arg)
{
    (void)arg;
    x224_write_dpum(w, X224_DPUM_USER_REQUESTED);
}

static void
build_connect_response(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    mcs_write_connect_response(w, c->cr.requested, c->mcs_channels);
}

static void
build_auc(struct cssp_writer *w, const void *arg)
{
    (void)arg;
    mcs_write_attach_user_confirm(w);
}

static void
build_cjc(struct cssp_writer *w, const void *arg)
{
    mcs_write_channel_join_confirm(w, *(const uint16_t *)arg);
}

static void
build_dr(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    x224_write_dr(w, c->cr.src_ref, 0x1234u);
}

/* ------------------------------------------------------------------ */
/* Engine                                                              */
/* ------------------------------------------------------------------ */

/* Move the engine's pending output to the socket queue. */
static credssp_error
drain_engine(struct conn *c)
{
    size_t len = 0;
    const uint8_t *p = credssp_engine_output(c->eng, &len);
    credssp_error ret;

    if (p == NULL || len == 0)
        return CREDSSP_OK;
    ret = outq_append(c, p, len);
    if (ret != CREDSSP_OK)
        return ret;
    credssp_engine_output_consumed(c->eng, len);
    return CREDSSP_OK;
}

/*
 * Collect output and let the engine continue while it says WANT_WRITE
 * (bounded); returns the status it settles in.
 */
static credssp_status
pump_engine(struct conn *c, credssp_status st, credssp_error *err_out)
{
    *err_out = CREDSSP_OK;
    for (int i = 0; i < PUMP_MAX; i++) {
        *err_out = drain_engine(c);
        if (*err_out != CREDSSP_OK)
            return CREDSSP_FAILED;
        st = credssp_engine_status(c->eng);
        if (!(st & CREDSSP_WANT_WRITE) || (st & CREDSSP_WANT_STEP))
            return st;
        st = credssp_engine_feed(c->eng, NULL, 0);
    }
    return credssp_engine_status(c->eng);
}

enum pam_verdict {
    PAM_VERDICT_SKIPPED,
    PAM_VERDICT_OK,
    PAM_VERDICT_DENIED,
    PAM_VERDICT_SESSIONS_FULL, /* authenticated, but --max-concurrent sessions run (admission.h) */
    PAM_VERDICT_BUSY,          /* the pool's queue or the user's share is full */
    PAM_VERDICT_TIMEOUT        /* the job missed --pam-timeout */
};

static void finish_done(struct conn *c, enum pam_verdict pam);
static void leave_pam(struct conn *c);

/*
 * The local account PAM should log in.  With --ad: the authenticated
 * identity mapped and resolved by acceptor/account_map.c (the name as NSS
 * spells it; NULL when it names another domain or no account).  Otherwise:
 * local name, else delegated user, else the principal's user part.  The
 * name lives in a static buffer until the next call (one event loop per
 * process; pam_job_start copies it).
 */
static const char *
pam_user(const struct server *srv, const credssp_result *r)
{
    static struct cssp_account acct;
    const char *u = credssp_result_local_name(r);

    if (srv->opt.ad.on)
        return ado_local_account(&srv->opt.ad, credssp_result_principal(r), &acct) == CREDSSP_OK
                   ? acct.local : NULL;
    if (u == NULL || u[0] == '\0')
        u = credssp_result_user(r);
    if (u == NULL || u[0] == '\0') {
        /* NTLM "DOMAIN\user": the account is the part after the backslash. */
        u = credssp_result_principal(r);
        if (u != NULL && strchr(u, '\\') != NULL)
            u = strchr(u, '\\') + 1;
    }
    return u;
}

/*
 * --pam-service: move the result to a PAM worker (pamjob.c) and wait for its
 * eventfd in CS_PAM.  When the login cannot start (no user, the pool is
 * full) the connection is denied here, before the result is freed: the
 * report still points into it.
 */
static void
start_pam(struct conn *c)
{
    credssp_result *r = credssp_engine_take_result(c->eng);
    const char *user = r != NULL ? pam_user(c->srv, r) : NULL;
    struct epoll_event ev;
    credssp_error ret = CREDSSP_E_INVALID_ARG;

    if (user != NULL)
        ret = pam_job_start(r, c->srv->opt.pam_service, user, c->host,
                            (c->srv->opt.pam_session ? PAM_JOB_SESSION : 0) |
                                (c->srv->opt.handoff_keyring ? PAM_JOB_HANDOFF : 0),
                            &c->pam, &c->pam_efd);
    if (ret != CREDSSP_OK) {
        c->rep.pam = user == NULL ? "no_user"
                     : ret == CREDSSP_E_TOO_LARGE ? "busy"
                                                  : credssp_error_name(ret);
        finish_done(c, ret == CREDSSP_E_TOO_LARGE ? PAM_VERDICT_BUSY : PAM_VERDICT_DENIED);
        credssp_result_free(r);                 /* wipes the secret */
        return;
    }
    report_fill(&c->rep, pam_job_result(c->pam), true);   /* strings now live in the job */
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &c->w_pam;
    if (epoll_ctl(c->srv->epfd, EPOLL_CTL_ADD, c->pam_efd, &ev) != 0) {
        c->rep.pam = credssp_error_name(CREDSSP_E_IO);
        c->pam_efd = -1;
        finish_done(c, PAM_VERDICT_DENIED);
        leave_pam(c);
        return;
    }
    c->state = CS_PAM;
    arm_timer(c, c->srv->opt.pam_timeout_ms);   /* the job's own deadline */
}

/* Queue the configured ending into the TLS session (MS-RDPBCGR 2.2.2.3 / X.224 DR). */
static void
queue_ending(struct conn *c)
{
    credssp_error ret = CREDSSP_OK;
    enum server_ending e = c->srv->opt.ending;

    switch (e) {
    case ENDING_DPUM:
        ret = app_pdu(c, build_dpum, NULL);
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_DR:
        ret = app_pdu(c, build_dr, c);
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_NOTIFY:
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_CLOSE:
        c->abortive_close = true;
        break;
    case ENDING_MCS:
        break;                                  /* mcs_input() ends it later */
    }
    if (ret != CREDSSP_OK)
        fprintf(stderr, "credssp-server: %s: ending PDU: %s\n", c->rep.peer,
                credssp_strerror(ret));
    c->rep.ending = server_ending_name(e);
}

static void mcs_input(struct conn *c, const uint8_t *data, size_t len);

/* Authorization decided: EUA for HYBRID_EX, ending, report, flush. */
static void
finish_done(struct conn *c, enum pam_verdict pam)
{
    credssp_error ret;
    bool denied = pam != PAM_VERDICT_SKIPPED && pam != PAM_VERDICT_OK;

    c->rep.outcome = pam == PAM_VERDICT_SESSIONS_FULL ? "busy"
                     : pam == PAM_VERDICT_BUSY        ? "pam_busy"
                     : pam == PAM_VERDICT_TIMEOUT     ? "pam_timeout"
                     : denied                         ? "pam_denied"
                                                      : "ok";
    if (c->ans.selected == X224_PROTOCOL_HYBRID_EX) {
        uint32_t eua = denied ? X224_EUA_ACCESS_DENIED : X224_EUA_SUCCESS;

        ret = app_pdu(c, build_eua, &eua);
        if (ret == CREDSSP_OK)
            c->rep.eua = (int)eua;
        else
            fprintf(stderr, "credssp-server: %s: EUA: %s\n", c->rep.peer, credssp_strerror(ret));
    }
    queue_ending(c);
    ret = drain_engine(c);
    conclude(c, ret == CREDSSP_OK ? NULL : credssp_error_name(ret));
    if (ret == CREDSSP_OK && c->srv->opt.ending == ENDING_MCS) {
        c->state = CS_MCS;
        mcs_input(c, NULL, 0);                  /* a Connect Initial may be buffered */
        return;
    }
    enter_flush(c);
}

/* --ending mcs: say goodbye with a DPUm (rn-user-requested), close_notify, FIN. */
static void
end_mcs(struct conn *c)
{
    (void)app_pdu(c, build_dpum, NULL);
    credssp_engine_shutdown(c->eng);
    (void)drain_engine(c);
    enter_flush(c);
}

/* Answer one MCS PDU; false when the set-up is over (or went wrong). */
static bool
mcs_answer(struct conn *c, const uint8_t *frame, size_t len)
{
    struct mcs_pdu pdu;
    credssp_error ret = mcs_parse(frame, len, &pdu);

    if (ret != CREDSSP_OK)
        return false;
    switch (pdu.kind) {
    case MCS_CONNECT_INITIAL:
        c->mcs_channels = pdu.channel_count;
        return app_pdu(c, build_connect_response, c) == CREDSSP_OK;
    case MCS_ERECT_DOMAIN:
        return true;
    case MCS_ATTACH_USER_REQUEST:
        return app_pdu(c, build_auc, NULL) == CREDSSP_OK;
    case MCS_CHANNEL_JOIN_REQUEST:
        return app_pdu(c, build_cjc, &pdu.channel_id) == CREDSSP_OK;
    case MCS_DISCONNECT_ULTIMATUM:
        close_now(c);
        return false;
    default:                                    /* Client Info / licensing: goodbye */
        return false;
    }
}

/*
 * Append to c->app.  The client's next PDUs include the Client Info PDU with
 * its password: the buffer grows by copy + wipe + free, never realloc (which
 * may free the old block unwiped).  False when the cap or memory ran out.
 */
static bool
app_append(struct conn *c, const uint8_t *p, size_t n)
{
    uint8_t *nb;
    size_t cap;

    if (c->app_len + n > APP_MAX)
        return false;
    if (c->app_len + n > c->app_cap) {
        cap = c->app_cap < READ_CHUNK ? READ_CHUNK : c->app_cap;
        while (cap < c->app_len + n)
            cap *= 2;
        nb = malloc(cap);
        if (nb == NULL)
            return false;
        if (c->app_len > 0)
            memcpy(nb, c->app, c->app_len);
        OPENSSL_clear_free(c->app, c->app_cap);
        c->app = nb;
        c->app_cap = cap;
    }
    memcpy(c->app + c->app_len, p, n);
    c->app_len += n;
    return true;
}

/* Decrypt what arrived after CredSSP into c->app (capped at APP_MAX); false past the cap. */
static bool
collect_app(struct conn *c, const uint8_t *data, size_t len)
{
    uint8_t buf[READ_CHUNK];
    size_t n;
    bool ok = true;

    (void)credssp_engine_feed(c->eng, data, len);
    while (ok && (n = credssp_engine_read_app(c->eng, buf, sizeof(buf))) > 0) {
        ok = app_append(c, buf, n);
        OPENSSL_cleanse(buf, n);
    }
    return ok;
}

/* Decrypted application data while in CS_MCS: frame by TPKT and answer. */
static void
mcs_input(struct conn *c, const uint8_t *data, size_t len)
{
    if (!collect_app(c, data, len)) {
        end_mcs(c);
        return;
    }
    for (;;) {
        size_t flen = 0;
        credssp_error ret = x224_tpkt_frame_len(c->app, c->app_len, MCS_MAX_FRAME, &flen);

        if (ret == CREDSSP_E_TRUNCATED || (ret == CREDSSP_OK && c->app_len < flen))
            break;
        if (ret != CREDSSP_OK || !mcs_answer(c, c->app, flen)) {
            if (c->state == CS_MCS)
                end_mcs(c);
            return;
        }
        memmove(c->app, c->app + flen, c->app_len - flen);
        c->app_len -= flen;
        OPENSSL_cleanse(c->app + c->app_len, flen);
    }
    (void)drain_engine(c);
    flush(c);
}

/* CredSSP finished: PAM (on a worker) if configured, then finish_done. */
static void
on_engine_done(struct conn *c)
{
    report_fill(&c->rep, credssp_engine_result(c->eng), true);
    if (!adm_promote(&c->adm)) {                /* out of the pre-auth budget either way */
        finish_done(c, PAM_VERDICT_SESSIONS_FULL);
        return;
    }
    arm_deadline(c);                            /* what is left of --timeout */
    if (c->srv->opt.pam_service == NULL) {
        c->rep.pam = "skipped";
        finish_done(c, PAM_VERDICT_SKIPPED);
        return;
    }
    start_pam(c);
}

/*
 * The PAM stage is over (verdict or timeout): forget the job (its
 * credential is wiped once the worker, if any, lets go) and give the
 * remaining steps a fresh --timeout deadline.  Call after the report.
 */
static void
leave_pam(struct conn *c)
{
    if (c->pam_efd >= 0)
        (void)epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->pam_efd, NULL);
    c->pam_efd = -1;
    pam_job_release(c->pam);
    c->pam = NULL;
    if (c->state == CS_MCS || c->state == CS_FLUSH)
        arm_timer(c, c->srv->opt.timeout_ms);
}

/*
 * Application data while PAM runs (an HYBRID client sends its MCS Connect
 * Initial right after authInfo): kept for the mcs ending, else dropped.
 */
static void
absorb_app(struct conn *c, const uint8_t *data, size_t len)
{
    uint8_t buf[READ_CHUNK];

    size_t n;

    if (c->srv->opt.ending == ENDING_MCS) {
        if (!collect_app(c, data, len)) {
            OPENSSL_cleanse(c->app, c->app_len);   /* over the cap: forget it */
            c->app_len = 0;
        }
    } else {
        (void)credssp_engine_feed(c->eng, data, len);
        while ((n = credssp_engine_read_app(c->eng, buf, sizeof(buf))) > 0)
            OPENSSL_cleanse(buf, n);
    }
    (void)drain_engine(c);
}

/* The PAM worker finished. */
void
conn_on_pam(struct conn *c)
{
    const char *status = NULL;
    credssp_error ret;

    if (c->state != CS_PAM || c->pam == NULL)
        return;
    ret = pam_job_outcome(c->pam, &status);
    if (ret == CREDSSP_E_STATE)
        return;                                 /* spurious wake-up */
    c->rep.pam = status;
    c->rep.krb5ccname = pam_job_krb5ccname(c->pam);
    finish_done(c, ret == CREDSSP_OK ? PAM_VERDICT_OK : PAM_VERDICT_DENIED);
    leave_pam(c);
    update_events(c);
}

/* CredSSP failed: report, send what the engine queued (errorCode), end. */
static void
on_engine_failed(struct conn *c, credssp_error local)
{
    credssp_error err = local != CREDSSP_OK ? local : credssp_engine_error(c->eng);

    report_fill(&c->rep, credssp_engine_result(c->eng), false);
    if (c->ans.selected == X224_PROTOCOL_HYBRID_EX) {
        /* Refused after authInfo (e.g. credential type): the TLS session is
         * still up, so say "denied" cleanly instead of a bare close. */
        uint32_t eua = X224_EUA_ACCESS_DENIED;

        if (app_pdu(c, build_eua, &eua) == CREDSSP_OK)
            c->rep.eua = (int)eua;
    }
    credssp_engine_shutdown(c->eng);
    (void)drain_engine(c);
    c->rep.ending = "fin";
    conclude(c, credssp_error_name(err != CREDSSP_OK ? err : CREDSSP_E_INTERNAL));
    enter_flush(c);
}

/*
 * WANT_STEP: send what is queued, stop reading, give the engine a deadline
 * for its back end and hand it to the step pool.  A full queue ends the
 * connection with outcome "overload".
 */
static void
start_step(struct conn *c)
{
    struct server *srv = c->srv;

    flush(c);
    if (c->state != CS_TLS)
        return;
    if (!step_pool_start(srv->steps, &c->step, c->eng, c, srv->opt.pam_service != NULL,
                         server_now_ms(), c->start_ms + srv->opt.timeout_ms,
                         srv->opt.admit.step_ms)) {
        c->rep.ending = "close";
        conclude(c, "overload");
        close_now(c);
        return;
    }
    c->in_step = true;
    c->step_grace = false;
    update_events(c);
}

/* Act on the status the engine returned. */
static void
engine_status(struct conn *c, credssp_status st)
{
    credssp_error err = CREDSSP_OK;

    st = pump_engine(c, st, &err);
    if (st & CREDSSP_WANT_STEP) {
        start_step(c);
        return;
    }
    switch (st) {
    case CREDSSP_DONE:
        on_engine_done(c);
        return;
    case CREDSSP_FAILED:
        on_engine_failed(c, err);
        return;
    default:
        flush(c);
        return;
    }
}

/* ------------------------------------------------------------------ */
/* TLS-only baseline                                                   */
/* ------------------------------------------------------------------ */

/* Move the baseline TLS output to the socket queue. */
static credssp_error
drain_tls(struct conn *c)
{
    uint8_t buf[READ_CHUNK];
    size_t n;
    credssp_error ret = CREDSSP_OK;

    while (ret == CREDSSP_OK && (n = tlsonly_drain(c->tls, buf, sizeof(buf))) > 0)
        ret = outq_append(c, buf, n);
    return ret;
}

/* Feed the baseline handshake; once done send close_notify and end. */
static void
tls_input(struct conn *c, const uint8_t *data, size_t len)
{
    bool done = false;
    credssp_error ret = tlsonly_feed(c->tls, data, len, &done);

    if (ret == CREDSSP_OK && done)
        tlsonly_shutdown(c->tls);
    if (ret == CREDSSP_OK)
        ret = drain_tls(c);
    else
        (void)drain_tls(c);                   /* a TLS alert, if any */
    if (ret != CREDSSP_OK || done) {
        c->rep.ending = done ? "notify" : "fin";
        conclude(c, ret == CREDSSP_OK ? "ok" : credssp_error_name(ret));
        enter_flush(c);
        return;
    }
    flush(c);
}

/* ------------------------------------------------------------------ */
/* X.224                                                               */
/* ------------------------------------------------------------------ */

/* Start TLS (+ CredSSP) after an RDP_NEG_RSP. */
static credssp_error
start_security(struct conn *c)
{
    credssp_error ret;

    if (c->srv->opt.tls_only)
        return tlsonly_new(c->srv->ssl_ctx, &c->tls);
    c->cfg_ref = cfgref_take(c->srv->cfg_ref);
    ret = credssp_engine_new(cfgref_config(c->cfg_ref), CREDSSP_TLS_ENGINE, &c->eng);
    if (ret != CREDSSP_OK)
        return ret;
    ret = credssp_engine_set_peer(c->eng, c->rep.peer);
    if (ret != CREDSSP_OK)
        return ret;
    credssp_engine_set_deadline(c->eng, c->start_ms + c->srv->opt.timeout_ms);
    if (c->srv->steps != NULL)
        return credssp_engine_set_deferred(c->eng, 1);
    return CREDSSP_OK;
}

/* Feed bytes that belong to the TLS stage. */
static void
security_input(struct conn *c, const uint8_t *data, size_t len)
{
    if (c->tls != NULL)
        tls_input(c, data, len);
    else
        engine_status(c, credssp_engine_feed(c->eng, data, len));
}

/* A full Connection Request may be buffered: parse it and answer. */
static void
x224_input(struct conn *c)
{
    size_t flen = 0;
    credssp_error ret = x224_tpkt_frame_len(c->in, c->in_len, sizeof(c->in), &flen);

    if (ret == CREDSSP_E_TRUNCATED || (ret == CREDSSP_OK && c->in_len < flen))
        return;                                 /* wait for the rest */
    if (ret == CREDSSP_OK)
        ret = x224_parse_cr(c->in, flen, &c->cr);
    if (ret != CREDSSP_OK) {
        adm_strike(&c->adm, server_now_ms());  /* not RDP: costs the source */
        c->rep.ending = "close";
        conclude(c, credssp_error_name(ret));  /* not RDP: no answer */
        close_now(c);
        return;
    }
    c->rep.has_requested = true;
    c->rep.requested = c->cr.requested;
    c->rep.cookie = c->cr.has_cookie ? c->cr.cookie : NULL;
    x224_select(&c->cr, &c->srv->policy, &c->ans);
    ret = queue_pdu(c, build_cc, c);
    if (ret == CREDSSP_OK && c->ans.failure) {
        c->rep.ending = "fin";
        conclude(c, "nego_failure");
        enter_flush(c);
        return;
    }
    if (ret == CREDSSP_OK) {
        c->rep.protocol = x224_protocol_name(c->ans.selected);
        ret = start_security(c);
    }
    if (ret != CREDSSP_OK) {
        c->rep.ending = "close";
        conclude(c, credssp_error_name(ret));
        close_now(c);
        return;
    }
    c->state = CS_TLS;
    adm_heard(&c->adm);
    arm_deadline(c);                            /* from now on: --step-timeout per round */
    flush(c);
    if (c->state == CS_TLS && c->in_len > flen)   /* ClientHello sent early */
        security_input(c, c->in + flen, c->in_len - flen);
}

/* ------------------------------------------------------------------ */
/* Socket events                                                       */
/* ------------------------------------------------------------------ */

/* The client closed its side (or reset). */
static void
on_eof(struct conn *c)
{
    c->peer_eof = true;
    switch (c->state) {
    case CS_X224:
        conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
        close_now(c);
        return;
    case CS_TLS:
        if (c->eng != NULL) {
            engine_status(c, credssp_engine_feed_eof(c->eng));
            if (c->state == CS_TLS) {           /* engine did not give up: we do */
                conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
                close_now(c);
            }
            return;
        }
        conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
        close_now(c);
        return;
    case CS_PAM:
        c->rep.pam = "abandoned";
        c->rep.ending = "close";
        conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
        close_now(c);
        return;
    case CS_FLUSH:
        after_flush(c);
        return;
    case CS_MCS:
    case CS_LINGER:
    case CS_CLOSED:
        close_now(c);
        return;
    }
}

/* Bytes arrived in the current state. */
static void
on_data(struct conn *c, const uint8_t *data, size_t len)
{
    switch (c->state) {
    case CS_X224:
        c->in_len += len;                       /* data points into c->in */
        x224_input(c);
        return;
    case CS_TLS:
        security_input(c, data, len);
        return;
    case CS_PAM:
        absorb_app(c, data, len);
        return;
    case CS_MCS:
        mcs_input(c, data, len);
        return;
    default:
        return;                                 /* FLUSH / LINGER: discard */
    }
}

/* Read what is available (a bounded number of chunks per event). */
static void
on_readable(struct conn *c)
{
    uint8_t buf[READ_CHUNK];

    for (int i = 0; i < READS_PER_EVENT && c->state != CS_CLOSED && !c->peer_eof && !c->in_step;
         i++) {
        uint8_t *dst = buf;
        size_t cap = sizeof(buf);
        ssize_t n;

        if (c->state == CS_X224) {
            dst = c->in + c->in_len;
            cap = sizeof(c->in) - c->in_len;
            if (cap == 0) {
                adm_strike(&c->adm, server_now_ms());
                conclude(c, credssp_error_name(CREDSSP_E_TOO_LARGE));
                close_now(c);
                return;
            }
        }
        n = recv(c->fd, dst, cap, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {                           /* EOF, or ECONNRESET and friends */
            on_eof(c);
            return;
        }
        on_data(c, dst, (size_t)n);
    }
}

/* Socket readiness. */
void
conn_on_io(struct conn *c, uint32_t events)
{
    if (c->state == CS_CLOSED)
        return;
    if (c->in_step && (events & (EPOLLHUP | EPOLLERR))) {
        c->rep.ending = "close";                /* gone while its back end works */
        conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
        close_now(c);
        return;
    }
    if (!c->in_step && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        on_readable(c);
    if (c->state != CS_CLOSED && (events & EPOLLOUT))
        flush(c);
    update_events(c);
}

/* Deadline (before the end) or linger timer (after our FIN) expired. */
void
conn_on_timer(struct conn *c)
{
    uint64_t ticks;

    if (read(c->tfd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
        return;                                 /* spurious */
    if (c->state == CS_CLOSED)
        return;
    if (c->in_step && !c->step_grace) {
        /* The engine has the same deadline: a back end that answers within
         * the grace fails the exchange with errorCode STATUS_NO_LOGON_SERVERS. */
        c->step_grace = true;
        arm_timer(c, STEP_POOL_GRACE_MS);
        return;
    }
    if (c->state == CS_PAM) {
        /* --pam-timeout: EUA denied, pam_timeout; the hung job's helpers get SIGTERM. */
        pam_job_cancel(c->pam);
        c->rep.pam = "timeout";
        finish_done(c, PAM_VERDICT_TIMEOUT);
        leave_pam(c);
        update_events(c);
        return;
    } else if (c->in_step) {
        c->rep.ending = "close";                /* our back end is late: not the client's fault */
        conclude(c, credssp_error_name(CREDSSP_E_TIMEOUT));
    } else if (c->state == CS_X224 || c->state == CS_TLS) {
        adm_strike(&c->adm, server_now_ms());  /* a pre-auth timeout costs the source */
        if (c->eng != NULL)
            report_fill(&c->rep, credssp_engine_result(c->eng), false);
        c->rep.ending = "close";
        conclude(c, credssp_error_name(CREDSSP_E_TIMEOUT));
    }
    close_now(c);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

/* "addr:port" / "[v6]:port" for a socket address, and the bare address. */
static void
format_peer(const struct sockaddr *sa, socklen_t salen, char *out, size_t cap, char *host,
            size_t hcap)
{
    char serv[8];

    if (getnameinfo(sa, salen, host, hcap, serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        (void)snprintf(out, cap, "%s", "unknown");
        host[0] = '\0';
        return;
    }
    if (sa->sa_family == AF_INET6)
        (void)snprintf(out, cap, "[%s]:%s", host, serv);
    else
        (void)snprintf(out, cap, "%s:%s", host, serv);
}

/* Register an fd with the server's epoll set. */
static int
watch_fd(struct conn *c, int fd, struct watch *w, uint32_t events)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = w;
    return epoll_ctl(c->srv->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Take an accepted socket. */
struct conn *
conn_new(struct server *srv, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct conn *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        (void)close(fd);
        fprintf(stderr, "credssp-server: out of memory for a connection\n");
        return NULL;
    }
    c->srv = srv;
    c->fd = fd;
    c->tfd = -1;
    c->state = CS_X224;
    c->start_ms = server_now_ms();
    c->w_sock.kind = WATCH_CONN;
    c->w_sock.ptr = c;
    c->w_timer.kind = WATCH_TIMER;
    c->w_timer.ptr = c;
    c->w_pam.kind = WATCH_PAM;
    c->w_pam.ptr = c;
    c->pam_efd = -1;
    c->rep.credssp_version = 0;
    c->rep.spnego = -1;
    c->rep.delivered = -1;
    c->rep.eua = -1;
    c->rep.rg_packages = -1;
    c->rep.rg_service_ticket_len = -1;
    c->rep.rg_tgt_len = -1;
    c->rep.pam = "skipped";
    format_peer(sa, salen, c->rep.peer, sizeof(c->rep.peer), c->host, sizeof(c->host));
    /* link first so conn_free can always unlink */
    c->next = srv->conns;
    if (srv->conns != NULL)
        srv->conns->prev = c;
    srv->conns = c;
    srv->active++;
    adm_join(&srv->adm, &c->adm, sa, c);
    c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (c->tfd < 0 || watch_fd(c, c->tfd, &c->w_timer, EPOLLIN) != 0 ||
        watch_fd(c, c->fd, &c->w_sock, EPOLLIN) != 0) {
        fprintf(stderr, "credssp-server: %s: cannot watch connection: %s\n", c->rep.peer,
                strerror(errno));
        conclude(c, credssp_error_name(CREDSSP_E_IO));
        conn_free(c);
        return NULL;
    }
    c->events = EPOLLIN;
    arm_deadline(c);                            /* --x224-timeout */
    return c;
}

/* Closed and ready to be freed (not while the pool still owns its engine). */
bool
conn_is_closed(const struct conn *c)
{
    return c->state == CS_CLOSED && !c->in_step;
}

/* The step pool hands the engine back: go on as after a feed. */
void
conn_on_step(struct conn *c)
{
    c->in_step = false;
    if (c->state != CS_TLS)
        return;                                 /* closed meanwhile: freed by the loop */
    engine_status(c, c->step.status);
    update_events(c);
}

/* Shutdown of the whole server. */
void
conn_abort(struct conn *c, const char *outcome)
{
    if (c->state == CS_CLOSED)
        return;
    if (!c->reported && c->rep.ending == NULL)
        c->rep.ending = "close";
    conclude(c, outcome);
    close_now(c);
}

/* Next in the list. */
struct conn *
conn_next(const struct conn *c)
{
    return c->next;
}

/* Unlink, close and free. */
void
conn_free(struct conn *c)
{
    struct server *srv;

    if (c == NULL)
        return;
    srv = c->srv;
    if (!c->reported) {
        c->rep.ending = c->rep.ending != NULL ? c->rep.ending : "close";
        conclude(c, NULL);
    }
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    srv->active--;
    adm_leave(&c->adm);
    if (c->pam_efd >= 0)                        /* the thread may still signal it */
        (void)epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->pam_efd, NULL);
    pam_job_release(c->pam);
    credssp_engine_free(c->eng);
    cfgref_drop(c->cfg_ref);
    tlsonly_free(c->tls);
    free(c->out.buf);
    OPENSSL_clear_free(c->app, c->app_cap);
    /* Out of the epoll set before close(2): a helper a PAM module forks
     * (pam_exec) holds copies of our descriptors until its exec, and while
     * the file stays open its registration would outlive c. */
    if (c->tfd >= 0) {
        (void)epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->tfd, NULL);
        (void)close(c->tfd);
    }
    if (c->fd >= 0) {
        (void)epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        (void)close(c->fd);
    }
    free(c);
}
