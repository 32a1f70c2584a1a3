/*
 * pamjob.c - PAM logins on worker threads for credssp-server.
 *
 * The delegated credential of MS-CSSP 2.2.1.2 is handed to
 * credssp_pam_login() (include/credssp_pam.h), which answers the stack's
 * password / PIN prompts from the result.  One detached thread per login; it
 * reports through an eventfd (eventfd(2)) watched by the epoll loop.  Two
 * references (loop, thread) keep the job alive; the last one frees the
 * result (wiping the secret) and closes the eventfd.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "pamjob.h"

struct pam_job {
    atomic_int refs;
    atomic_int done;         /* release-store after err / status are written */
    int efd;
    credssp_result *result;
    char *service;
    char *user;
    char *rhost;
    unsigned flags;
    /* written by the thread before it signals the eventfd */
    credssp_error err;
    char status[64];
    char *krb5ccname;        /* exported by the stack, kept for the report */
};

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

/* The worker: run the PAM transaction, record the verdict, signal. */
static void *
pam_worker(void *arg)
{
    struct pam_job *job = arg;
    credssp_pam_session *session = NULL;
    uint64_t one = 1;

    job->err = credssp_pam_login(job->result, job->service, job->user, job->rhost,
                                 job->flags, &session);
    if (job->err == CREDSSP_OK && credssp_pam_session_handle(session) != NULL) {
        const char *cc = pam_getenv(credssp_pam_session_handle(session), "KRB5CCNAME");

        if (cc != NULL)
            job->krb5ccname = strdup(cc);
        job->err = credssp_pam_session_close(session);
    }
    if (job->err == CREDSSP_OK) {
        (void)snprintf(job->status, sizeof(job->status), "%s", "ok");
    } else if (session != NULL) {
        (void)snprintf(job->status, sizeof(job->status), "%s:%d",
                       credssp_pam_step_name(credssp_pam_session_step(session)),
                       credssp_pam_session_pam_code(session));
    } else {
        (void)snprintf(job->status, sizeof(job->status), "%s", credssp_error_name(job->err));
    }
    credssp_pam_session_free(session);
    atomic_store_explicit(&job->done, 1, memory_order_release);
    if (write(job->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
        fprintf(stderr, "credssp-server: PAM worker could not signal the loop\n");
    pam_job_release(job);
    return NULL;
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

/* Start a login. */
credssp_error
pam_job_start(credssp_result *result, const char *service, const char *user, const char *rhost,
              unsigned mode, struct pam_job **job_out, int *efd_out)
{
    struct pam_job *job = NULL;
    pthread_attr_t attr;
    pthread_t tid;
    credssp_error ret = CREDSSP_E_NOMEM;

    *job_out = NULL;
    *efd_out = -1;
    job = calloc(1, sizeof(*job));
    if (job == NULL) {
        credssp_result_free(result);
        return CREDSSP_E_NOMEM;
    }
    atomic_init(&job->refs, 1);
    atomic_init(&job->done, 0);
    job->result = result;
    job->efd = -1;
    /* A full login stays open until the worker has read the PAM environment. */
    job->flags = CREDSSP_PAM_LOGIN_SILENT |
                 ((mode & PAM_JOB_SESSION) ? 0 : CREDSSP_PAM_LOGIN_AUTH_ONLY) |
                 ((mode & PAM_JOB_HANDOFF) ? CREDSSP_PAM_LOGIN_HANDOFF : 0);
    if (!dup_opt(service, &job->service) || !dup_opt(user, &job->user) ||
        !dup_opt(rhost, &job->rhost))
        goto cleanup;
    ret = CREDSSP_E_IO;
    job->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (job->efd < 0 || pthread_attr_init(&attr) != 0)
        goto cleanup;
    (void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_fetch_add(&job->refs, 1);            /* the thread's reference */
    if (pthread_create(&tid, &attr, pam_worker, job) != 0) {
        atomic_fetch_sub(&job->refs, 1);
        (void)pthread_attr_destroy(&attr);
        goto cleanup;
    }
    (void)pthread_attr_destroy(&attr);
    *efd_out = job->efd;
    *job_out = job;
    job = NULL;
    ret = CREDSSP_OK;
cleanup:
    pam_job_release(job);
    return ret;
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
pam_job_krb5ccname(const struct pam_job *job)
{
    if (job == NULL || !atomic_load_explicit(&job->done, memory_order_acquire))
        return NULL;
    return job->krb5ccname;
}
