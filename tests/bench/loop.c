/*
 * loop.c - the event loop of credssp-bench: one phase, N connections, at
 * most C in flight, one thread, nonblocking sockets, level-triggered epoll.
 *
 * Per connection (a slot of the pool):
 *   CONNECTING  nonblocking connect(2), wait for writability, check SO_ERROR
 *   X224        send the Connection Request, read the Confirm (x224c.c);
 *               it must select HYBRID
 *   SESSION     move bytes between the socket and the session (session.c)
 *               until the session is DONE (our last flight queued)
 *   DRAIN       send what is left, read the server's ending until EOF: a
 *               success needs at least one byte after DONE (the server's
 *               DisconnectProviderUltimatum and/or close_notify), so a server
 *               that rejects authInfo and just closes counts as a failure
 * The latency runs from connect(2) to that EOF.  Everything is bounded: the
 * phase deadline, a per-connection timeout (scanned every SCAN_MS), the
 * number of loop iterations and the reads per event.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "session.h"
#include "x224c.h"

#define MAX_EVENTS 256
#define READ_CHUNK 16384u
#define READS_PER_EVENT 8
#define SENDS_PER_CALL 64
#define SCAN_MS 100u
#define ITER_PER_CONN 2000u     /* loop iterations allowed per connection */

enum cstate { C_FREE = 0, C_CONNECTING, C_X224, C_SESSION, C_DRAIN };

struct run;

struct bconn {
    struct run *run;
    int fd;
    enum cstate st;
    uint64_t t0_us;
    size_t cr_off;                  /* bytes of the Connection Request sent */
    uint8_t cc[BENCH_CC_MAX];
    size_t cc_len;
    struct bench_sess *s;
    uint64_t after_done;            /* bytes read after the session was DONE */
    uint32_t events;
};

struct run {
    const struct bench_phase *ph;
    const struct bench_target *t;
    struct bench_result *res;
    struct bench_sess_ctx sx;
    int epfd;
    struct bconn *pool;
    unsigned *free_idx;             /* stack of free slots */
    unsigned n_free;
    unsigned started, finished, sessions, failed_starts;
    uint8_t cr[BENCH_CR_MAX];
    size_t cr_len;
};

/* Record the first failure reason of the phase. */
static void
note_failure(struct run *r, const char *why)
{
    if (r->res->first_failure[0] == '\0')
        (void)snprintf(r->res->first_failure, sizeof(r->res->first_failure), "%s", why);
}

/* End a connection: count it, close it, free its slot. */
static void
conn_end(struct bconn *bc, bool ok, const char *why)
{
    struct run *r = bc->run;

    if (ok && r->res->n_lat < r->ph->n) {
        uint64_t us = bench_now_us() - bc->t0_us;

        r->res->lat_us[r->res->n_lat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
        r->res->ok++;
    } else {
        r->res->failed++;
        note_failure(r, why != NULL ? why : "unknown");
    }
    if (bc->st == C_SESSION || bc->st == C_DRAIN)
        r->sessions--;
    if (bc->fd >= 0)
        (void)close(bc->fd);       /* also leaves the epoll set */
    bench_sess_free(bc->s);
    bc->s = NULL;
    bc->fd = -1;
    bc->st = C_FREE;
    r->free_idx[r->n_free++] = (unsigned)(bc - r->pool);
    r->finished++;
}

/* End with a formatted reason. */
__attribute__((format(printf, 2, 3))) static void
conn_failf(struct bconn *bc, const char *fmt, ...)
{
    char why[BENCH_REASON_LEN];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    conn_end(bc, false, why);
}

/* Register the interest the state needs. */
static void
set_events(struct bconn *bc, uint32_t want)
{
    struct epoll_event ev;

    if (bc->st == C_FREE || want == bc->events)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = want;
    ev.data.ptr = bc;
    if (epoll_ctl(bc->run->epfd, EPOLL_CTL_MOD, bc->fd, &ev) == 0)
        bc->events = want;
}

/* Bytes this connection still has to send, as a view. */
static const uint8_t *
pending(struct bconn *bc, size_t *len_out)
{
    *len_out = 0;
    if (bc->st == C_X224) {
        *len_out = bc->run->cr_len - bc->cr_off;
        return bc->run->cr + bc->cr_off;
    }
    if ((bc->st == C_SESSION || bc->st == C_DRAIN) && bc->s != NULL)
        return bench_sess_output(bc->s, len_out);
    return NULL;
}

/* Send what is pending until done or EAGAIN; false if the connection ended. */
static bool
send_pending(struct bconn *bc)
{
    for (int i = 0; i < SENDS_PER_CALL; i++) {
        size_t len = 0;
        const uint8_t *p = pending(bc, &len);
        ssize_t n;

        if (p == NULL || len == 0)
            break;
        n = send(bc->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            conn_failf(bc, "send: %s", strerror(errno));
            return false;
        }
        if (bc->st == C_X224)
            bc->cr_off += (size_t)n;
        else
            bench_sess_consumed(bc->s, (size_t)n);
    }
    return true;
}

/* Open a new connection in slot bc. */
static void
conn_start(struct run *r, struct bconn *bc)
{
    struct epoll_event ev;

    memset(bc, 0, sizeof(*bc));
    bc->run = r;
    bc->st = C_CONNECTING;
    bc->t0_us = bench_now_us();
    r->started++;
    bc->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (bc->fd < 0) {
        conn_failf(bc, "socket: %s", strerror(errno));
        return;
    }
    if (connect(bc->fd, (const struct sockaddr *)&r->t->addr, sizeof(r->t->addr)) != 0 &&
        errno != EINPROGRESS) {
        conn_failf(bc, "connect: %s", strerror(errno));
        return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLOUT;
    ev.data.ptr = bc;
    if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, bc->fd, &ev) != 0) {
        conn_failf(bc, "epoll_ctl: %s", strerror(errno));
        return;
    }
    bc->events = EPOLLOUT;
}

