/*
 * steppool.h - a small bounded pool of threads that run the engine steps
 * that may block (credssp_engine_step: the NTLM lookup, gss_accept_sec_context
 * with winbind / key file / replay cache),
 * shared by credssp-server and credssp-gateway (issue 15).
 *
 * The event loop submits a job that names an engine; from then on the loop
 * must not touch that engine (docs/ENGINE.md, deferred mode).  A worker runs
 * the step and puts the job on a done list; the pool's eventfd (registered in
 * the loop's epoll set) becomes readable and the loop collects the finished
 * jobs, which hands each engine back.  A job may name its own function
 * instead of a step (struct step_job .run).  Fixed threads, fixed queue: a full
 * queue refuses the job at once.  Threads start with step_pool_new(), so a
 * process that forks (--workers) creates its pool after the fork.
 */
#ifndef CSSP_EXAMPLE_STEPPOOL_H
#define CSSP_EXAMPLE_STEPPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "credssp.h"

#define STEP_POOL_THREADS 4u
#define STEP_POOL_MAX_THREADS 64u
#define STEP_POOL_QUEUE 256u
/* After a step's deadline: how long the loop still waits for the back end,
 * so that a late answer becomes errorCode STATUS_NO_LOGON_SERVERS. */
#define STEP_POOL_GRACE_MS 1000u

struct step_pool;

/*
 * One step; embedded in the connection that owns the engine.  With run set,
 * the worker calls run(job) instead of the engine step: other blocking work
 * of a connection (the gateway's account lookup: NSS) under the same bounds.
 */
struct step_job {
    credssp_engine *eng;      /* in: the engine (the worker owns it until collected) */
    void (*run)(struct step_job *job);   /* in: NULL = credssp_engine_step(eng) */
    credssp_status status;    /* out: what credssp_engine_step() returned */
    uint64_t queued_ms;       /* when it was submitted (CLOCK_MONOTONIC) */
    uint64_t waited_ms;       /* out: submit to hand-back */
    void *owner;              /* the connection, for the loop */
    struct step_job *next;    /* pool-private */
};

/* Start `threads` workers with room for `queue` waiting jobs; 0 or -1. */
int step_pool_new(unsigned threads, unsigned queue, struct step_pool **out);
/* The eventfd to watch for EPOLLIN (finished jobs). */
int step_pool_fd(const struct step_pool *p);
/* Queue a job (run as set by the caller); false when the queue is full (the
 * engine stays with the caller). */
bool step_pool_submit(struct step_pool *p, struct step_job *job);
/*
 * Take the finished jobs (after the eventfd was readable): a list linked by
 * ->next, oldest first, or NULL.  Each engine is the caller's again.
 */
struct step_job *step_pool_collect(struct step_pool *p);
/*
 * The front ends' hand-over: give the engine its back-end deadline (the
 * sooner of `end_ms` and now + `step_ms`, step_ms 0 = none), fill the job and
 * submit it.  False when the queue is full.
 */
bool step_pool_start(struct step_pool *p, struct step_job *job, credssp_engine *eng, void *owner,
                     uint64_t now_ms, uint64_t end_ms, unsigned step_ms);
/* Jobs submitted and not yet collected. */
unsigned step_pool_pending(const struct step_pool *p);
/*
 * Let running steps finish, join, free (queued jobs are dropped unrun, so
 * every engine is the caller's again afterwards).  NULL-safe.
 */
void step_pool_free(struct step_pool *p);

#endif /* CSSP_EXAMPLE_STEPPOOL_H */
