/*
 * conn_io.c - the transport of a credssp-server connection (conn.c has the
 * state machine's overview): the deadline timer, the epoll interest, the
 * socket's out queue and its flush, PDUs queued to the socket or written into
 * the engine's TLS session, the engine's output and status (deferred steps on
 * the step pool), the TLS-only baseline and the X.224 Connection Request
 * (MS-RDPBCGR 2.2.1.1 / 2.2.1.2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "conn_int.h"
#include "report.h"
#include "steppool.h"
#include "memtls.h"
#include "util.h"

#define SMALL_PDU_MAX 512u

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/* Arm the connection's timer to fire once in ms milliseconds. */
void
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
void
arm_deadline(struct conn *c)
{
    uint64_t now = fe_now_ms();

    arm_timer(c, adm_timer_ms(&c->adm, c->start_ms, c->srv->opt.timeout_ms, now));
}

/* Register the epoll interest the state needs: input unless EOF, output if queued. */
void
update_events(struct conn *c)
{
    struct epoll_event ev;
    uint32_t want = 0;

    if (c->state == CS_CLOSED)
        return;
    if (!c->peer_eof && !c->in_step)
        want |= EPOLLIN;
    if (fe_queue_pending(&c->out) > 0)
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

/* Queue bytes for the socket (capped at SERVER_OUTQ_MAX pending bytes). */
static credssp_error
outq_append(struct conn *c, const uint8_t *data, size_t len)
{
    return fe_queue_append(&c->out, data, len);
}

/* Emit the report once, with the elapsed time up to this point. */
void
conclude(struct conn *c, const char *outcome)
{
    if (c->reported)
        return;
    if (outcome != NULL)
        c->rep.outcome = outcome;
    if (c->rep.outcome == NULL)
        c->rep.outcome = credssp_error_name(CREDSSP_E_INTERNAL);
    c->rep.elapsed_ms = fe_now_ms() - c->start_ms;
    report_emit(&c->rep, c->srv->opt.json);
    c->reported = true;
}

/*
 * Stop everything now; the loop frees the connection after this batch, or,
 * while a step runs, once the pool hands the engine back (the socket goes now).
 */
void
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
void
after_flush(struct conn *c)
{
    if (c->state != CS_FLUSH || fe_queue_pending(&c->out) > 0)
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
void
flush(struct conn *c)
{
    ssize_t n = c->state != CS_CLOSED ? fe_queue_send(&c->out, c->fd) : 0;

    if (n < 0) {
        conclude(c, credssp_error_name(CREDSSP_E_CLOSED));
        close_now(c);
        return;
    }
    if (n > 0 && c->state == CS_TLS)
        arm_deadline(c);                        /* the client's next round starts now */
    after_flush(c);
}

/* Everything that should go out is queued: send it, then end gracefully. */
void
enter_flush(struct conn *c)
{
    c->state = CS_FLUSH;
    flush(c);
}

/* Build a small PDU with the bounded writer; the caller frees *pdu_out. */
static credssp_error
build_pdu(void (*build)(struct cssp_writer *, const void *), const void *arg, uint8_t **pdu_out,
          size_t *len_out)
{
    struct cssp_writer w;

    cssp_writer_init(&w, SMALL_PDU_MAX, false);
    build(&w, arg);
    return cssp_writer_take(&w, pdu_out, len_out);
}

/* Queue a small PDU on the socket (before TLS: X.224). */
static credssp_error
queue_pdu(struct conn *c, void (*build)(struct cssp_writer *, const void *), const void *arg)
{
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret = build_pdu(build, arg, &pdu, &len);

    if (ret == CREDSSP_OK)
        ret = outq_append(c, pdu, len);
    free(pdu);
    return ret;
}

/* Build a PDU and hand it to the engine's TLS session (write_app). */
credssp_error
app_pdu(struct conn *c, void (*build)(struct cssp_writer *, const void *), const void *arg)
{
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret = build_pdu(build, arg, &pdu, &len);

    if (ret == CREDSSP_OK)
        ret = credssp_engine_write_app(c->eng, pdu, len);
    free(pdu);
    return ret;
}

/* Writer adapter for queue_pdu: the X.224 Connection Confirm. */
static void
build_cc(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    x224_write_cc(w, c->cr.src_ref, &c->ans);
}

/* ------------------------------------------------------------------ */
/* Engine                                                              */
/* ------------------------------------------------------------------ */

/* Move the engine's pending output to the socket queue. */
credssp_error
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

/* drain_engine for fe_pump_engine. */
static credssp_error
drain_conn(void *c)
{
    return drain_engine(c);
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
    if (!step_pool_start(srv->steps, &c->step, c->eng, c, fe_now_ms(),
                         c->start_ms + srv->opt.timeout_ms, srv->opt.admit.step_ms)) {
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
void
engine_status(struct conn *c, credssp_status st)
{
    credssp_error err = CREDSSP_OK;

    st = fe_pump_engine(c->eng, drain_conn, c, &err);
    if (st & CREDSSP_WANT_STEP) {
        start_step(c);
        return;
    }
    if (st & CREDSSP_DONE)
        on_engine_done(c);
    else if (st & CREDSSP_FAILED)
        on_engine_failed(c, err);
    else
        flush(c);
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

    while (ret == CREDSSP_OK && (n = memtls_drain(c->tls, buf, sizeof(buf))) > 0)
        ret = outq_append(c, buf, n);
    return ret;
}

/* Feed the baseline handshake; once done send close_notify and end. */
static void
tls_input(struct conn *c, const uint8_t *data, size_t len)
{
    bool done = false;
    credssp_error ret = memtls_feed(c->tls, data, len);

    if (ret == CREDSSP_OK)
        ret = memtls_handshake(c->tls, &done);
    if (ret == CREDSSP_OK && done)
        memtls_shutdown(c->tls);
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
        return memtls_new(c->srv->ssl_ctx, true, &c->tls);
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
void
security_input(struct conn *c, const uint8_t *data, size_t len)
{
    if (c->tls != NULL)
        tls_input(c, data, len);
    else
        engine_status(c, credssp_engine_feed(c->eng, data, len));
}

/* A full Connection Request may be buffered: parse it and answer. */
void
x224_input(struct conn *c)
{
    size_t flen = 0;
    credssp_error ret = x224_take_cr(c->in, c->in_len, sizeof(c->in), &flen, &c->cr);

    if (ret == CREDSSP_OK && flen == 0)
        return;                                 /* wait for the rest */
    if (ret != CREDSSP_OK) {
        adm_strike(&c->adm, fe_now_ms());  /* not RDP: costs the source */
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