/* Start connections while slots are free and connections remain. */
static void
refill(struct run *r)
{
    while (r->n_free > 0 && r->started < r->ph->n) {
        unsigned idx = r->free_idx[--r->n_free];

        conn_start(r, &r->pool[idx]);
    }
}

/* The Confirm (and maybe the first TLS bytes) arrived. */
static void
on_x224(struct bconn *bc)
{
    struct run *r = bc->run;
    struct bench_cc cc;
    size_t frame = 0;
    credssp_error ret = bench_x224_cc(bc->cc, bc->cc_len, &frame, &cc);

    if (ret == CREDSSP_E_TRUNCATED && bc->cc_len < sizeof(bc->cc))
        return;
    if (ret != CREDSSP_OK) {
        conn_failf(bc, "bad Connection Confirm (%s)", credssp_error_name(ret));
        return;
    }
    if (cc.failed || cc.selected != BENCH_PROTOCOL_HYBRID) {
        conn_failf(bc, "server did not select HYBRID (%s 0x%x)",
                   cc.failed ? "failure" : "selected", cc.selected);
        return;
    }
    ret = bench_sess_new(&r->sx, &bc->s);
    if (ret != CREDSSP_OK) {
        conn_failf(bc, "session set-up: %s", credssp_strerror(ret));
        return;
    }
    bc->st = C_SESSION;
    if (++r->sessions > r->res->peak_in_flight)
        r->res->peak_in_flight = r->sessions;
    if (bc->cc_len > frame &&
        bench_sess_feed(bc->s, bc->cc + frame, bc->cc_len - frame) == SESS_FAILED)
        conn_failf(bc, "%s", bench_sess_reason(bc->s));
}

/* Session bytes arrived. */
static void
on_session_data(struct bconn *bc, const uint8_t *p, size_t n)
{
    enum bench_sess_status st;

    if (bc->st == C_DRAIN) {
        bc->after_done += n;
        return;
    }
    st = bench_sess_feed(bc->s, p, n);
    if (st == SESS_FAILED)
        conn_failf(bc, "%s", bench_sess_reason(bc->s));
    else if (st == SESS_DONE)
        bc->st = C_DRAIN;
}

/* The server closed its side. */
static void
on_eof(struct bconn *bc)
{
    size_t left = 0;

    if (bc->st == C_X224) {
        conn_failf(bc, "server closed during X.224");
    } else if (bc->st == C_SESSION) {
        (void)bench_sess_feed_eof(bc->s);
        conn_failf(bc, "server closed early: %s", bench_sess_reason(bc->s));
    } else if (pending(bc, &left) != NULL && left > 0) {
        conn_failf(bc, "server closed with %zu bytes of ours unsent", left);
    } else if (bc->after_done == 0) {
        conn_failf(bc, "server closed without an ending (login refused?)");
    } else {
        conn_end(bc, true, NULL);
    }
}

/* Read what is there (bounded). */
static void
on_readable(struct bconn *bc)
{
    uint8_t buf[READ_CHUNK];

    for (int i = 0; i < READS_PER_EVENT && bc->st != C_FREE; i++) {
        uint8_t *dst = buf;
        size_t cap = sizeof(buf);
        ssize_t n;

        if (bc->st == C_X224) {
            dst = bc->cc + bc->cc_len;
            cap = sizeof(bc->cc) - bc->cc_len;
        }
        n = recv(bc->fd, dst, cap, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0) {
            conn_failf(bc, "recv: %s", strerror(errno));
            return;
        }
        if (n == 0) {
            on_eof(bc);
            return;
        }
        if (bc->st == C_X224) {
            bc->cc_len += (size_t)n;
            on_x224(bc);
        } else {
            on_session_data(bc, buf, (size_t)n);
        }
        if (bc->st == C_SESSION || bc->st == C_DRAIN) {
            if (!send_pending(bc))
                return;
        }
    }
}

/* The nonblocking connect finished. */
static void
on_connected(struct bconn *bc)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (getsockopt(bc->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err != 0) {
        conn_failf(bc, "connect: %s", strerror(err));
        return;
    }
    bc->st = C_X224;
}

