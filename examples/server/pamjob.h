/*
 * pamjob.h - the PAM login of a delegated credential, off the event loop.
 *
 * After MS-CSSP 3.1.5 delivered the TSCredentials (MS-CSSP 2.2.1.2), the
 * password or PIN goes to a PAM stack with credssp_pam_login()
 * (include/credssp_pam.h).  PAM may block (a KDC, sssd, a hung pam_exec
 * helper), so logins run on a fixed pool of worker threads fed by a bounded
 * queue; each job signals an eventfd that the epoll loop watches, and the
 * loop then sends the Early User Authorization Result (MS-RDPBCGR 2.2.10.2)
 * according to the verdict.  The job is reference counted: a connection
 * that gives up drops its reference and the worker finishes alone, never
 * touching freed memory.  Bounds: --pam-workers threads, --pam-queue waiting
 * jobs, --pam-per-user jobs (queued or running) per account.
 */
#ifndef CSSP_EXAMPLE_PAMJOB_H
#define CSSP_EXAMPLE_PAMJOB_H

#include <stdbool.h>

#include "credssp.h"

struct pam_job;

/* Modes of pam_job_start. */
#define PAM_JOB_SESSION 0x01u  /* whole login: setcred, open + close session */
#define PAM_JOB_HANDOFF 0x02u  /* also hand the credential to pam_credssp through
                                  the keyring (token in CREDSSP_HANDOFF) */

#define PAM_POOL_DEFAULT_WORKERS 4u
#define PAM_POOL_DEFAULT_QUEUE 32u
#define PAM_POOL_DEFAULT_PER_USER 2u
#define PAM_POOL_MAX_WORKERS 64u
#define PAM_POOL_MAX_QUEUE 4096u

/*
 * Configure the worker pool (call once, from the main thread, before the
 * loop).  It blocks SIGTERM / SIGINT in the calling thread (the loop reads
 * them from a signalfd) and installs a handler that forwards them to the
 * loop thread, so the workers can run PAM with every signal unblocked:
 * helpers a module forks (pam_exec) then start with an empty signal mask and
 * can be stopped.  The threads start with the first login, in the process
 * that serves it (so serving processes forked after this call get their own).
 */
credssp_error pam_pool_start(unsigned workers, unsigned queue_max, unsigned per_user);
/*
 * Stop the pool: drop queued jobs (their secrets are wiped now), send
 * SIGTERM to the helpers of running jobs and wait up to grace_ms for the
 * workers.  Workers still stuck in a module after that are left to the
 * process exit.  Returns how many workers were still busy.
 */
unsigned pam_pool_stop(unsigned grace_ms);

/*
 * The local account PAM logs in, looked up on the worker because NSS may
 * block (winbind, sssd): a malloc'd name, or NULL when there is none.
 */
typedef char *(*pam_user_fn)(const void *arg, const credssp_result *result);

/*
 * Queue a login.  Takes ownership of result (from
 * credssp_engine_take_result) on success; on failure the caller keeps it
 * (its strings may still be in a report).  user counts against the
 * account's share; resolve (may be NULL) gives the PAM user on the worker
 * (arg must outlive the pool), else user is it; a job whose resolve says
 * NULL ends with status "no_user".  rhost may be NULL.
 * Without PAM_JOB_SESSION it stops after pam_acct_mgmt.  *efd_out is the
 * eventfd to watch.  CREDSSP_E_TOO_LARGE when the queue or the user's
 * share is full.
 */
credssp_error pam_job_start(credssp_result *result, const char *service, const char *user,
                            pam_user_fn resolve, const void *arg, const char *rhost,
                            unsigned mode, struct pam_job **job_out, int *efd_out);
/*
 * The connection gave up on the job (deadline): a queued job leaves the
 * queue and its credential is wiped now; a running job's helper processes
 * get SIGTERM so the module returns and the worker frees the credential.
 * The caller still drops its reference with pam_job_release.  NULL-safe.
 */
void pam_job_cancel(struct pam_job *job);
/*
 * KRB5CCNAME the stack exported (pam_krb5, pam_credssp krb5) before the
 * session was closed, or NULL.  Valid once the outcome is known.
 */
const char *pam_job_krb5ccname(const struct pam_job *job);
/*
 * After a successful login: the failed step of the session close
 * ("delete_cred:PAM_CRED_ERR", "close_session:PAM_SESSION_ERR"; job-owned),
 * or NULL when the close succeeded.  The verdict is not affected.
 */
const char *pam_job_teardown(const struct pam_job *job);
/* The result the job holds (for the report; valid while the caller holds the job). */
const credssp_result *pam_job_result(const struct pam_job *job);
/*
 * Once the eventfd fired: CREDSSP_OK when the stack accepted, else the error;
 * *status_out = "ok" or "<step>:<PAM code>" (static or job-owned string).
 */
credssp_error pam_job_outcome(struct pam_job *job, const char **status_out);
/* Drop the caller's reference (closes nothing the thread still uses). NULL-safe. */
void pam_job_release(struct pam_job *job);

#endif /* CSSP_EXAMPLE_PAMJOB_H */
