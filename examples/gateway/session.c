/*
 * session.c - the life of one credssp-gateway connection (states in
 * session.h): sockets, capped output queues, epoll interest, the timerfd,
 * the report, the ending (TLS close_notify both ways, flush, half-close,
 * bounded linger), the plaintext writers both ways, and the loop interface.
 * The client side lives in front.c (MS-RDPBCGR 2.2.1.1 / 2.2.1.2, MS-CSSP
 * through the engine), the xrdp side in backconn.c, the decision between
 * them in admit.c, the stream in relay.c.  A side is not read while the
 * other side's queue is above the high-water mark.  The timer holds the
 * set-up deadline (--timeout) until the relay is open, then bounds the final
 * flush and linger.
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

#include "capture.h"
#include "session.h"

#define OUTQ_MAX (16u << 20)        /* ciphertext queued for one socket */
#define HIGH_WATER (1u << 20)       /* stop reading the other side above this */
#define UP_MAX (1u << 20)           /* client plaintext held before the relay opens */
#define DOWN_MAX (1u << 20)

/* ------------------------------------------------------------------ */
/* Timer, epoll, queues                                                */
/* ------------------------------------------------------------------ */

/* Arm the connection's timer to fire once in ms milliseconds (0 = disarm). */
void
gw_conn_set_timer(struct gw_conn *c, uint64_t ms)
{
    struct itimerspec its;

    memset(&its, 0, sizeof(its));
    its.it_value.tv_sec = (time_t)(ms / 1000u);
    its.it_value.tv_nsec = (long)(ms % 1000u) * 1000000L;
    if (timerfd_settime(c->tfd, 0, &its, NULL) != 0)
        fprintf(stderr, GW_NAME ": timerfd_settime: %s\n", strerror(errno));
}

/* Arm the next admission deadline (session.h). */
void
gw_conn_arm_deadline(struct gw_conn *c)
{
    gw_conn_set_timer(c, adm_timer_ms(&c->adm, c->start_ms, c->gw->opt.timeout_ms, fe_now_ms()));
}

/* Register or change the epoll interest of one end. */
static void
set_events(struct gw_conn *c, struct gw_end *e, uint32_t want)
{
    struct epoll_event ev;

    if (e->fd < 0 || (e->registered && want == e->events))
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = want;
    ev.data.ptr = &e->w;
    if (epoll_ctl(c->gw->epfd, e->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, e->fd, &ev) == 0) {
        e->registered = true;
        e->events = want;
    } else {
        fprintf(stderr, GW_NAME ": epoll_ctl: %s\n", strerror(errno));
    }
}

bool
gw_front_paused(const struct gw_conn *c)
{
    return c->in_step || (c->in_map && c->state == GS_CREDSSP);
}

/* What each socket should wait for in the current state. */
static void
update_events(struct gw_conn *c)
{
    bool closing = c->state == GS_FLUSH || c->state == GS_LINGER;
    uint32_t f = 0, b = 0;

    if (c->state == GS_CLOSED)
        return;
    if (!c->front.eof && !gw_front_paused(c) &&
        (closing || fe_queue_pending(&c->back.out) < HIGH_WATER))
        f |= EPOLLIN;
    if (fe_queue_pending(&c->front.out) > 0 && !c->front.shut)
        f |= EPOLLOUT;
    set_events(c, &c->front, f);
    if (c->back.fd < 0)
        return;
    if (c->back.connecting) {
        b = EPOLLOUT;
    } else {
        if (!c->back.eof && (closing || fe_queue_pending(&c->front.out) < HIGH_WATER))
            b |= EPOLLIN;
        if (fe_queue_pending(&c->back.out) > 0)
            b |= EPOLLOUT;
    }
    set_events(c, &c->back, b);
}

/* Close one socket (unregistering it). */
static void
end_close(struct gw_conn *c, struct gw_end *e)
{
    if (e->fd < 0)
        return;
    if (e->registered)
        (void)epoll_ctl(c->gw->epfd, EPOLL_CTL_DEL, e->fd, NULL);
    (void)close(e->fd);
    e->fd = -1;
    e->registered = false;
    fe_queue_free(&e->out);
}

