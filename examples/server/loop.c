/*
 * loop.c - credssp-server's side of the shared event loop
 * (examples/common/evloop.c): its connections (conn.c; MS-RDPBCGR 2.2.1.1 /
 * 2.2.1.2, T.123 TPKT in x224.c), the PAM workers' eventfds, and --workers:
 * N - 1 more processes that serve the same listening socket, each with its
 * own loop, admission state and step pool (made after the fork, so that every
 * process has its own threads).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "evloop.h"
#include "loop.h"

/* The --workers processes this one started (none in a worker). */
static pid_t kids[SERVER_MAX_WORKERS];
static unsigned n_kids;

/*
 * --workers N: fork N - 1 more processes that serve the same listening
 * socket (each with its own epoll set, admission state and --connections
 * count; the listener is EPOLLEXCLUSIVE so one wakes per connection).
 * Runs before any descriptor of the loop exists.  The PIDs go to kids.
 * The library's threads (the key index watcher) are stopped around the
 * forks, so that no thread holds a lock a child would inherit (a
 * sanitizer's allocator, another library's), and each process, this one
 * too, starts its own again (threads do not survive fork); the step pool
 * starts after this anyway.
 */
static void
spawn_workers(credssp_config *cfg, unsigned workers)
{
    n_kids = 0;
    if (workers <= 1)
        return;
    (void)setvbuf(stdout, NULL, _IOLBF, 0);   /* whole report lines per write */
    if (cfg != NULL)
        credssp_config_before_fork(cfg);
    for (unsigned i = 1; i < workers && i <= SERVER_MAX_WORKERS; i++) {
        pid_t parent = getpid();
        pid_t p = fork();

        if (p == 0) {
            /* a worker ends with its parent, even one that was killed */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
                (void)raise(SIGTERM);
            n_kids = 0;
            break;
        }
        if (p < 0) {
            fprintf(stderr, "credssp-server: fork: %s\n", strerror(errno));
            break;
        }
        kids[n_kids++] = p;
    }
    if (cfg != NULL && credssp_config_after_fork(cfg) != CREDSSP_OK)
        fprintf(stderr, "credssp-server: %s: no key index watcher\n",
                n_kids == 0 ? "worker" : "main process");
}

/* Stop the extra workers (by PID) and wait for them. */
static void
stop_workers(void)
{
    for (unsigned i = 0; i < n_kids; i++)
        (void)kill(kids[i], SIGTERM);
    for (unsigned i = 0; i < n_kids; i++)
        while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
            ;
}

/* The loop's view of the server's connections. */
static void
on_conn_new(void *srv, int fd, const struct sockaddr *sa, socklen_t salen)
{
    (void)conn_new(srv, fd, sa, salen);
}

static void
on_conn_abort(void *c, const char *outcome)
{
    conn_abort(c, outcome);
}

static void
on_conn_step(void *c)
{
    conn_on_step(c);
}

/* FE_SWEEP_*: free the closed, abort each, or both (evloop.h). */
static void
sweep(void *prog, enum fe_sweep how)
{
    struct server *srv = prog;
    struct conn *next;

    for (struct conn *c = srv->conns; c != NULL; c = next) {
        next = conn_next(c);
        if (how != FE_SWEEP_CLOSED)
            conn_abort(c, "shutdown");
        if (how == FE_SWEEP_ALL || (how == FE_SWEEP_CLOSED && conn_is_closed(c))) {
            conn_free(c);
            srv->finished++;
        }
    }
}

/* SIGHUP: reload here and in the --workers processes. */
static void
reload(void *srv)
{
    for (unsigned i = 0; i < n_kids; i++)
        (void)kill(kids[i], SIGHUP);
    (void)server_reload(srv);
}

/* A connection's socket, timer or PAM worker. */
static void
on_event(void *srv, const struct fe_watch *w, uint32_t events)
{
    (void)srv;
    switch (w->kind) {
    case WATCH_CONN:
        conn_on_io(w->ptr, events);
        break;
    case WATCH_TIMER:
        conn_on_timer(w->ptr);
        break;
    case WATCH_PAM:
        conn_on_pam(w->ptr);
        break;
    }
}

static const struct fe_loop_ops server_ops = {
    .conn_new = on_conn_new,
    .conn_abort = on_conn_abort,
    .conn_on_step = on_conn_step,
    .on_event = on_event,
    .sweep = sweep,
    .reload = reload,
};

/* Serve. */
int
loop_run(struct server *srv, int listen_fd)
{
    const struct server_opts *o = &srv->opt;
    struct fe_loop lp = {
        .name = "credssp-server", .prog = srv, .ops = &server_ops,
        .epfd = &srv->epfd, .adm = &srv->adm, .admit = &o->admit, .steps = &srv->steps,
        /* the step pool serves CredSSP modes only */
        .step_threads = srv->cfg == NULL || o->tls_only ? 0 : o->step_threads,
        .active = &srv->active, .accepted = &srv->accepted, .connections = o->connections,
    };
    int status;

    spawn_workers(srv->cfg, o->workers);
    status = fe_loop_run(&lp, listen_fd);
    stop_workers();
    return status;
}
