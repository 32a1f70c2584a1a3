/*
 * auth.c - pam_sm_authenticate's work: find the hand-off token, claim the
 * credential once, check that it belongs to PAM_USER, set PAM_AUTHTOK.
 *
 * The token comes from the PAM environment (CREDSSP_HANDOFF, removed at
 * once so it never reaches the session's environment) or from PAM data
 * CREDSSP_HANDOFF_DATA set by an earlier module.  No token: PAM_IGNORE.
 * The module vouches for nothing it did not verify: it returns PAM_IGNORE
 * after setting PAM_AUTHTOK (the stack verifies the password), and
 * PAM_SUCCESS only with option `trust`, for the identity CredSSP itself
 * authenticated.  A mismatch is always PAM_AUTH_ERR.  With option `krb5`
 * the password is kept for setcred in PAM data whose cleanup wipes it.
 *
 * A smart-card hand-off (MS-CSSP 2.2.1.2.2) sets PAM_AUTHTOK to the PIN for
 * the smart-card module after us (pam_p11, pam_pkcs11) and exports the CSP
 * details as CREDSSP_SC_* (credssp_pam_export_env).  Restricted Admin and
 * Remote Guard hand-offs carry no secret: only `trust` logs them in.
 * With option `enroll` the NT hash of PAM_AUTHTOK (a forwarded password, or
 * the one the modules before us verified) is kept for setcred (enroll.c);
 * never the hash of a PIN, and never a password this module vouched for
 * with `trust` (nothing verified it).
 *
 * In a setuid program (real and effective ids differ: su, sudo) nothing is
 * claimed unless option allow_setuid says so: the caller controls its
 * keyrings, its environment and the password it types.  The library's owner
 * check (acceptor/handoff/handoff.c) refuses records the caller sealed in any case.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <security/pam_ext.h>

#include "pcssp.h"

/* Wipe and free a struct pcssp_cred (PAM data cleanup). */
static void
cred_cleanup(pam_handle_t *pamh, void *data, int status)
{
    struct pcssp_cred *c = data;

    (void)pamh;
    (void)status;
    if (c == NULL)
        return;
    credssp_secret_free(c->password);
    free(c->principal);
    OPENSSL_cleanse(c, sizeof(*c));
    free(c);
}

/*
 * Option authtok (credssp-gateway --mode token, docs/XRDP.md): the token
 * arrives as the password, because xrdp-sesman answers every echo-off prompt
 * with the Client Info password the gateway set to the token.  Only a value
 * of exactly the token's shape (64 lower-case hex digits) is taken; anything
 * else is a password a person typed and stays PAM_AUTHTOK for the next module.
 */
static bool
take_authtok(struct pcssp_ctx *ctx, char *buf, size_t cap)
{
    const char *tok = NULL;

    if (!ctx->cfg.authtok || cap <= CREDSSP_HANDOFF_TOKEN_LEN)
        return false;
    if (pam_get_authtok(ctx->pamh, PAM_AUTHTOK, &tok, NULL) != PAM_SUCCESS || tok == NULL)
        return false;
    if (strlen(tok) != CREDSSP_HANDOFF_TOKEN_LEN ||
        strspn(tok, "0123456789abcdef") != CREDSSP_HANDOFF_TOKEN_LEN)
        return false;
    memcpy(buf, tok, CREDSSP_HANDOFF_TOKEN_LEN + 1);
    return true;
}

/* Copy the token into buf (and drop it from the PAM env); false when none. */
static bool
take_token(struct pcssp_ctx *ctx, char *buf, size_t cap)
{
    const char *tok = pam_getenv(ctx->pamh, CREDSSP_HANDOFF_ENV);
    const void *data = NULL;

    if (tok == NULL &&
        pam_get_data(ctx->pamh, CREDSSP_HANDOFF_DATA, &data) == PAM_SUCCESS && data != NULL)
        tok = data;
    if (tok == NULL || tok[0] == '\0')
        return false;
    if (strlen(tok) >= cap) {
        buf[0] = '\0';          /* malformed: the claim will refuse it */
    } else {
        memcpy(buf, tok, strlen(tok) + 1);
    }
    (void)pam_putenv(ctx->pamh, CREDSSP_HANDOFF_ENV);
    return true;
}

/* Keep principal and password for pam_sm_setcred (option krb5). */
static credssp_error
stash_for_setcred(struct pcssp_ctx *ctx, const credssp_result *r)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct pcssp_cred *c = NULL;
    const credssp_secret *pw = credssp_result_secret(r);

    if (pw == NULL || credssp_secret_get_kind(pw) != CREDSSP_SECRET_PASSWORD ||
        credssp_secret_len(pw) == 0)
        return CREDSSP_OK;      /* nothing to get a ticket with */
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return CREDSSP_E_NOMEM;
    ret = pcssp_krb5_principal(&ctx->cfg, r, ctx->user, &c->principal);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = credssp_secret_dup(pw, &c->password);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (pam_set_data(ctx->pamh, PCSSP_DATA_CRED, c, cred_cleanup) != PAM_SUCCESS) {
        ret = CREDSSP_E_INTERNAL;
        goto cleanup;
    }
    c = NULL;
    ret = CREDSSP_OK;

cleanup:
    cred_cleanup(ctx->pamh, c, 0);
    return ret;
}

