/*
 * pamlogin.c - run a whole PAM login in-process for a CredSSP result
 * (credssp_pam_login, credssp_pam_session_*, include/credssp_pam.h).
 *
 * pam_start -> PAM_RHOST / PAM_RUSER -> pam_authenticate -> pam_acct_mgmt
 * -> pam_setcred(ESTABLISH) -> pam_open_session, with the truthful
 * conversation of pamconv.c.  The session object records the step that
 * failed and its PAM code; it owns the pam handle until closed.  With
 * CREDSSP_PAM_LOGIN_HANDOFF the credential is also put in the process
 * keyring for pam_credssp (token in the PAM environment) and whatever
 * pam_credssp did not claim is destroyed after pam_authenticate.  Results
 * without a password (Restricted Admin, Remote Guard: MS-CSSP 2.2.1.2.1 /
 * 2.2.1.2.3) always get that hand-off, since only pam_credssp `trust` can
 * turn the identity CredSSP proved into a login.  A smart-card result also
 * puts its CSP details into the PAM environment (CREDSSP_SC_*, pamenv.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "internal.h"

struct credssp_pam_session {
    pam_handle_t *ph;          /* NULL once pam_end ran */
    credssp_pam_conv *conv;
    int pam_flags;             /* PAM_SILENT or 0 */
    bool cred_established;
    bool session_open;
    credssp_pam_step step;     /* first failing step */
    int pam_code;
    bool have_token;
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
};

static const char *const step_names[] = {
    [CREDSSP_PAM_STEP_NONE] = "none",
    [CREDSSP_PAM_STEP_START] = "start",
    [CREDSSP_PAM_STEP_ITEMS] = "items",
    [CREDSSP_PAM_STEP_AUTHENTICATE] = "authenticate",
    [CREDSSP_PAM_STEP_ACCT_MGMT] = "acct_mgmt",
    [CREDSSP_PAM_STEP_SETCRED] = "setcred",
    [CREDSSP_PAM_STEP_OPEN_SESSION] = "open_session",
    [CREDSSP_PAM_STEP_CLOSE_SESSION] = "close_session",
    [CREDSSP_PAM_STEP_DELETE_CRED] = "delete_cred",
    [CREDSSP_PAM_STEP_END] = "end",
};

/* Short name of a login step for logs. */
CREDSSP_API const char *
credssp_pam_step_name(credssp_pam_step step)
{
    if ((size_t)step >= CSSP_COUNT(step_names))
        return "unknown";
    return step_names[step];
}

/* What a PAM return code means for the caller of the login helper. */
static credssp_error
pam_code_error(int code)
{
    switch (code) {
    case PAM_SUCCESS:
        return CREDSSP_OK;
    case PAM_BUF_ERR:
        return CREDSSP_E_NOMEM;
    case PAM_SERVICE_ERR:
    case PAM_MODULE_UNKNOWN:
    case PAM_SYMBOL_ERR:
    case PAM_OPEN_ERR:
        return CREDSSP_E_CONFIG;
    case PAM_SYSTEM_ERR:
    case PAM_ABORT:
        return CREDSSP_E_INTERNAL;
    default:
        return CREDSSP_E_LOGON_FAILURE;
    }
}

/* Record the first failing step; returns the matching library error. */
static credssp_error
record(struct credssp_pam_session *s, credssp_pam_step step, int code)
{
    if (code != PAM_SUCCESS && s->step == CREDSSP_PAM_STEP_NONE) {
        s->step = step;
        s->pam_code = code;
    }
    return pam_code_error(code);
}

/* Destroy a process-keyring hand-off that pam_credssp did not claim. */
static void
discard_handoff(struct credssp_pam_session *s)
{
    credssp_result *left = NULL;

    if (!s->have_token)
        return;
    if (credssp_handoff_claim(s->token, CREDSSP_HANDOFF_KEYRING_PROCESS, &left) == CREDSSP_OK)
        credssp_result_free(left);
    if (s->ph != NULL && pam_getenv(s->ph, CREDSSP_HANDOFF_ENV) != NULL)
        (void)pam_putenv(s->ph, CREDSSP_HANDOFF_ENV);
    OPENSSL_cleanse(s->token, sizeof(s->token));
    s->have_token = false;
}

