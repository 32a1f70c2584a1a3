/*
 * loop.c - credssp-gateway's side of the shared event loop
 * (examples/common/evloop.c): each client connection has its front socket,
 * its socket toward xrdp and a deadline timer; the RDP protocol lives in
 * session.c and its helpers.
 */
#include "evloop.h"
#include "loop.h"
#include "session.h"

/* The loop's view of the gateway's connections. */
static void
on_conn_new(void *gw, int fd, const struct sockaddr *sa, socklen_t salen)
{
    (void)gw_conn_new(gw, fd, sa, salen);
}

static void
on_conn_abort(void *c, const char *outcome)
{
    gw_conn_abort(c, outcome);
}

static void
on_conn_step(void *c)
{
    gw_conn_on_step(c);
}

/* FE_SWEEP_*: free the closed, abort each, or both (evloop.h). */
static void
sweep(void *prog, enum fe_sweep how)
{
    struct gateway *gw = prog;
    struct gw_conn *next;

    for (struct gw_conn *c = gw->conns; c != NULL; c = next) {
        next = gw_conn_next(c);
        if (how != FE_SWEEP_CLOSED)
            gw_conn_abort(c, "shutdown");
        if (how == FE_SWEEP_ALL || (how == FE_SWEEP_CLOSED && gw_conn_is_closed(c))) {
            gw_conn_free(c);
        }
    }
}

/* SIGHUP. */
static void
reload(void *gw)
{
    (void)gw_reload(gw);
}

/* The client's socket, xrdp's socket, or the deadline. */
static void
on_event(void *gw, const struct fe_watch *w, uint32_t events)
{
    (void)gw;
    switch (w->kind) {
    case GW_WATCH_FRONT:
        gw_conn_on_front(w->ptr, events);
        break;
    case GW_WATCH_BACK:
        gw_conn_on_back(w->ptr, events);
        break;
    case GW_WATCH_TIMER:
        gw_conn_on_timer(w->ptr);
        break;
    }
}

static const struct fe_loop_ops gateway_ops = {
    .conn_new = on_conn_new,
    .conn_abort = on_conn_abort,
    .conn_on_step = on_conn_step,
    .on_event = on_event,
    .sweep = sweep,
    .reload = reload,
};

/* Serve. */
int
gw_loop_run(struct gateway *gw, int listen_fd)
{
    struct fe_loop lp = {
        .name = GW_NAME, .prog = gw, .ops = &gateway_ops,
        .epfd = &gw->epfd, .adm = &gw->adm, .admit = &gw->opt.admit, .steps = &gw->steps,
        .step_threads = gw->opt.step_threads,
        .active = &gw->active, .accepted = &gw->accepted, .connections = gw->opt.connections,
    };

    gw->opt.admit.fds_per_conn = 4;             /* client, timer, xrdp socket, spare */
    return fe_loop_run(&lp, listen_fd);
}