/* One audit line: who, from where, how, outcome. */
static void
audit(const struct pcssp_ctx *ctx, const credssp_result *r, int prio, const char *outcome,
      const char *detail)
{
    const void *rhost = NULL;
    char b_user[128], b_host[128], b_id[256], b_del[256];
    const char *mech_name = credssp_mech_name(credssp_result_mech(r));
    const char *cred_name = credssp_cred_type_name(credssp_result_cred_type(r));

    (void)pam_get_item(ctx->pamh, PAM_RHOST, &rhost);
    pcssp_log(ctx, prio,
              "user=%s rhost=%s identity=%s delegated=%s mech=%s credssp=%d cred=%s "
              "outcome=%s%s%s",
              pcssp_printable(ctx->user, b_user, sizeof(b_user)),
              pcssp_printable(rhost, b_host, sizeof(b_host)),
              pcssp_printable(credssp_result_principal(r), b_id, sizeof(b_id)),
              pcssp_printable(credssp_result_user(r), b_del, sizeof(b_del)),
              mech_name != NULL ? mech_name : "none", credssp_result_client_version(r),
              cred_name != NULL ? cred_name : "none",
              outcome, detail != NULL ? " reason=" : "", detail != NULL ? detail : "");
}

/* Are we in a setuid/setgid program, whose caller controls keyrings and input? */
static bool
setuid_caller(void)
{
    return getuid() != geteuid() || getgid() != getegid();
}

/* Claim the hand-off and forward it; *cred_type_out is what was claimed. */
static int
claim_and_forward(struct pcssp_ctx *ctx, unsigned *cred_type_out)
{
    int ret = PAM_AUTH_ERR;
    credssp_result *r = NULL;
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 2];
    const credssp_secret *secret;
    const char *why = NULL;
    credssp_error err;
    char b_user[128];

    *cred_type_out = CREDSSP_CRED_NONE;
    if (!take_token(ctx, token, sizeof(token)) && !take_authtok(ctx, token, sizeof(token))) {
        pcssp_debug(ctx, "no hand-off for user=%s",
                    pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        return PAM_IGNORE;
    }
    if (setuid_caller() && !ctx->cfg.allow_setuid) {
        OPENSSL_cleanse(token, sizeof(token));
        pcssp_log(ctx, LOG_WARNING, "user=%s outcome=refused reason=setuid caller (uid %lu)",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)), (unsigned long)getuid());
        return PAM_IGNORE;
    }
    err = credssp_handoff_claim(token, ctx->cfg.keyring, &r);
    OPENSSL_cleanse(token, sizeof(token));
    if (err != CREDSSP_OK) {
        pcssp_log(ctx, LOG_WARNING, "user=%s outcome=claim_failed error=%s",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)), credssp_error_name(err));
        ret = pcssp_pam_code(err, PCSSP_PHASE_AUTH);
        goto cleanup;
    }
    *cred_type_out = credssp_result_cred_type(r);
    err = pcssp_identity_check(&ctx->cfg, r, ctx->user, &why);
    if (err != CREDSSP_OK) {
        audit(ctx, r, LOG_WARNING, "identity_mismatch", why);
        ret = PAM_AUTH_ERR;
        goto cleanup;
    }
    err = credssp_pam_export_env(ctx->pamh, r);
    if (err != CREDSSP_OK) {
        ret = pcssp_pam_code(err, PCSSP_PHASE_AUTH);
        goto cleanup;
    }
    secret = credssp_result_secret(r);
    if (secret != NULL && credssp_secret_len(secret) != 0) {
        if (pam_set_item(ctx->pamh, PAM_AUTHTOK, credssp_secret_data(secret)) != PAM_SUCCESS) {
            ret = PAM_SYSTEM_ERR;
            goto cleanup;
        }
    }
    if (ctx->cfg.krb5) {
        err = stash_for_setcred(ctx, r);
        if (err != CREDSSP_OK) {
            ret = pcssp_pam_code(err, PCSSP_PHASE_AUTH);
            goto cleanup;
        }
    }
    audit(ctx, r, LOG_NOTICE, ctx->cfg.trust ? "trusted" : "forwarded", NULL);
    ret = ctx->cfg.trust ? PAM_SUCCESS : PAM_IGNORE;

cleanup:
    credssp_result_free(r);
    return ret;
}

/* pam_sm_authenticate's work (see the file comment). */
int
pcssp_authenticate(struct pcssp_ctx *ctx)
{
    unsigned cred_type = CREDSSP_CRED_NONE;
    int ret = claim_and_forward(ctx, &cred_type);

    char b_user[128];

    /*
     * A PIN, or nothing at all, is never enrolled as a password.  Nor is a
     * password we vouched for with `trust` (PAM_SUCCESS): nothing verified
     * it, so it is whatever the client chose.  Only PAM_IGNORE leaves the
     * verdict, and so the check of PAM_AUTHTOK, to the modules that follow.
     */
    if (ret == PAM_IGNORE &&
        (cred_type == CREDSSP_CRED_NONE || cred_type == CREDSSP_CRED_PASSWORD))
        pcssp_enroll_stash(ctx);
    else if (ret == PAM_SUCCESS && ctx->cfg.enroll)
        pcssp_log(ctx, LOG_NOTICE, "user=%s enroll=skipped reason=trusted hand-off, password "
                  "not verified", pcssp_printable(ctx->user, b_user, sizeof(b_user)));
    return ret;
}