/* Put the credential in the process keyring and its token in the PAM env. */
static int
offer_handoff(struct credssp_pam_session *s, const credssp_result *result)
{
    char env[sizeof(CREDSSP_HANDOFF_ENV) + 1 + CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_error err;
    int rc;

    err = credssp_handoff_store(result, 0, CREDSSP_HANDOFF_KEYRING_PROCESS, s->token);
    if (err != CREDSSP_OK)
        return err == CREDSSP_E_NOMEM ? PAM_BUF_ERR : PAM_SYSTEM_ERR;
    s->have_token = true;
    snprintf(env, sizeof(env), "%s=%s", CREDSSP_HANDOFF_ENV, s->token);
    rc = pam_putenv(s->ph, env);
    OPENSSL_cleanse(env, sizeof(env));
    return rc;
}

/* A result that delivered no password or PIN (Restricted Admin, Remote Guard). */
static bool
credential_less(const credssp_result *result)
{
    unsigned type = credssp_result_cred_type(result);

    return type == CREDSSP_CRED_RESTRICTED_ADMIN || type == CREDSSP_CRED_REMOTE_GUARD;
}

/* Set PAM_RHOST, PAM_RUSER, the smart-card environment and the hand-off; a PAM code. */
static int
set_items(struct credssp_pam_session *s, const credssp_result *result, const char *rhost,
          unsigned flags)
{
    const char *principal = credssp_result_principal(result);
    credssp_error err;
    int rc;

    if (rhost != NULL) {
        rc = pam_set_item(s->ph, PAM_RHOST, rhost);
        if (rc != PAM_SUCCESS)
            return rc;
    }
    if (principal != NULL && principal[0] != '\0') {
        rc = pam_set_item(s->ph, PAM_RUSER, principal);
        if (rc != PAM_SUCCESS)
            return rc;
    }
    err = credssp_pam_export_env(s->ph, result);
    if (err != CREDSSP_OK)
        return err == CREDSSP_E_NOMEM ? PAM_BUF_ERR : PAM_SYSTEM_ERR;
    if ((flags & CREDSSP_PAM_LOGIN_HANDOFF) || credential_less(result))
        return offer_handoff(s, result);
    return PAM_SUCCESS;
}

/* End the transaction (if any) with status; records a failing pam_end. */
static void
end_transaction(struct credssp_pam_session *s, int status)
{
    int rc;

    if (s->ph == NULL)
        return;
    discard_handoff(s);
    rc = pam_end(s->ph, status);
    s->ph = NULL;
    (void)record(s, CREDSSP_PAM_STEP_END, rc);
}

/* The login steps after pam_start; a library error, the step recorded. */
static credssp_error
run_steps(struct credssp_pam_session *s, const credssp_result *result, const char *rhost,
          unsigned flags)
{
    int rc;

    rc = set_items(s, result, rhost, flags);
    if (rc != PAM_SUCCESS)
        return record(s, CREDSSP_PAM_STEP_ITEMS, rc);
    rc = pam_authenticate(s->ph, s->pam_flags);
    discard_handoff(s);
    if (rc != PAM_SUCCESS)
        return record(s, CREDSSP_PAM_STEP_AUTHENTICATE, rc);
    /* PAM_NEW_AUTHTOK_REQD is a failure: we cannot answer "New password:". */
    rc = pam_acct_mgmt(s->ph, s->pam_flags);
    if (rc != PAM_SUCCESS)
        return record(s, CREDSSP_PAM_STEP_ACCT_MGMT, rc);
    if (flags & CREDSSP_PAM_LOGIN_AUTH_ONLY)
        return CREDSSP_OK;
    rc = pam_setcred(s->ph, s->pam_flags | PAM_ESTABLISH_CRED);
    if (rc != PAM_SUCCESS)
        return record(s, CREDSSP_PAM_STEP_SETCRED, rc);
    s->cred_established = true;
    rc = pam_open_session(s->ph, s->pam_flags);
    if (rc != PAM_SUCCESS)
        return record(s, CREDSSP_PAM_STEP_OPEN_SESSION, rc);
    s->session_open = true;
    return CREDSSP_OK;
}

/* Run the whole login; the session records what failed. */
CREDSSP_API credssp_error
credssp_pam_login(const credssp_result *result, const char *service, const char *user,
                  const char *rhost, unsigned flags, credssp_pam_session **session_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct credssp_pam_session *s = NULL;
    int rc;

    if (session_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *session_out = NULL;
    if (result == NULL || service == NULL || user == NULL || user[0] == '\0')
        return CREDSSP_E_INVALID_ARG;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return CREDSSP_E_NOMEM;
    s->pam_flags = (flags & CREDSSP_PAM_LOGIN_SILENT) ? PAM_SILENT : 0;
    ret = credssp_pam_conv_new(result, user, &s->conv);
    if (ret != CREDSSP_OK)
        goto cleanup;
    rc = pam_start(service, user, credssp_pam_conv_get(s->conv), &s->ph);
    if (rc != PAM_SUCCESS) {
        s->ph = NULL;
        ret = record(s, CREDSSP_PAM_STEP_START, rc);
        goto done;
    }
    ret = run_steps(s, result, rhost, flags);
    if (ret != CREDSSP_OK) {
        /* Undo what was established, then end with the failing code. */
        if (s->cred_established)
            (void)pam_setcred(s->ph, s->pam_flags | PAM_DELETE_CRED);
        s->cred_established = false;
        end_transaction(s, s->pam_code);
    } else if (flags & (CREDSSP_PAM_LOGIN_CLOSE_NOW | CREDSSP_PAM_LOGIN_AUTH_ONLY)) {
        ret = credssp_pam_session_close(s);
    }

done:
    *session_out = s;
    s = NULL;

cleanup:
    credssp_pam_session_free(s);
    return ret;
}

/* The first failing step. */
CREDSSP_API credssp_pam_step
credssp_pam_session_step(const credssp_pam_session *s)
{
    return s != NULL ? s->step : CREDSSP_PAM_STEP_NONE;
}

/* The PAM code of the first failing step. */
CREDSSP_API int
credssp_pam_session_pam_code(const credssp_pam_session *s)
{
    return s != NULL ? s->pam_code : PAM_SUCCESS;
}

/* The open pam handle, or NULL once ended. */
CREDSSP_API pam_handle_t *
credssp_pam_session_handle(const credssp_pam_session *s)
{
    return s != NULL ? s->ph : NULL;
}

/* The conversation (for its messages). */
CREDSSP_API const credssp_pam_conv *
credssp_pam_session_conv(const credssp_pam_session *s)
{
    return s != NULL ? s->conv : NULL;
}

/* Close session, delete credentials, end the transaction. */
CREDSSP_API credssp_error
credssp_pam_session_close(credssp_pam_session *s)
{
    credssp_error ret = CREDSSP_OK;
    credssp_error err;
    int status = PAM_SUCCESS;
    int rc;

    if (s == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (s->ph == NULL)
        return CREDSSP_OK;
    if (s->session_open) {
        rc = pam_close_session(s->ph, s->pam_flags);
        s->session_open = false;
        err = record(s, CREDSSP_PAM_STEP_CLOSE_SESSION, rc);
        if (ret == CREDSSP_OK)
            ret = err;
        if (rc != PAM_SUCCESS)
            status = rc;
    }
    if (s->cred_established) {
        rc = pam_setcred(s->ph, s->pam_flags | PAM_DELETE_CRED);
        s->cred_established = false;
        err = record(s, CREDSSP_PAM_STEP_DELETE_CRED, rc);
        if (ret == CREDSSP_OK)
            ret = err;
        if (rc != PAM_SUCCESS)
            status = rc;
    }
    end_transaction(s, status);
    if (ret == CREDSSP_OK && s->step == CREDSSP_PAM_STEP_END)
        ret = pam_code_error(s->pam_code);
    return ret;
}

/* Close if needed, wipe and free. */
CREDSSP_API void
credssp_pam_session_free(credssp_pam_session *s)
{
    if (s == NULL)
        return;
    if (credssp_pam_session_close(s) != CREDSSP_OK) {
        /* the failing step is recorded in s, which is going away */
    }
    credssp_pam_conv_free(s->conv);
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}