/* One epoll event. */
static void
on_event(struct bconn *bc, uint32_t events)
{
    size_t left = 0;

    if (bc->st == C_CONNECTING) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
            return;
        on_connected(bc);
    } else if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        on_readable(bc);
    }
    if (bc->st == C_FREE || !send_pending(bc) || bc->st == C_FREE)
        return;
    (void)pending(bc, &left);
    set_events(bc, EPOLLIN | (left > 0 ? EPOLLOUT : 0u));
}

/* End connections past their timeout, or all of them at the deadline. */
static void
scan_timeouts(struct run *r, bool all)
{
    uint64_t now = bench_now_us();
    uint64_t limit = (uint64_t)r->ph->conn_timeout_ms * 1000u;

    for (unsigned i = 0; i < r->ph->c; i++) {
        struct bconn *bc = &r->pool[i];

        if (bc->st == C_FREE)
            continue;
        if (all)
            conn_failf(bc, "phase deadline (state %d)", (int)bc->st);
        else if (now - bc->t0_us > limit)
            conn_failf(bc, "timeout after %u ms (state %d)", r->ph->conn_timeout_ms,
                       (int)bc->st);
    }
}

/* The loop proper. */
static void
drive(struct run *r)
{
    struct epoll_event evs[MAX_EVENTS];
    uint64_t start = bench_now_us();
    uint64_t deadline = start + (uint64_t)r->ph->deadline_ms * 1000u;
    uint64_t next_scan = start + SCAN_MS * 1000u;
    uint64_t max_iter = (uint64_t)r->ph->n * ITER_PER_CONN + 10000u;

    refill(r);
    for (uint64_t iter = 0; r->finished < r->ph->n && iter < max_iter; iter++) {
        uint64_t now = bench_now_us();
        int wait_ms, n;

        if (now >= deadline)
            break;
        wait_ms = (int)((next_scan > now ? next_scan - now : 0) / 1000u) + 1;
        n = epoll_wait(r->epfd, evs, MAX_EVENTS, wait_ms);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "credssp-bench: epoll_wait: %s\n", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            struct bconn *bc = evs[i].data.ptr;

            if (bc->st != C_FREE)
                on_event(bc, evs[i].events);
        }
        /*
         * A slot freed in this batch may be reused by refill below; events
         * of the same batch for its old fd were already handled or skipped
         * (C_FREE), and a new fd only reports in a later epoll_wait.
         */
        if (bench_now_us() >= next_scan) {
            scan_timeouts(r, false);
            next_scan = bench_now_us() + SCAN_MS * 1000u;
        }
        refill(r);
    }
    scan_timeouts(r, true);
    r->res->not_started = r->ph->n - r->started;
}

/* Free a result's buffers. */
void
bench_result_clear(struct bench_result *res)
{
    free(res->lat_us);
    memset(res, 0, sizeof(*res));
}

/* Run one phase. */
int
bench_run_phase(const struct bench_phase *ph, const struct bench_target *t,
                const struct bench_creds *cr, struct bench_result *res)
{
    struct run r;
    uint64_t t0, cpu0;
    int ret = -1;

    memset(&r, 0, sizeof(r));
    memset(res, 0, sizeof(*res));
    r.ph = ph;
    r.t = t;
    r.res = res;
    r.epfd = -1;
    if (ph->n == 0 || ph->c == 0)
        return -1;
    res->lat_us = calloc(ph->n, sizeof(*res->lat_us));
    r.pool = calloc(ph->c, sizeof(*r.pool));
    r.free_idx = calloc(ph->c, sizeof(*r.free_idx));
    if (res->lat_us == NULL || r.pool == NULL || r.free_idx == NULL)
        goto cleanup;
    for (unsigned i = 0; i < ph->c; i++) {
        r.pool[i].fd = -1;
        r.free_idx[r.n_free++] = ph->c - 1 - i;
    }
    if (bench_x224_cr(BENCH_PROTOCOL_HYBRID, r.cr, sizeof(r.cr), &r.cr_len) != CREDSSP_OK ||
        bench_sess_ctx_init(&r.sx, ph->mode, cr) != CREDSSP_OK)
        goto cleanup;
    r.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r.epfd < 0)
        goto cleanup;
    if (bench_proc_read(t->pid, &res->srv_before) != 0)
        fprintf(stderr, "credssp-bench: cannot read /proc/%ld\n", (long)t->pid);
    cpu0 = bench_self_cpu_us();
    t0 = bench_now_us();
    drive(&r);
    res->wall_s = (double)(bench_now_us() - t0) / 1e6;
    res->cli_cpu_us = bench_self_cpu_us() - cpu0;
    if (bench_proc_read(t->pid, &res->srv_after) != 0)
        fprintf(stderr, "credssp-bench: cannot read /proc/%ld after the phase\n",
                (long)t->pid);
    ret = 0;
cleanup:
    if (r.epfd >= 0)
        (void)close(r.epfd);
    bench_sess_ctx_clear(&r.sx);
    free(r.pool);
    free(r.free_idx);
    return ret;
}