/*
 * Stop now; the loop frees the connection after this batch, or, while a step
 * runs, once the pool hands the engine back (the client socket goes now).
 */
void
gw_conn_close_now(struct gw_conn *c)
{
    end_close(c, &c->back);
    if (c->in_step || c->in_map)
        end_close(c, &c->front);
    c->state = GS_CLOSED;
}

/* Emit the report once. */
void
gw_conn_conclude(struct gw_conn *c, const char *outcome, const char *reason, const char *ending)
{
    if (c->reported)
        return;
    if (outcome != NULL)
        c->rep.outcome = outcome;
    if (reason != NULL)
        c->rep.reason = reason;
    if (ending != NULL)
        c->rep.ending = ending;
    if (c->rep.outcome == NULL)
        c->rep.outcome = credssp_error_name(CREDSSP_E_INTERNAL);
    c->rep.local_user = c->local_user[0] != '\0' ? c->local_user : NULL;
    c->rep.elapsed_ms = fe_now_ms() - c->start_ms;
    gw_report_emit(&c->rep, c->gw->opt.json);
    c->reported = true;
}

/* send(2) what is queued for one end; false on a fatal socket error. */
static bool
flush_end(struct gw_end *e)
{
    return e->fd < 0 || e->connecting || fe_queue_send(&e->out, e->fd) >= 0;
}

/* Move the engine's pending ciphertext to the client's queue. */
credssp_error
gw_drain_engine(struct gw_conn *c)
{
    size_t len = 0;
    const uint8_t *p = credssp_engine_output(c->eng, &len);
    credssp_error ret;

    if (p == NULL || len == 0)
        return CREDSSP_OK;
    ret = fe_queue_append(&c->front.out, p, len);
    if (ret == CREDSSP_OK)
        credssp_engine_output_consumed(c->eng, len);
    if (c->state == GS_CREDSSP)
        gw_conn_arm_deadline(c);                /* the client's next round starts now */
    return ret;
}

