/*
 * steppool.c - the bounded worker pool for blocking engine steps (see
 * steppool.h): a mutex-protected FIFO of waiting jobs, a done list, a
 * condition variable for the workers and an eventfd for the event loop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "steppool.h"
#include "util.h"

struct step_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct step_job *head, *tail;        /* waiting */
    struct step_job *done_head, *done_tail;
    unsigned waiting;
    unsigned queue_cap;
    unsigned pending;                    /* submitted, not yet collected */
    bool stop;
    int efd;
    unsigned n_threads;
    pthread_t threads[];
};

/* Run one job: the step, or the job's own function. */
static void
run_job(struct step_job *job)
{
    if (job->run != NULL)
        job->run(job);
    else
        job->status = credssp_engine_step(job->eng);
}

static void *
worker_main(void *arg)
{
    struct step_pool *p = arg;
    uint64_t one = 1;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        struct step_job *job;

        while (!p->stop && p->head == NULL)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop)
            break;
        job = p->head;
        p->head = job->next;
        if (p->head == NULL)
            p->tail = NULL;
        p->waiting--;
        pthread_mutex_unlock(&p->lock);

        run_job(job);

        pthread_mutex_lock(&p->lock);
        job->next = NULL;
        job->waited_ms = fe_now_ms() - job->queued_ms;
        if (p->done_tail != NULL)
            p->done_tail->next = job;
        else
            p->done_head = job;
        p->done_tail = job;
        if (write(p->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
            fprintf(stderr, "step pool: eventfd: %s\n", strerror(errno));
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int
step_pool_new(unsigned threads, unsigned queue, struct step_pool **out)
{
    struct step_pool *p;
    int ret = -1;

    *out = NULL;
    if (threads == 0 || queue == 0)
        return -1;
    p = calloc(1, sizeof(*p) + threads * sizeof(pthread_t));
    if (p == NULL)
        return -1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->queue_cap = queue;
    p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->efd < 0)
        goto cleanup;
    for (; p->n_threads < threads; p->n_threads++)
        if (pthread_create(&p->threads[p->n_threads], NULL, worker_main, p) != 0)
            goto cleanup;
    *out = p;
    p = NULL;
    ret = 0;
cleanup:
    step_pool_free(p);
    return ret;
}

int
step_pool_fd(const struct step_pool *p)
{
    return p->efd;
}

bool
step_pool_submit(struct step_pool *p, struct step_job *job)
{
    bool ok = false;

    pthread_mutex_lock(&p->lock);
    if (!p->stop && p->waiting < p->queue_cap) {
        job->next = NULL;
        job->queued_ms = fe_now_ms();
        job->waited_ms = 0;
        if (p->tail != NULL)
            p->tail->next = job;
        else
            p->head = job;
        p->tail = job;
        p->waiting++;
        p->pending++;
        pthread_cond_signal(&p->wake);
        ok = true;
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

bool
step_pool_start(struct step_pool *p, struct step_job *job, credssp_engine *eng, void *owner,
                uint64_t now_ms, uint64_t end_ms, unsigned step_ms)
{
    if (step_ms > 0 && now_ms + step_ms < end_ms)
        end_ms = now_ms + step_ms;
    credssp_engine_set_deadline(eng, end_ms);
    job->eng = eng;
    job->run = NULL;
    job->owner = owner;
    return step_pool_submit(p, job);
}

struct step_job *
step_pool_collect(struct step_pool *p)
{
    struct step_job *list;
    uint64_t n;

    (void)read(p->efd, &n, sizeof(n));
    pthread_mutex_lock(&p->lock);
    list = p->done_head;
    p->done_head = p->done_tail = NULL;
    for (struct step_job *j = list; j != NULL; j = j->next)
        p->pending--;
    pthread_mutex_unlock(&p->lock);
    return list;
}

unsigned
step_pool_pending(const struct step_pool *p)
{
    return p->pending;
}

void
step_pool_free(struct step_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->n_threads; i++)
        (void)pthread_join(p->threads[i], NULL);
    if (p->efd >= 0)
        (void)close(p->efd);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
