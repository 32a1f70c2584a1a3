/*
 * evloop.c - the epoll loop of credssp-server and credssp-gateway (see
 * evloop.h).  The wire protocols live in the programs (server/conn*.c,
 * gateway/session.c and their helpers); this file knows only the
 * listener, the signals and the step pool.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "evloop.h"
#include "util.h"

#define MAX_EVENTS 64

/* The loop's own state for one run. */
struct run {
    const struct fe_loop *lp;
    int fd;                  /* the listening socket, -1 once closed */
    bool paused;             /* not (yet) in the epoll set */
    int sfd;                 /* signalfd */
    struct fe_watch w_listen, w_signal, w_step;
};

/* Add an fd to the epoll set for input. */
static int
watch_in(const struct run *r, int fd, struct fe_watch *w, uint32_t extra)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | extra;
    ev.data.ptr = w;
    return epoll_ctl(*r->lp->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Stop accepting for good. */
static void
listener_close(struct run *r)
{
    if (r->fd < 0)
        return;
    if (!r->paused)
        (void)epoll_ctl(*r->lp->epfd, EPOLL_CTL_DEL, r->fd, NULL);
    (void)close(r->fd);
    r->fd = -1;
}

/* --connections N reached (no more accepts). */
static bool
limit_reached(const struct fe_loop *lp)
{
    return lp->connections > 0 && *lp->accepted >= lp->connections;
}

/* admission.c hands over an admitted socket. */
static void
on_accept(void *ctx, int fd, const struct sockaddr *sa, socklen_t salen)
{
    const struct fe_loop *lp = ctx;

    (*lp->accepted)++;
    lp->ops->conn_new(lp->prog, fd, sa, salen);
}

/* Accept what admission control lets in (it never pauses the listener). */
static void
accept_some(struct run *r)
{
    const struct fe_loop *lp = r->lp;
    unsigned long room = ULONG_MAX;

    if (r->fd < 0)
        return;
    if (lp->connections > 0)
        room = lp->connections - *lp->accepted;
    (void)adm_accept(lp->adm, r->fd, room, fe_now_ms());
    if (limit_reached(lp))
        listener_close(r);
}

/* SIGHUP: reload; SIGTERM / SIGINT: stop accepting, end every connection now. */
static void
on_signals(struct run *r)
{
    const struct fe_loop *lp = r->lp;
    struct signalfd_siginfo si;

    while (read(r->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP) {
            lp->ops->reload(lp->prog);
            continue;
        }
        fprintf(stderr, "%s: signal %u, shutting down\n", lp->name, si.ssi_signo);
        listener_close(r);
        lp->ops->sweep(lp->prog, FE_SWEEP_ABORT);
    }
}

/* Hand finished steps back to their connections. */
static void
steps_collect(const struct fe_loop *lp)
{
    for (struct step_job *j = step_pool_collect(*lp->steps), *next; j != NULL; j = next) {
        next = j->next;
        lp->ops->conn_on_step(j->owner);
    }
}

/* Signals, epoll set, step pool, listener. */
static int
setup(struct run *r)
{
    const struct fe_loop *lp = r->lp;
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
        return -1;
    (void)signal(SIGPIPE, SIG_IGN);
    r->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    *lp->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r->sfd < 0 || *lp->epfd < 0 || watch_in(r, r->sfd, &r->w_signal, 0) != 0) {
        fprintf(stderr, "%s: signalfd/epoll: %s\n", lp->name, strerror(errno));
        return -1;
    }
    /* blocking engine steps run on the pool; its eventfd hands them back */
    if (lp->step_threads > 0 &&
        (step_pool_new(lp->step_threads, STEP_POOL_QUEUE, lp->steps) != 0 ||
         watch_in(r, step_pool_fd(*lp->steps), &r->w_step, 0) != 0)) {
        fprintf(stderr, "%s: cannot start the step pool\n", lp->name);
        return -1;
    }
    /* EPOLLEXCLUSIVE: with --workers, one process wakes per connection */
    if (watch_in(r, r->fd, &r->w_listen, EPOLLEXCLUSIVE) != 0)
        fprintf(stderr, "%s: epoll_ctl(listen): %s\n", lp->name, strerror(errno));
    else
        r->paused = false;
    if (limit_reached(lp))
        listener_close(r);
    return 0;
}

int
fe_loop_run(struct fe_loop *lp, int listen_fd)
{
    struct run r = { .lp = lp, .fd = listen_fd, .paused = true, .sfd = -1,
                     .w_listen = { FE_WATCH_LISTEN, NULL }, .w_signal = { FE_WATCH_SIGNAL, NULL },
                     .w_step = { FE_WATCH_STEP, NULL } };
    struct epoll_event evs[MAX_EVENTS];
    int status = 1;

    if (adm_init(lp->adm, lp->admit, lp->name, lp, on_accept, lp->ops->conn_abort) != 0) {
        (void)close(listen_fd);
        return 1;
    }
    if (setup(&r) != 0)
        goto cleanup;
    while (r.fd >= 0 || *lp->active > 0) {
        int n = epoll_wait(*lp->epfd, evs, MAX_EVENTS, -1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: epoll_wait: %s\n", lp->name, strerror(errno));
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            const struct fe_watch *w = evs[i].data.ptr;

            if (w->kind == FE_WATCH_LISTEN)
                accept_some(&r);
            else if (w->kind == FE_WATCH_SIGNAL)
                on_signals(&r);
            else if (w->kind == FE_WATCH_STEP)
                steps_collect(lp);
            else
                lp->ops->on_event(lp->prog, w, evs[i].events);
        }
        lp->ops->sweep(lp->prog, FE_SWEEP_CLOSED);
    }
    status = 0;
cleanup:
    listener_close(&r);
    step_pool_free(*lp->steps);                 /* every engine is ours again */
    *lp->steps = NULL;
    lp->ops->sweep(lp->prog, FE_SWEEP_ALL);
    if (r.sfd >= 0)
        (void)close(r.sfd);
    if (*lp->epfd >= 0)
        (void)close(*lp->epfd);
    *lp->epfd = -1;
    adm_fini(lp->adm);
    (void)fflush(stdout);
    return status;
}
