/*
 * pamjob.h - the PAM login of a delegated credential, off the event loop.
 *
 * After MS-CSSP 3.1.5 delivered the TSCredentials (MS-CSSP 2.2.1.2), the
 * password or PIN goes to a PAM stack with credssp_pam_login()
 * (include/credssp_pam.h).  PAM may block (a KDC, sssd), so each login runs
 * on its own detached thread and signals an eventfd that the epoll loop
 * watches; the loop then sends the Early User Authorization Result
 * (MS-RDPBCGR 2.2.10.2) according to the verdict.  The job is reference
 * counted: a connection that times out drops its reference and the thread
 * finishes alone, never touching freed memory.
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

/*
 * Start a login on a worker thread.  Takes ownership of result (from
 * credssp_engine_take_result) even on failure.  rhost may be NULL.
 * Without PAM_JOB_SESSION it stops after pam_acct_mgmt.  *efd_out is the
 * eventfd to watch.
 */
credssp_error pam_job_start(credssp_result *result, const char *service, const char *user,
                            const char *rhost, unsigned mode, struct pam_job **job_out,
                            int *efd_out);
/*
 * KRB5CCNAME the stack exported (pam_krb5, pam_credssp krb5) before the
 * session was closed, or NULL.  Valid once the outcome is known.
 */
const char *pam_job_krb5ccname(const struct pam_job *job);
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
