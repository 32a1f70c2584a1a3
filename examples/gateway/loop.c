/*
 * loop.c - epoll loop of credssp-gateway (same shape as the example
 * server's loop: level-triggered epoll(7), a struct gw_watch per event
 * source, connections freed after each batch, admission control of
 * admission.c at accept - the listener never pauses - and closed after
 * --connections).  Client connections
 * arrive here; the RDP protocol lives in session.c and its helpers.
 */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontend.h"
#include "loop.h"
#include "session.h"

#define MAX_EVENTS 64

struct listener {
    int fd;
    bool open;
    bool paused;
    struct gw_watch w;
};

/* Open the listening socket (frontend.c, shared with credssp-server). */
int
gw_listen(const char *spec, int *fd_out, unsigned *port_out)
{
    return frontend_listen(GW_NAME, spec, fd_out, port_out);
}

/* Add or remove the listening socket from the epoll set. */
static void
listener_watch(struct gateway *gw, struct listener *l, bool on)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &l->w;
    if (epoll_ctl(gw->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->fd, &ev) != 0)
        fprintf(stderr, GW_NAME ": epoll_ctl(listen): %s\n", strerror(errno));
    l->paused = !on;
}

/* Stop accepting for good. */
static void
listener_close(struct gateway *gw, struct listener *l)
{
    if (!l->open)
        return;
    if (!l->paused)
        listener_watch(gw, l, false);
    (void)close(l->fd);
    l->fd = -1;
    l->open = false;
}

static bool
limit_reached(const struct gateway *gw)
{
    return gw->opt.connections > 0 && gw->accepted >= gw->opt.connections;
}

/* admission.c hands over an admitted socket. */
static void
on_accept(void *ctx, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct gateway *gw = ctx;

    gw->accepted++;
    (void)gw_conn_new(gw, fd, sa, salen);
}

/* admission.c displaces a pre-auth connection. */
static void
on_drop(void *owner, const char *outcome)
{
    gw_conn_abort(owner, outcome);
}

/* Accept what admission control lets in (it never pauses the listener). */
static void
accept_some(struct gateway *gw, struct listener *l)
{
    unsigned long room = ULONG_MAX;

    if (!l->open)
        return;
    if (gw->opt.connections > 0)
        room = gw->opt.connections - gw->accepted;
    (void)adm_accept(&gw->adm, l->fd, room, fe_now_ms());
    if (limit_reached(gw))
        listener_close(gw, l);
}

/* Free the connections that closed during this batch. */
static void
reap(struct gateway *gw)
{
    struct gw_conn *c = gw->conns;

    while (c != NULL) {
        struct gw_conn *next = gw_conn_next(c);

        if (gw_conn_is_closed(c))
            gw_conn_free(c);
        c = next;
    }
}

/* SIGHUP: reload; SIGTERM / SIGINT: stop accepting, end every connection now. */
static void
on_signals(struct gateway *gw, struct listener *l, int sfd)
{
    struct signalfd_siginfo si;

    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP) {
            (void)gw_reload(gw);
            continue;
        }
        fprintf(stderr, GW_NAME ": signal %u, shutting down\n", si.ssi_signo);
        listener_close(gw, l);
        for (struct gw_conn *c = gw->conns; c != NULL; c = gw_conn_next(c))
            gw_conn_abort(c, "shutdown");
    }
}

/* Dispatch one event. */
static void
dispatch(struct gateway *gw, struct listener *l, int sfd, const struct epoll_event *ev)
{
    struct gw_watch *w = ev->data.ptr;

    switch (w->kind) {
    case GW_WATCH_LISTEN:
        accept_some(gw, l);
        break;
    case GW_WATCH_SIGNAL:
        on_signals(gw, l, sfd);
        break;
    case GW_WATCH_FRONT:
        gw_conn_on_front(w->ptr, ev->events);
        break;
    case GW_WATCH_BACK:
        gw_conn_on_back(w->ptr, ev->events);
        break;
    case GW_WATCH_TIMER:
        gw_conn_on_timer(w->ptr);
        break;
    case GW_WATCH_STEP:
        for (struct step_job *j = step_pool_collect(gw->steps), *next; j != NULL; j = next) {
            next = j->next;
            gw_conn_on_step(j->owner);
        }
        break;
    }
}

/* Serve. */
int
gw_loop_run(struct gateway *gw, int listen_fd)
{
    struct listener l = { .fd = listen_fd, .open = true, .paused = true,
                          .w = { GW_WATCH_LISTEN, NULL } };
    struct gw_watch wsig = { GW_WATCH_SIGNAL, NULL };
    struct gw_watch wstep = { GW_WATCH_STEP, NULL };
    struct epoll_event ev, evs[MAX_EVENTS];
    sigset_t mask;
    int sfd = -1, status = 1;

    l.w.ptr = &l;
    gw->opt.admit.fds_per_conn = 4;             /* client, timer, xrdp socket, spare */
    if (adm_init(&gw->adm, &gw->opt.admit, GW_NAME, gw, on_accept, on_drop) != 0)
        goto cleanup;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
        goto cleanup;
    (void)signal(SIGPIPE, SIG_IGN);
    sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    gw->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (sfd < 0 || gw->epfd < 0) {
        fprintf(stderr, GW_NAME ": signalfd/epoll: %s\n", strerror(errno));
        goto cleanup;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &wsig;
    if (epoll_ctl(gw->epfd, EPOLL_CTL_ADD, sfd, &ev) != 0)
        goto cleanup;
    /* blocking engine steps run on the pool; its eventfd hands them back */
    if (step_pool_new(STEP_POOL_THREADS, STEP_POOL_QUEUE, &gw->steps) != 0)
        goto cleanup;
    ev.data.ptr = &wstep;
    if (epoll_ctl(gw->epfd, EPOLL_CTL_ADD, step_pool_fd(gw->steps), &ev) != 0)
        goto cleanup;
    listener_watch(gw, &l, true);
    if (limit_reached(gw))
        listener_close(gw, &l);

    while (l.open || gw->active > 0) {
        int n = epoll_wait(gw->epfd, evs, MAX_EVENTS, -1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, GW_NAME ": epoll_wait: %s\n", strerror(errno));
            goto cleanup;
        }
        for (int i = 0; i < n; i++)
            dispatch(gw, &l, sfd, &evs[i]);
        reap(gw);
    }
    status = 0;
cleanup:
    listener_close(gw, &l);
    step_pool_free(gw->steps);                  /* every engine is ours again */
    gw->steps = NULL;
    while (gw->conns != NULL) {
        gw_conn_abort(gw->conns, "shutdown");
        gw_conn_free(gw->conns);
    }
    if (sfd >= 0)
        (void)close(sfd);
    if (gw->epfd >= 0)
        (void)close(gw->epfd);
    gw->epfd = -1;
    adm_fini(&gw->adm);
    (void)fflush(stdout);
    return status;
}
