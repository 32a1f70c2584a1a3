/*
 * evloop.h - the event loop both front ends run: one thread, nonblocking
 * sockets, level-triggered epoll(7).  The loop owns the listening socket
 * (opened by frontend_listen; admission control of admission.c accepts,
 * refuses or displaces; the
 * listener never pauses for lack of room and closes for good at
 * --connections), the signalfd (SIGTERM / SIGINT: stop; SIGHUP: reload) and
 * the step pool's eventfd (steppool.h); everything else an event names is
 * the program's and goes to its on_event.  Connections closed while a batch
 * is handled are freed after the batch (reap), so no event of the same batch
 * can reach freed memory.
 */
#ifndef CSSP_FRONTEND_EVLOOP_H
#define CSSP_FRONTEND_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "admission.h"
#include "steppool.h"

/* What an epoll event points at: the loop's kinds, then the program's. */
enum fe_watch_kind { FE_WATCH_LISTEN, FE_WATCH_SIGNAL, FE_WATCH_STEP, FE_WATCH_OWN };

struct fe_watch {
    int kind;           /* enum fe_watch_kind, or the program's (>= FE_WATCH_OWN) */
    void *ptr;
};

/* What a sweep over the program's connections does to each. */
enum fe_sweep {
    FE_SWEEP_CLOSED,    /* after each batch: free those that are closed */
    FE_SWEEP_ABORT,     /* SIGTERM: end each now (outcome "shutdown"), free later */
    FE_SWEEP_ALL        /* leaving the loop (steps all back): end and free each */
};

/* The program's side; prog is fe_loop.prog, conn one of its connections. */
struct fe_loop_ops {
    /* Admission control let a socket in (the program owns fd now). */
    void (*conn_new)(void *prog, int fd, const struct sockaddr *sa, socklen_t salen);
    /* End a connection now with this outcome (displaced by admission control,
     * shutdown); freed after the batch. */
    void (*conn_abort)(void *conn, const char *outcome);
    /* The step pool handed the connection's engine back. */
    void (*conn_on_step)(void *conn);
    /* An event of a program kind (>= FE_WATCH_OWN). */
    void (*on_event)(void *prog, const struct fe_watch *w, uint32_t events);
    /* Go over every connection (see enum fe_sweep). */
    void (*sweep)(void *prog, enum fe_sweep how);
    /* SIGHUP. */
    void (*reload)(void *prog);
};

struct fe_loop {
    const char *name;               /* message prefix: "credssp-server" */
    void *prog;
    const struct fe_loop_ops *ops;
    int *epfd;                      /* the program's epoll descriptor (made here) */
    struct adm *adm;                /* its admission state (set up here) */
    const struct adm_config *admit;
    struct step_pool **steps;       /* its step pool (made here; NULL: steps inline) */
    unsigned step_threads;          /* 0: no pool */
    const unsigned *active;         /* its count of live connections */
    unsigned long *accepted;        /* its count of accepted ones */
    unsigned long connections;      /* --connections (0: no limit) */
};

/* Serve until --connections are done or a signal stops it; owns listen_fd.  0 ok. */
int fe_loop_run(struct fe_loop *lp, int listen_fd);

#endif /* CSSP_FRONTEND_EVLOOP_H */
