/*
 * pamjob.c - PAM logins on a bounded worker pool for credssp-server.
 *
 * The delegated credential of MS-CSSP 2.2.1.2 is handed to
 * credssp_pam_login() (include/credssp_pam.h), which answers the stack's
 * password / PIN prompts from the result.  A fixed number of worker threads
 * take jobs from a FIFO queue of bounded length; an account may hold only a
 * few jobs (queued or running), so one user whose stack hangs cannot starve
 * the others.  A job reports through an eventfd (eventfd(2)) watched by the
 * epoll loop.  References (loop, queue or worker) keep the job alive; the
 * last one frees the result (wiping the secret) and closes the eventfd.
 * Workers run PAM with every signal unblocked (pthread_sigmask(3)), so the
 * helpers a module forks can be stopped; SIGTERM / SIGINT that land on a
 * worker are forwarded to the loop thread, whose signalfd reads them.
 * Helpers of a cancelled job get SIGTERM through a pidfd (pidfd_open(2)),
 * found in /proc/self/task/TID/children (proc(5)).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "pamhelpers.h"
#include "pamjob.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct pam_job {
    atomic_int refs;
    atomic_int done;         /* release-store after err / status are written */
    int efd;
    credssp_result *result;
    char *service;
    char *user;
    char *rhost;
    pam_user_fn resolve;     /* the PAM user, looked up on the worker, or NULL */
    const void *resolve_arg;
    unsigned flags;
    struct pam_job *next;    /* queue link (pool lock) */
    enum job_state state;    /* pool lock */
    bool cancelled;          /* pool lock: its helpers are to be stopped */
    pid_t worker_tid;        /* pool lock: the thread running it */
    /* written by the worker before it signals the eventfd */
    credssp_error err;
    char status[64];
    char teardown[64];       /* "<step>:<PAM code name>" of a failed close, or "" */
    char *krb5ccname;        /* exported by the stack, kept for the report */
};

/* One process-wide pool (the server has one loop thread). */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* a job was queued, or stop */
    pthread_cond_t idle;       /* a worker finished a job or exited */
    bool started;              /* configured (pam_pool_start) */
    bool stopping;
    unsigned workers;          /* threads to run (--pam-workers) */
    unsigned spawned;          /* threads created in this process */
    unsigned alive;            /* worker threads not yet exited */
    unsigned busy;             /* workers inside a job */
    unsigned queue_max;
    unsigned per_user;
    unsigned queued;
    struct pam_job *head, *tail;
    struct pam_job *running[PAM_POOL_MAX_WORKERS];
    pthread_t threads[PAM_POOL_MAX_WORKERS];
    pthread_t loop_thread;
    pid_t owner_pid;           /* the process whose threads these are; 0 = none yet */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
           .idle = PTHREAD_COND_INITIALIZER };

/* Drop one reference; the last one frees everything. */
void
pam_job_release(struct pam_job *job)
{
    if (job == NULL)
        return;
    if (atomic_fetch_sub(&job->refs, 1) != 1)
        return;
    credssp_result_free(job->result);
    free(job->service);
    free(job->user);
    free(job->rhost);
    free(job->krb5ccname);
    if (job->efd >= 0)
        (void)close(job->efd);
    free(job);
}

