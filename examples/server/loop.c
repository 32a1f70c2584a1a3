/*
 * loop.c - epoll loop of credssp-server.
 *
 * One thread, nonblocking sockets, level-triggered epoll(7).  Events carry a
 * struct watch (server.h) naming what became ready: the listening socket, the
 * signalfd (SIGTERM / SIGINT: clean shutdown), a connection socket or a
 * connection's deadline timerfd.  Connections closed while handling a batch
 * are freed after the batch, so no event of the same batch can reach freed
 * memory.  At --max-concurrent connections the listening socket leaves the
 * epoll set until a slot frees (the kernel backlog holds new clients); at
 * --connections N it is closed for good.  The wire protocols live in conn.c
 * and x224.c (MS-RDPBCGR 2.2.1.1 / 2.2.1.2, T.123 TPKT).
 */
#include <errno.h>
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

#include "conn.h"
#include "frontend.h"
#include "loop.h"

#define MAX_EVENTS 64

struct listener {
    int fd;
    bool open;       /* still accepting at all */
    bool paused;     /* out of the epoll set while at the concurrency cap */
    struct watch w;
};

/* Open the listening socket (frontend.c; messages prefixed like ours). */
int
loop_listen(const char *spec, int *fd_out, unsigned *port_out)
{
    return frontend_listen("credssp-server", spec, fd_out, port_out);
}

/* Add or remove the listening socket from the epoll set. */
static void
listener_watch(struct server *srv, struct listener *l, bool on)
{
    struct epoll_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &l->w;
    if (epoll_ctl(srv->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->fd, &ev) != 0)
        fprintf(stderr, "credssp-server: epoll_ctl(listen): %s\n", strerror(errno));
    l->paused = !on;
}

/* Stop accepting for good. */
static void
listener_close(struct server *srv, struct listener *l)
{
    if (!l->open)
        return;
    if (!l->paused)
        listener_watch(srv, l, false);
    (void)close(l->fd);
    l->fd = -1;
    l->open = false;
}

/* --connections N reached (no more accepts). */
static bool
limit_reached(const struct server *srv)
{
    return srv->opt.connections > 0 && srv->accepted >= srv->opt.connections;
}

/* Accept while there is room; pause or close the listener as needed. */
static void
accept_some(struct server *srv, struct listener *l)
{
    while (l->open && srv->active < srv->opt.max_concurrent && !limit_reached(srv)) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            /* EMFILE / ENFILE / ENOBUFS: wait for a connection to end */
            fprintf(stderr, "credssp-server: accept: %s\n", strerror(errno));
            if (!l->paused && srv->active > 0)
                listener_watch(srv, l, false);
            return;
        }
        srv->accepted++;
        (void)conn_new(srv, fd, (struct sockaddr *)&ss, sl);
    }
    if (limit_reached(srv))
        listener_close(srv, l);
    else if (l->open && !l->paused && srv->active >= srv->opt.max_concurrent)
        listener_watch(srv, l, false);
}

/* Free the connections that closed during this batch. */
static void
reap(struct server *srv)
{
    struct conn *c = srv->conns;

    while (c != NULL) {
        struct conn *next = conn_next(c);

        if (conn_is_closed(c)) {
            conn_free(c);
            srv->finished++;
        }
        c = next;
    }
}

/* SIGTERM / SIGINT: stop accepting, end every connection now. */
static void
shutdown_all(struct server *srv, struct listener *l, int sfd)
{
    struct signalfd_siginfo si;

    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
        fprintf(stderr, "credssp-server: signal %u, shutting down\n", si.ssi_signo);
    listener_close(srv, l);
    for (struct conn *c = srv->conns; c != NULL; c = conn_next(c))
        conn_abort(c, "shutdown");
}

/* Serve. */
int
loop_run(struct server *srv, int listen_fd)
{
    struct listener l = { .fd = listen_fd, .open = true, .paused = true,
                          .w = { WATCH_LISTEN, NULL } };
    struct watch wsig = { WATCH_SIGNAL, NULL };
    struct epoll_event ev, evs[MAX_EVENTS];
    sigset_t mask;
    int sfd = -1, status = 1;

    l.w.ptr = &l;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
        goto cleanup;
    (void)signal(SIGPIPE, SIG_IGN);
    sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    srv->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (sfd < 0 || srv->epfd < 0) {
        fprintf(stderr, "credssp-server: signalfd/epoll: %s\n", strerror(errno));
        goto cleanup;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &wsig;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, sfd, &ev) != 0)
        goto cleanup;
    listener_watch(srv, &l, true);
    if (limit_reached(srv))
        listener_close(srv, &l);

    while (l.open || srv->active > 0) {
        int n = epoll_wait(srv->epfd, evs, MAX_EVENTS, -1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "credssp-server: epoll_wait: %s\n", strerror(errno));
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            struct watch *w = evs[i].data.ptr;

            switch (w->kind) {
            case WATCH_LISTEN:
                accept_some(srv, &l);
                break;
            case WATCH_SIGNAL:
                shutdown_all(srv, &l, sfd);
                break;
            case WATCH_CONN:
                conn_on_io(w->ptr, evs[i].events);
                break;
            case WATCH_TIMER:
                conn_on_timer(w->ptr);
                break;
            case WATCH_PAM:
                conn_on_pam(w->ptr);
                break;
            }
        }
        reap(srv);
        if (l.open && l.paused && srv->active < srv->opt.max_concurrent)
            listener_watch(srv, &l, true);
    }
    status = 0;
cleanup:
    listener_close(srv, &l);
    while (srv->conns != NULL) {
        conn_abort(srv->conns, "shutdown");
        conn_free(srv->conns);
    }
    if (sfd >= 0)
        (void)close(sfd);
    if (srv->epfd >= 0)
        (void)close(srv->epfd);
    srv->epfd = -1;
    (void)fflush(stdout);
    return status;
}