/* Move the backend TLS ciphertext to xrdp's queue. */
credssp_error
gw_drain_back(struct gw_conn *c)
{
    uint8_t buf[GW_READ_CHUNK];
    size_t n;
    credssp_error ret = CREDSSP_OK;

    while (ret == CREDSSP_OK && c->btls != NULL &&
           (n = memtls_drain(c->btls, buf, sizeof(buf))) > 0)
        ret = fe_queue_append(&c->back.out, buf, n);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Ending                                                              */
/* ------------------------------------------------------------------ */

/* While flushing: half-close each side whose queue is empty; linger on the client. */
static void
after_flush(struct gw_conn *c)
{
    if (c->state != GS_FLUSH)
        return;
    if (c->back.fd >= 0 && (fe_queue_pending(&c->back.out) == 0 || c->back.eof ||
                            c->back.connecting))
        end_close(c, &c->back);
    if (c->back.fd >= 0 || fe_queue_pending(&c->front.out) > 0)
        return;
    if (c->front.eof || shutdown(c->front.fd, SHUT_WR) != 0) {
        gw_conn_close_now(c);
        return;
    }
    c->front.shut = true;
    c->state = GS_LINGER;
    gw_conn_set_timer(c, GW_LINGER_MS);
}

/* Flush both sides; a failing socket ends the connection (or just its leg). */
static void
flush_all(struct gw_conn *c)
{
    if (c->state == GS_CLOSED)
        return;
    if (!flush_end(&c->back)) {
        c->back.eof = true;
        end_close(c, &c->back);
        if (c->state < GS_FLUSH) {
            /* finish flushes the client side itself */
            gw_conn_finish(c, c->up_open ? "ok" : "backend_closed", NULL, "backend_closed");
            return;
        }
    }
    if (!flush_end(&c->front)) {
        gw_conn_conclude(c, c->up_open ? "ok" : credssp_error_name(CREDSSP_E_CLOSED), NULL,
                 "client_closed");
        gw_conn_close_now(c);
        return;
    }
    after_flush(c);
}

/* Report, queue the TLS close_notify on each live session, flush, half-close. */
void
gw_conn_finish(struct gw_conn *c, const char *outcome, const char *reason, const char *ending)
{
    if (c->state >= GS_FLUSH)
        return;
    gw_conn_conclude(c, outcome, reason, ending);
    gw_inject_drop(c, false);
    fe_queue_free(&c->up);
    if (c->eng != NULL && c->state > GS_CREDSSP && !c->front.eof) {
        credssp_engine_shutdown(c->eng);
        (void)gw_drain_engine(c);
    }
    if (c->btls != NULL && !c->back.eof) {
        memtls_shutdown(c->btls);
        (void)gw_drain_back(c);
    }
    c->state = GS_FLUSH;
    gw_conn_set_timer(c, GW_LINGER_MS);
    flush_all(c);
}

/* The relay is fully open: no set-up deadline any more. */
void
gw_conn_relay_open(struct gw_conn *c)
{
    if (c->up_open && c->down_open && c->state == GS_RELAY)
        gw_conn_set_timer(c, 0);
}

/* ------------------------------------------------------------------ */
/* Writers used by admit.c and relay.c                                 */
/* ------------------------------------------------------------------ */

credssp_error
gw_front_write(struct gw_conn *c, const uint8_t *data, size_t len)
{
    credssp_error ret = credssp_engine_write_app(c->eng, data, len);

    if (ret == CREDSSP_OK)
        ret = gw_drain_engine(c);
    if (ret == CREDSSP_OK)
        c->rep.bytes_down += len;
    return ret;
}

credssp_error
gw_back_write(struct gw_conn *c, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (c->btls == NULL)
        return CREDSSP_E_STATE;
    gw_capture_write(c->gw->capture_fd, data, len);
    ret = memtls_write(c->btls, data, len);
    if (ret == CREDSSP_OK)
        ret = gw_drain_back(c);
    if (ret == CREDSSP_OK)
        c->rep.bytes_up += len;
    return ret;
}

/* ------------------------------------------------------------------ */
/* Loop interface                                                      */
/* ------------------------------------------------------------------ */

void
gw_conn_on_front(struct gw_conn *c, uint32_t events)
{
    if (c->state == GS_CLOSED)
        return;
    if (gw_front_paused(c) && (events & (EPOLLHUP | EPOLLERR))) {
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_CLOSED), NULL, "client_closed");
        gw_conn_close_now(c);                   /* gone while its back end works */
        return;
    }
    if (!gw_front_paused(c) && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        gw_front_readable(c);
    flush_all(c);
    update_events(c);
}

void
gw_conn_on_back(struct gw_conn *c, uint32_t events)
{
    int err = 0;

    if (c->state == GS_CLOSED || c->back.fd < 0)
        return;
    if (c->back.connecting) {
        if (gw_backend_connect_result(c->back.fd, &err) != CREDSSP_OK) {
            c->back.eof = true;
            gw_conn_finish(c, "backend_unreachable", strerror(err), NULL);
        } else {
            gw_back_connected(c);
        }
    } else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        gw_back_readable(c);
    }
    flush_all(c);
    update_events(c);
}

void
gw_conn_on_timer(struct gw_conn *c)
{
    uint64_t ticks;

    if (read(c->tfd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
        return;                                 /* spurious */
    if (c->in_step && c->state != GS_CLOSED) {
        /* The engine has the same deadline: a back end that answers within
         * the grace fails the exchange with errorCode STATUS_NO_LOGON_SERVERS;
         * after it, close at once (not the client's fault: no penalty). */
        if (!c->step_grace) {
            c->step_grace = true;
            gw_conn_set_timer(c, STEP_POOL_GRACE_MS);
            return;
        }
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_TIMEOUT), "backend", "close");
        gw_conn_close_now(c);
        return;
    }
    if (c->in_map && c->state == GS_CREDSSP) {
        gw_admit_lookup_timeout(c);             /* NSS still busy: refuse now */
        update_events(c);
        return;
    }
    switch (c->state) {
    case GS_CLOSED:
        return;
    case GS_FLUSH:
    case GS_LINGER:
        gw_conn_close_now(c);
        return;
    case GS_X224:
    case GS_CREDSSP:
        adm_strike(&c->adm, fe_now_ms());      /* a pre-auth timeout costs the source */
        if (c->eng != NULL)
            gw_front_report_failure(c);
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_TIMEOUT), NULL, "close");
        gw_conn_close_now(c);
        return;
    default:
        gw_conn_finish(c, credssp_error_name(CREDSSP_E_TIMEOUT),
                       c->state == GS_RELAY ? "relay_setup" : "backend", NULL);
        update_events(c);
        return;
    }
}

