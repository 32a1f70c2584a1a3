/*
 * public.c - the PAM service module interface of pam_credssp (all pam_sm_*,
 * Linux-PAM module API): each entry parses the options, logs entry and
 * exit when `debug` is set, calls one function of this module and frees.
 * These six functions are the only symbols the module exports.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "pcssp.h"

#define PCSSP_EXPORT __attribute__((visibility("default")))

/* Parse options and fetch PAM_USER; a PAM code. */
static int
ctx_init(struct pcssp_ctx *ctx, pam_handle_t *pamh, int argc, const char **argv,
         bool need_user)
{
    const char *user = NULL;
    credssp_error err;

    memset(ctx, 0, sizeof(*ctx));
    ctx->pamh = pamh;
    err = pcssp_options_parse(pamh, argc, argv, &ctx->cfg);
    if (err != CREDSSP_OK)
        return PAM_BUF_ERR;
    if (need_user) {
        if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL || user[0] == '\0') {
            pcssp_log(ctx, LOG_ERR, "no user name");
            return PAM_USER_UNKNOWN;
        }
        ctx->user = user;
    }
    return PAM_SUCCESS;
}

/* Log the exit code (debug) and free the context. */
static int
ctx_done(struct pcssp_ctx *ctx, const char *fn, int rc)
{
    pcssp_debug(ctx, "%s: exit %s", fn, pam_strerror(ctx->pamh, rc));
    pcssp_options_free(&ctx->cfg);
    return rc;
}

/* auth: claim the hand-off, check identity, set PAM_AUTHTOK. */
PCSSP_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct pcssp_ctx ctx;
    int rc;

    (void)flags;
    rc = ctx_init(&ctx, pamh, argc, argv, true);
    if (rc == PAM_SUCCESS)
        rc = pcssp_authenticate(&ctx);
    return ctx_done(&ctx, __func__, rc);
}

/* auth: NT-hash enrolment (option enroll), ticket cache (option krb5) or its destruction. */
PCSSP_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct pcssp_ctx ctx;
    int rc;

    rc = ctx_init(&ctx, pamh, argc, argv, true);
    if (rc == PAM_SUCCESS)
        rc = pcssp_setcred(&ctx, flags);
    return ctx_done(&ctx, __func__, rc);
}

/* account: not ours. */
PCSSP_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_IGNORE;     /* accounts are the business of other modules */
}

/* session open: nothing to do. */
PCSSP_EXPORT int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_IGNORE;
}

/* session close: destroy the ticket cache (option destroy). */
PCSSP_EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct pcssp_ctx ctx;
    int rc;

    (void)flags;
    rc = ctx_init(&ctx, pamh, argc, argv, false);
    if (rc == PAM_SUCCESS)
        rc = pcssp_close_session(&ctx);
    return ctx_done(&ctx, __func__, rc);
}

/* password: enrol the NT hash of the new password (enroll.c). */
PCSSP_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct pcssp_ctx ctx;
    int rc;

    rc = ctx_init(&ctx, pamh, argc, argv, true);
    if (rc == PAM_SUCCESS)
        rc = pcssp_chauthtok(&ctx, flags);
    return ctx_done(&ctx, __func__, rc);
}
