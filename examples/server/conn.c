/*
 * conn.c - per-connection state machine of credssp-server: socket events,
 * the timer, life cycle.  The transport is in conn_io.c, the verdict (PAM
 * job, EUA) in conn_pam.c, the ending after CredSSP in conn_end.c; they share
 * conn_int.h.
 *
 *   X224    read one TPKT-framed X.224 Connection Request (MS-RDPBCGR 2.2.1.1),
 *           answer with the Connection Confirm (2.2.1.2): RDP_NEG_RSP selecting
 *           HYBRID_EX / HYBRID, or RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER
 *   TLS     raw TCP bytes -> credssp_engine_feed (CREDSSP_TLS_ENGINE): TLS and
 *           MS-CSSP 3.1.5 inside the engine; its output goes to the socket.
 *           (--tls-only: the baseline TLS handshake of memtls.c instead.)
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

#include "conn_int.h"
#include "pamjob.h"
#include "report.h"
#include "steppool.h"
#include "memtls.h"

#define READS_PER_EVENT 8

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
                adm_strike(&c->adm, fe_now_ms());
                conclude(c, credssp_error_name(CREDSSP_E_TOO_LARGE));
                close_now(c);
                return;
            }
        }
        n = fe_recv(c->fd, dst, cap);
        if (n == 0)
            return;
        if (n < 0) {
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
        adm_strike(&c->adm, fe_now_ms());  /* a pre-auth timeout costs the source */
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
watch_fd(struct conn *c, int fd, struct fe_watch *w, uint32_t events)
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
    fe_queue_init(&c->out, SERVER_OUTQ_MAX, false);
    c->state = CS_X224;
    c->start_ms = fe_now_ms();
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
    adm_join(&srv->adm, &c->adm, sa, c->fd, c);
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
    memtls_free(c->tls);
    fe_queue_free(&c->out);
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