/* "addr:port" / "[v6]:port" for a socket address. */
static void
format_peer(const struct sockaddr *sa, socklen_t salen, char *out, size_t cap)
{
    char host[64];
    char serv[8];

    if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        (void)snprintf(out, cap, "%s", "unknown");
        return;
    }
    if (sa->sa_family == AF_INET6)
        (void)snprintf(out, cap, "[%s]:%s", host, serv);
    else
        (void)snprintf(out, cap, "%s:%s", host, serv);
}

struct gw_conn *
gw_conn_new(struct gateway *gw, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct gw_conn *c = calloc(1, sizeof(*c));
    struct epoll_event ev;

    if (c == NULL) {
        (void)close(fd);
        fprintf(stderr, GW_NAME ": out of memory for a connection\n");
        return NULL;
    }
    c->gw = gw;
    c->front.fd = fd;
    c->back.fd = -1;
    c->tfd = -1;
    c->state = GS_X224;
    c->start_ms = fe_now_ms();
    c->front.w = (struct fe_watch){ GW_WATCH_FRONT, c };
    c->back.w = (struct fe_watch){ GW_WATCH_BACK, c };
    c->w_timer = (struct fe_watch){ GW_WATCH_TIMER, c };
    fe_queue_init(&c->front.out, OUTQ_MAX, false);
    fe_queue_init(&c->back.out, OUTQ_MAX, false);
    fe_queue_init(&c->up, UP_MAX, true);
    fe_queue_init(&c->down, DOWN_MAX, false);
    c->rep.eua = -1;
    c->rep.mode = gw->opt.mode == GW_MODE_TOKEN ? "token" : "password";
    c->rep.ntlm_source = gw->ntlm_source;
    format_peer(sa, salen, c->rep.peer, sizeof(c->rep.peer));
    c->next = gw->conns;
    if (gw->conns != NULL)
        gw->conns->prev = c;
    gw->conns = c;
    gw->active++;
    adm_join(&gw->adm, &c->adm, sa, c->front.fd, c);
    c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &c->w_timer;
    if (c->tfd < 0 || epoll_ctl(gw->epfd, EPOLL_CTL_ADD, c->tfd, &ev) != 0) {
        fprintf(stderr, GW_NAME ": %s: cannot watch connection: %s\n", c->rep.peer,
                strerror(errno));
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_IO), NULL, "close");
        gw_conn_free(c);
        return NULL;
    }
    update_events(c);
    gw_conn_arm_deadline(c);                    /* --x224-timeout */
    return c;
}

bool
gw_conn_is_closed(const struct gw_conn *c)
{
    return c->state == GS_CLOSED && !c->in_step && !c->in_map;
}

void
gw_conn_abort(struct gw_conn *c, const char *outcome)
{
    if (c->state == GS_CLOSED)
        return;
    gw_conn_conclude(c, outcome, NULL, c->rep.ending != NULL ? c->rep.ending : "close");
    gw_conn_close_now(c);
}

struct gw_conn *
gw_conn_next(const struct gw_conn *c)
{
    return c->next;
}

void
gw_conn_free(struct gw_conn *c)
{
    struct gateway *gw;

    if (c == NULL)
        return;
    gw = c->gw;
    if (!c->reported)
        gw_conn_conclude(c, NULL, NULL, "close");
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        gw->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    gw->active--;
    adm_leave(&c->adm);
    end_close(c, &c->front);
    end_close(c, &c->back);
    if (c->tfd >= 0)
        (void)close(c->tfd);
    credssp_engine_free(c->eng);
    cfgref_drop(c->cfg_ref);
    memtls_free(c->btls);
    gw_inject_drop(c, false);
    credssp_result_free(c->result);
    fe_queue_free(&c->up);
    fe_queue_free(&c->down);
    free(c->principal);
    free(c->user);
    free(c->domain);
    OPENSSL_cleanse(c, sizeof(*c));
    free(c);
}
