/*
 * setcred.c - pam_sm_setcred and pam_sm_close_session's work (options krb5
 * and enroll; the enrolment itself is in enroll.c).
 *
 * PAM_ESTABLISH_CRED / PAM_REINITIALIZE_CRED: take the password auth kept
 * in PAM data (PCSSP_DATA_CRED), get a keytab-verified TGT (krb5.c) into a
 * ccache owned by the user, export KRB5CCNAME; the kept password is wiped
 * whatever happens.  PAM_DELETE_CRED and close_session with option
 * `destroy`: destroy that ccache.  Nothing to do: PAM_IGNORE.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pcssp.h"

/* PAM data cleanup for the ccache name. */
static void
ccname_cleanup(pam_handle_t *pamh, void *data, int status)
{
    (void)pamh;
    (void)status;
    free(data);
}

/* Export KRB5CCNAME=ccname and remember ccname for destroy. */
static int
publish_ccache(struct pcssp_ctx *ctx, char *ccname)
{
    char *env = NULL;
    int rc;

    if (asprintf(&env, "KRB5CCNAME=%s", ccname) < 0) {
        free(ccname);
        return PAM_BUF_ERR;
    }
    rc = pam_putenv(ctx->pamh, env);
    free(env);
    if (rc != PAM_SUCCESS) {
        pcssp_krb5_destroy(ctx, ccname);
        free(ccname);
        return rc;
    }
    rc = pam_set_data(ctx->pamh, PCSSP_DATA_CCACHE, ccname, ccname_cleanup);
    if (rc != PAM_SUCCESS)
        free(ccname);
    return rc;
}

/* Get the ticket cache with the kept password. */
static int
establish(struct pcssp_ctx *ctx)
{
    const void *data = NULL;
    const struct pcssp_cred *c;
    struct passwd pwbuf, *pw = NULL;
    char pwstore[4096];
    char *ccname = NULL;
    char b_user[128];
    credssp_error err;
    int ret;

    if (pam_get_data(ctx->pamh, PCSSP_DATA_CRED, &data) != PAM_SUCCESS || data == NULL) {
        pcssp_debug(ctx, "setcred: no password kept by auth, nothing to do");
        return PAM_IGNORE;
    }
    c = data;
    if (getpwnam_r(ctx->user, &pwbuf, pwstore, sizeof(pwstore), &pw) != 0 || pw == NULL) {
        pcssp_log(ctx, LOG_ERR, "setcred: no passwd entry for %s",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        ret = PAM_USER_UNKNOWN;
        goto cleanup;
    }
    err = pcssp_krb5_get_tgt(ctx, c->principal, c->password, pw->pw_uid, pw->pw_gid, &ccname);
    if (err != CREDSSP_OK) {
        pcssp_log(ctx, LOG_ERR, "user=%s krb5=failed error=%s",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)), credssp_error_name(err));
        ret = pcssp_pam_code(err, PCSSP_PHASE_SETCRED);
        goto cleanup;
    }
    pcssp_log(ctx, LOG_NOTICE, "user=%s krb5=ticket ccache=%s",
              pcssp_printable(ctx->user, b_user, sizeof(b_user)), ccname);
    ret = publish_ccache(ctx, ccname);

cleanup:
    /* The password is needed no longer: the cleanup wipes it. */
    (void)pam_set_data(ctx->pamh, PCSSP_DATA_CRED, NULL, NULL);
    return ret;
}

/* Destroy our ccache if option destroy is set. */
static int
destroy(struct pcssp_ctx *ctx)
{
    const void *data = NULL;

    if (!ctx->cfg.destroy)
        return PAM_IGNORE;
    if (pam_get_data(ctx->pamh, PCSSP_DATA_CCACHE, &data) != PAM_SUCCESS || data == NULL)
        return PAM_IGNORE;
    pcssp_krb5_destroy(ctx, data);
    if (pam_getenv(ctx->pamh, "KRB5CCNAME") != NULL)
        (void)pam_putenv(ctx->pamh, "KRB5CCNAME");
    (void)pam_set_data(ctx->pamh, PCSSP_DATA_CCACHE, NULL, NULL);
    return PAM_SUCCESS;
}

/* pam_sm_setcred's work: enrolment (enroll.c), then the ticket cache. */
int
pcssp_setcred(struct pcssp_ctx *ctx, int flags)
{
    int enrolled, krb;

    if (flags & PAM_DELETE_CRED)
        return destroy(ctx);
    if (!(flags & (PAM_ESTABLISH_CRED | PAM_REINITIALIZE_CRED))) {
        /* Never keep the password (or its hash) longer than needed. */
        (void)pam_set_data(ctx->pamh, PCSSP_DATA_CRED, NULL, NULL);
        (void)pam_set_data(ctx->pamh, PCSSP_DATA_ENROLL, NULL, NULL);
        return PAM_IGNORE;
    }
    enrolled = pcssp_enroll_commit(ctx);
    if (!ctx->cfg.krb5) {
        (void)pam_set_data(ctx->pamh, PCSSP_DATA_CRED, NULL, NULL);
        return enrolled;
    }
    krb = establish(ctx);
    if (krb != PAM_SUCCESS && krb != PAM_IGNORE)
        return krb;
    return enrolled != PAM_IGNORE ? enrolled : krb;
}

/* pam_sm_close_session's work. */
int
pcssp_close_session(struct pcssp_ctx *ctx)
{
    return destroy(ctx);
}
