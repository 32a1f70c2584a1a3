/*
 * loop.c - epoll loop of credssp-server.
 *
 * One thread, nonblocking sockets, level-triggered epoll(7).  Events carry a
 * struct watch (server.h) naming what became ready: the listening socket, the
 * signalfd (SIGTERM / SIGINT: clean shutdown; SIGHUP: reload), a connection
 * socket or a connection's deadline timerfd.  Connections closed while handling a batch
 * are freed after the batch, so no event of the same batch can reach freed
 * memory.  Admission control (admission.c) accepts, refuses or displaces;
 * the listener never leaves the epoll set for lack of room; at
 * --connections N it is closed for good.  --workers N forks N - 1 more
 * processes that serve the same listening socket, each with its own loop.
 * The wire protocols live in conn.c and x224.c (MS-RDPBCGR 2.2.1.1 /
 * 2.2.1.2, T.123 TPKT).  Engine steps that may block run on the step pool
 * (steppool.c), created after the fork so that every process has its own
 * threads; its eventfd hands finished steps back to this loop.
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
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "frontend.h"
#include "loop.h"
#include "steppool.h"

#define MAX_EVENTS 64

struct listener {
    int fd;
    bool open;       /* still accepting at all */
    bool paused;     /* not (yet) in the epoll set */
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
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;    /* --workers: wake one process */
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

/* admission.c hands over an admitted socket. */
static void
on_accept(void *ctx, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct server *srv = ctx;

    srv->accepted++;
    (void)conn_new(srv, fd, sa, salen);
}

/* admission.c displaces a pre-auth connection. */
static void
on_drop(void *owner, const char *outcome)
{
    conn_abort(owner, outcome);
}

/* Accept what admission control lets in (it never pauses the listener). */
static void
accept_some(struct server *srv, struct listener *l)
{
    unsigned long room = ULONG_MAX;

    if (!l->open)
        return;
    if (srv->opt.connections > 0)
        room = srv->opt.connections - srv->accepted;
    (void)adm_accept(&srv->adm, l->fd, room, fe_now_ms());
    if (limit_reached(srv))
        listener_close(srv, l);
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

/*
 * --workers N: fork N - 1 more processes that serve the same listening
 * socket (each with its own epoll set, admission state and --connections
 * count; the listener is EPOLLEXCLUSIVE so one wakes per connection).
 * Runs before any descriptor of the loop exists.  The PIDs go to kids.
 * A worker starts the library's threads of its own (the key index watcher:
 * threads do not survive fork); the step pool starts after this anyway.
 */
static void
spawn_workers(credssp_config *cfg, unsigned workers, pid_t *kids, unsigned *n_kids)
{
    *n_kids = 0;
    if (workers > 1)
        (void)setvbuf(stdout, NULL, _IOLBF, 0);   /* whole report lines per write */
    for (unsigned i = 1; i < workers && i <= SERVER_MAX_WORKERS; i++) {
        pid_t parent = getpid();
        pid_t p = fork();

        if (p == 0) {
            /* a worker ends with its parent, even one that was killed */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
                (void)raise(SIGTERM);
            *n_kids = 0;
            if (cfg != NULL && credssp_config_after_fork(cfg) != CREDSSP_OK)
                fprintf(stderr, "credssp-server: worker %u: no key index watcher\n", i);
            return;
        }
        if (p < 0) {
            fprintf(stderr, "credssp-server: fork: %s\n", strerror(errno));
            return;
        }
        kids[(*n_kids)++] = p;
    }
}

/* Stop the extra workers (by PID) and wait for them. */
static void
stop_workers(const pid_t *kids, unsigned n_kids)
{
    for (unsigned i = 0; i < n_kids; i++)
        (void)kill(kids[i], SIGTERM);
    for (unsigned i = 0; i < n_kids; i++)
        while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
            ;
}

/* Start the step pool and watch its eventfd (CredSSP modes only). */
static int
steps_start(struct server *srv, struct watch *w)
{
    struct epoll_event ev;

    if (srv->cfg == NULL || srv->opt.tls_only || srv->opt.step_threads == 0)
        return 0;
    if (step_pool_new(srv->opt.step_threads, STEP_POOL_QUEUE, &srv->steps) != 0) {
        fprintf(stderr, "credssp-server: cannot start the step pool\n");
        return -1;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = w;
    return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, step_pool_fd(srv->steps), &ev);
}

/* Hand finished steps back to their connections. */
static void
steps_collect(struct server *srv)
{
    struct step_job *j = step_pool_collect(srv->steps);

    while (j != NULL) {
        struct step_job *next = j->next;

        conn_on_step(j->owner);
        j = next;
    }
}

/* SIGTERM / SIGINT: stop accepting, end every connection now. */
static void
shutdown_all(struct server *srv, struct listener *l)
{
    listener_close(srv, l);
    for (struct conn *c = srv->conns; c != NULL; c = conn_next(c))
        conn_abort(c, "shutdown");
}

/* SIGHUP: reload here and in the --workers processes; else shut down. */
static void
on_signals(struct server *srv, struct listener *l, int sfd, const pid_t *kids, unsigned n_kids)
{
    struct signalfd_siginfo si;

    while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGHUP) {
            for (unsigned i = 0; i < n_kids; i++)
                (void)kill(kids[i], SIGHUP);
            (void)server_reload(srv);
            continue;
        }
        fprintf(stderr, "credssp-server: signal %u, shutting down\n", si.ssi_signo);
        shutdown_all(srv, l);
    }
}

/* Serve. */
int
loop_run(struct server *srv, int listen_fd)
{
    struct listener l = { .fd = listen_fd, .open = true, .paused = true,
                          .w = { WATCH_LISTEN, NULL } };
    struct watch wsig = { WATCH_SIGNAL, NULL };
    struct watch wstep = { WATCH_STEP, NULL };
    struct epoll_event ev, evs[MAX_EVENTS];
    sigset_t mask;
    pid_t kids[SERVER_MAX_WORKERS];
    unsigned n_kids = 0;
    int sfd = -1, status = 1;

    l.w.ptr = &l;
    spawn_workers(srv->cfg, srv->opt.workers, kids, &n_kids);
    if (adm_init(&srv->adm, &srv->opt.admit, "credssp-server", srv, on_accept, on_drop) != 0)
        goto cleanup;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
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
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, sfd, &ev) != 0 || steps_start(srv, &wstep) != 0)
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
                on_signals(srv, &l, sfd, kids, n_kids);
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
            case WATCH_STEP:
                steps_collect(srv);
                break;
            }
        }
        reap(srv);
    }
    status = 0;
cleanup:
    listener_close(srv, &l);
    step_pool_free(srv->steps);                 /* every engine is ours again */
    srv->steps = NULL;
    while (srv->conns != NULL) {
        conn_abort(srv->conns, "shutdown");
        conn_free(srv->conns);
    }
    if (sfd >= 0)
        (void)close(sfd);
    if (srv->epfd >= 0)
        (void)close(srv->epfd);
    srv->epfd = -1;
    adm_fini(&srv->adm);
    stop_workers(kids, n_kids);
    (void)fflush(stdout);
    return status;
}