/* Record the verdict and wake the loop (called once per job). */
static void
job_finish(struct pam_job *job, credssp_error err, const char *status)
{
    uint64_t one = 1;

    job->err = err;
    (void)snprintf(job->status, sizeof(job->status), "%s", status);
    atomic_store_explicit(&job->done, 1, memory_order_release);
    if (write(job->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
        fprintf(stderr, "credssp-server: PAM job could not signal the loop\n");
}

/* The name of a PAM return code a session close may give, or NULL. */
static const char *
pam_code_name(int code)
{
    static const struct { int code; const char *name; } names[] = {
        { PAM_CRED_ERR, "PAM_CRED_ERR" },         { PAM_CRED_UNAVAIL, "PAM_CRED_UNAVAIL" },
        { PAM_CRED_EXPIRED, "PAM_CRED_EXPIRED" }, { PAM_SESSION_ERR, "PAM_SESSION_ERR" },
        { PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },     { PAM_BUF_ERR, "PAM_BUF_ERR" },
        { PAM_PERM_DENIED, "PAM_PERM_DENIED" },   { PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
        { PAM_ABORT, "PAM_ABORT" },               { PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == code)
            return names[i].name;
    return NULL;
}

/*
 * The login steps succeeded: close the session and delete the credentials.
 * The verdict is already made; a failing clean-up is only reported.
 */
static void
job_close(struct pam_job *job, credssp_pam_session *session)
{
    int code;
    char num[16];

    if (credssp_pam_session_close(session) == CREDSSP_OK)
        return;
    code = credssp_pam_session_pam_code(session);
    (void)snprintf(num, sizeof(num), "%d", code);
    (void)snprintf(job->teardown, sizeof(job->teardown), "%s:%s",
                   credssp_pam_step_name(credssp_pam_session_step(session)),
                   pam_code_name(code) != NULL ? pam_code_name(code) : num);
}

/*
 * The PAM user from job->resolve (NSS, may block; worker thread), replacing
 * the share name under the pool lock.  "" = go on, else the status to end with.
 */
static const char *
job_resolve_user(struct pam_job *job)
{
    char *name = job->resolve != NULL ? job->resolve(job->resolve_arg, job->result) : NULL;
    char *old = name;
    bool cancelled;

    if (job->resolve == NULL)
        return "";
    (void)pthread_mutex_lock(&pool.lock);
    cancelled = job->cancelled;                 /* the connection gave up meanwhile */
    if (name != NULL) {
        old = job->user;
        job->user = name;
    }
    (void)pthread_mutex_unlock(&pool.lock);
    free(old);
    return name == NULL ? "no_user" : cancelled ? "timeout" : "";
}

/* Run one PAM transaction (worker thread, pool lock not held). */
static void
job_run(struct pam_job *job)
{
    credssp_pam_session *session = NULL;
    credssp_error err;
    char status[64];
    const char *stop = job_resolve_user(job);

    if (stop[0] != '\0') {
        job_finish(job,
                   strcmp(stop, "timeout") == 0 ? CREDSSP_E_TIMEOUT : CREDSSP_E_IDENTITY_MISMATCH,
                   stop);
        return;
    }
    err = credssp_pam_login(job->result, job->service, job->user, job->rhost, job->flags,
                            &session);
    if (err == CREDSSP_OK && credssp_pam_session_handle(session) != NULL) {
        const char *cc = pam_getenv(credssp_pam_session_handle(session), "KRB5CCNAME");

        if (cc != NULL)
            job->krb5ccname = strdup(cc);
        job_close(job, session);
    }
    if (err == CREDSSP_OK)
        (void)snprintf(status, sizeof(status), "%s", "ok");
    else if (session != NULL)
        (void)snprintf(status, sizeof(status), "%s:%d",
                       credssp_pam_step_name(credssp_pam_session_step(session)),
                       credssp_pam_session_pam_code(session));
    else
        (void)snprintf(status, sizeof(status), "%s", credssp_error_name(err));
    credssp_pam_session_free(session);
    job_finish(job, err, status);
}

/* Remove a job from anywhere in the queue (pool lock held); false if absent. */
static bool
queue_remove(struct pam_job *job)
{
    struct pam_job *prev = NULL;

    for (struct pam_job *j = pool.head; j != NULL; prev = j, j = j->next) {
        if (j != job)
            continue;
        if (prev != NULL)
            prev->next = j->next;
        else
            pool.head = j->next;
        if (pool.tail == j)
            pool.tail = prev;
        j->next = NULL;
        pool.queued--;
        return true;
    }
    return false;
}

/* Take the oldest job off the queue (pool lock held); NULL when empty. */
static struct pam_job *
queue_pop(void)
{
    struct pam_job *job = pool.head;

    if (job != NULL)
        (void)queue_remove(job);
    return job;
}

/* A worker: take jobs until the pool stops. */
static void *
pam_worker(void *arg)
{
    size_t slot = (size_t)(uintptr_t)arg;
    sigset_t none;

    /* Helpers forked by a module inherit this mask across exec. */
    sigemptyset(&none);
    (void)pthread_sigmask(SIG_SETMASK, &none, NULL);
    (void)pthread_mutex_lock(&pool.lock);
    for (;;) {
        struct pam_job *job;

        while (!pool.stopping && pool.head == NULL)
            (void)pthread_cond_wait(&pool.wake, &pool.lock);
        if (pool.stopping)
            break;
        job = queue_pop();
        job->state = JOB_RUNNING;
        job->worker_tid = gettid();
        pool.running[slot] = job;
        pool.busy++;
        (void)pthread_mutex_unlock(&pool.lock);

        job_run(job);

        (void)pthread_mutex_lock(&pool.lock);
        job->state = JOB_DONE;
        pool.running[slot] = NULL;
        pool.busy--;
        (void)pthread_mutex_unlock(&pool.lock);
        pam_job_release(job);                   /* the worker's reference */
        (void)pthread_mutex_lock(&pool.lock);
        (void)pthread_cond_broadcast(&pool.idle);
    }
    pool.alive--;
    (void)pthread_cond_broadcast(&pool.idle);
    (void)pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* SIGTERM / SIGINT delivered to a worker: hand it to the loop thread. */
static void
forward_signal(int sig)
{
    int saved = errno;

    if (getpid() != pool.owner_pid) {           /* a forked helper before its exec */
        (void)signal(sig, SIG_DFL);
        (void)raise(sig);
    } else {
        (void)pthread_kill(pool.loop_thread, sig);
    }
    errno = saved;
}

/* Configure the pool; the threads start with the first login (spawn_here). */
credssp_error
pam_pool_start(unsigned workers, unsigned queue_max, unsigned per_user)
{
    struct sigaction sa;
    sigset_t mask;

    if (pool.started || workers == 0 || workers > PAM_POOL_MAX_WORKERS || per_user == 0)
        return CREDSSP_E_INVALID_ARG;
    pool.workers = workers;
    pool.queue_max = queue_max;
    pool.per_user = per_user;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0)
        return CREDSSP_E_INTERNAL;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward_signal;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return CREDSSP_E_INTERNAL;
    pool.started = true;
    return CREDSSP_OK;
}

/*
 * This process is a fork of one whose pool had threads (they did not come
 * along, fork(2)): forget their state, including a lock one of them held.
 * Its queued jobs stay with the parent (their references leak here).
 */
static void
reset_after_fork(void)
{
    (void)pthread_mutex_init(&pool.lock, NULL);
    (void)pthread_cond_init(&pool.wake, NULL);
    (void)pthread_cond_init(&pool.idle, NULL);
    pool.head = pool.tail = NULL;
    pool.queued = pool.busy = pool.alive = pool.spawned = 0;
    pool.stopping = false;
    memset(pool.running, 0, sizeof(pool.running));
    pool.owner_pid = 0;
}

/*
 * Create the worker threads in this process (pool lock held, loop thread).
 * Lazily, at the first login, so that a server that forks its serving
 * processes after set-up gets a pool in each of them.
 */
static credssp_error
spawn_here(void)
{
    pool.owner_pid = getpid();
    pool.loop_thread = pthread_self();
    for (unsigned i = 0; i < pool.workers; i++) {
        if (pthread_create(&pool.threads[i], NULL, pam_worker, (void *)(uintptr_t)i) != 0)
            break;
        pool.spawned++;
        pool.alive++;
    }
    return pool.spawned > 0 ? CREDSSP_OK : CREDSSP_E_IO;
}

/*
 * SIGTERM to the helpers of every cancelled job still on a worker (pool
 * lock held).  Repeated, because a module may fork its helper only after
 * the job was cancelled.
 */
static void
sweep_cancelled(void)
{
    for (unsigned i = 0; i < pool.spawned; i++)
        if (pool.running[i] != NULL && pool.running[i]->cancelled)
            pam_helpers_stop(pool.running[i]->worker_tid);
}

/* t += ms (CLOCK_REALTIME, for pthread_cond_timedwait). */
static void
ts_add_ms(struct timespec *t, unsigned ms)
{
    t->tv_sec += (time_t)(ms / 1000u);
    t->tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/* a later than or equal to b? */
static bool
ts_reached(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

/* Stop the pool. */
unsigned
pam_pool_stop(unsigned grace_ms)
{
    struct timespec until;
    struct pam_job *job;
    unsigned left;

    if (!pool.started || pool.owner_pid != getpid())
        return 0;                               /* no threads in this process */
    (void)clock_gettime(CLOCK_REALTIME, &until);
    ts_add_ms(&until, grace_ms);
    (void)pthread_mutex_lock(&pool.lock);
    pool.stopping = true;
    while ((job = queue_pop()) != NULL) {
        job->state = JOB_DONE;
        job_finish(job, CREDSSP_E_CLOSED, "shutdown");
        pam_job_release(job);                   /* the queue's reference: wipes */
    }
    for (unsigned i = 0; i < pool.spawned; i++)
        if (pool.running[i] != NULL)
            pool.running[i]->cancelled = true;
    (void)pthread_cond_broadcast(&pool.wake);
    while (pool.alive > 0) {                    /* sweep every 100 ms until the grace ends */
        struct timespec now, step;

        sweep_cancelled();
        (void)clock_gettime(CLOCK_REALTIME, &now);
        if (ts_reached(&now, &until))
            break;
        step = now;
        ts_add_ms(&step, 100);
        if (ts_reached(&step, &until))
            step = until;
        (void)pthread_cond_timedwait(&pool.idle, &pool.lock, &step);
    }
    left = pool.alive;
    (void)pthread_mutex_unlock(&pool.lock);
    if (left == 0)
        for (unsigned i = 0; i < pool.spawned; i++)
            (void)pthread_join(pool.threads[i], NULL);
    return left;
}

/* Jobs of this account in the queue or on a worker (pool lock held). */
static unsigned
user_load(const char *user)
{
    unsigned n = 0;

    for (const struct pam_job *j = pool.head; j != NULL; j = j->next)
        n += strcasecmp(j->user, user) == 0;
    for (unsigned i = 0; i < pool.spawned; i++)
        n += pool.running[i] != NULL && strcasecmp(pool.running[i]->user, user) == 0;
    return n;
}

/* Duplicate a string or keep NULL; false on allocation failure. */
static bool
dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return true;
    *out = strdup(s);
    return *out != NULL;
}

/* Queue a login. */
credssp_error
pam_job_start(credssp_result *result, const char *service, const char *user,
              pam_user_fn resolve, const void *arg, const char *rhost, unsigned mode,
              struct pam_job **job_out, int *efd_out)
{
    struct pam_job *job = NULL;
    credssp_error ret = CREDSSP_E_NOMEM;

    *job_out = NULL;
    *efd_out = -1;
    job = calloc(1, sizeof(*job));
    if (job == NULL)
        return CREDSSP_E_NOMEM;
    atomic_init(&job->refs, 1);
    atomic_init(&job->done, 0);
    job->efd = -1;
    job->resolve = resolve;
    job->resolve_arg = arg;
    /* A full login stays open until the worker has read the PAM environment. */
    job->flags = CREDSSP_PAM_LOGIN_SILENT |
                 ((mode & PAM_JOB_SESSION) ? 0 : CREDSSP_PAM_LOGIN_AUTH_ONLY) |
                 ((mode & PAM_JOB_HANDOFF) ? CREDSSP_PAM_LOGIN_HANDOFF : 0);
    if (user == NULL || !dup_opt(service, &job->service) || !dup_opt(user, &job->user) ||
        !dup_opt(rhost, &job->rhost))
        goto cleanup;
    ret = CREDSSP_E_IO;
    job->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (job->efd < 0)
        goto cleanup;
    ret = CREDSSP_E_STATE;
    if (pool.started && pool.owner_pid != 0 && pool.owner_pid != getpid())
        reset_after_fork();
    (void)pthread_mutex_lock(&pool.lock);
    if (pool.started && !pool.stopping)
        ret = pool.owner_pid == getpid() ? CREDSSP_OK : spawn_here();
    if (ret == CREDSSP_OK)
        sweep_cancelled();                      /* helpers forked after a cancel */
    if (ret == CREDSSP_OK) {
        ret = CREDSSP_E_TOO_LARGE;
        if (pool.queued < pool.queue_max + (pool.spawned - pool.busy) &&
            user_load(job->user) < pool.per_user) {
            atomic_fetch_add(&job->refs, 1);    /* the queue's (then the worker's) */
            job->result = result;
            job->state = JOB_QUEUED;
            if (pool.tail != NULL)
                pool.tail->next = job;
            else
                pool.head = job;
            pool.tail = job;
            pool.queued++;
            (void)pthread_cond_signal(&pool.wake);
            ret = CREDSSP_OK;
        }
    }
    (void)pthread_mutex_unlock(&pool.lock);
    if (ret != CREDSSP_OK)
        goto cleanup;
    *efd_out = job->efd;
    *job_out = job;
    job = NULL;
cleanup:
    pam_job_release(job);
    return ret;
}

/* The connection gave up on the job. */
void
pam_job_cancel(struct pam_job *job)
{
    bool dequeued = false;

    if (job == NULL)
        return;
    (void)pthread_mutex_lock(&pool.lock);
    if (job->state == JOB_QUEUED && queue_remove(job)) {
        job->state = JOB_DONE;
        dequeued = true;
    } else if (job->state == JOB_RUNNING) {
        job->cancelled = true;
        pam_helpers_stop(job->worker_tid);
    }
    (void)pthread_mutex_unlock(&pool.lock);
    if (dequeued) {
        job_finish(job, CREDSSP_E_TIMEOUT, "timeout");
        pam_job_release(job);                   /* the queue's reference */
    }
}

/* The result held by the job. */
const credssp_result *
pam_job_result(const struct pam_job *job)
{
    return job->result;
}

/* Verdict after the eventfd fired. */
credssp_error
pam_job_outcome(struct pam_job *job, const char **status_out)
{
    uint64_t v;

    if (read(job->efd, &v, sizeof(v)) < 0) {
        /* nothing to drain: fine, the done flag decides */
    }
    if (atomic_load_explicit(&job->done, memory_order_acquire) == 0) {
        *status_out = "pending";
        return CREDSSP_E_STATE;
    }
    *status_out = job->status;
    return job->err;
}

const char *
pam_job_teardown(const struct pam_job *job)
{
    if (job == NULL || !atomic_load_explicit(&job->done, memory_order_acquire) ||
        job->teardown[0] == '\0')
        return NULL;
    return job->teardown;
}

const char *
pam_job_krb5ccname(const struct pam_job *job)
{
    if (job == NULL || !atomic_load_explicit(&job->done, memory_order_acquire))
        return NULL;
    return job->krb5ccname;
}
