/*
 * pamenv.c - smart-card details of a CredSSP result as PAM environment
 * variables (credssp_pam_export_env, include/credssp_pam.h).
 *
 * MS-CSSP 2.2.1.2.2 TSSmartCardCreds carries, besides the PIN, the CSP
 * details of the client's card (TSCspDataDetail: keySpec, cardName,
 * readerName, containerName, cspName) and optional user / domain hints.
 * They are put into the PAM environment under the documented CREDSSP_SC_
 * prefix (pam_credssp(8), docs/SMARTCARD.md) so modules of the stack
 * (pam_exec, a smart-card module's helper) can see which card the client
 * used.  The PIN is never exported: it reaches the stack only as
 * PAM_AUTHTOK (pam_credssp) or as the answer to the PIN prompt
 * (pamconv.c).  The names come from the client: control characters are
 * replaced by '?' so a value cannot forge lines in a log or an env dump.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "internal.h"

/* The variables this file owns, in the order they are set. */
static const char *const sc_vars[] = {
    CREDSSP_SC_ENV_KEY_SPEC,  CREDSSP_SC_ENV_CARD,      CREDSSP_SC_ENV_READER,
    CREDSSP_SC_ENV_CONTAINER, CREDSSP_SC_ENV_CSP,       CREDSSP_SC_ENV_USER_HINT,
    CREDSSP_SC_ENV_DOMAIN_HINT,
};

/* Remove every CREDSSP_SC_* variable we set (absent ones are fine). */
static int
clear_vars(pam_handle_t *ph)
{
    for (size_t i = 0; i < CSSP_COUNT(sc_vars); i++) {
        if (pam_getenv(ph, sc_vars[i]) != NULL) {
            int rc = pam_putenv(ph, sc_vars[i]);

            if (rc != PAM_SUCCESS)
                return rc;
        }
    }
    return PAM_SUCCESS;
}

/* pam_putenv("name=value") with control characters of value replaced. */
static int
put_var(pam_handle_t *ph, const char *name, const char *value)
{
    size_t nlen, vlen;
    char *env;
    int rc;

    if (value == NULL)
        return PAM_SUCCESS;
    nlen = strlen(name);
    vlen = strlen(value);
    env = malloc(nlen + 1 + vlen + 1);
    if (env == NULL)
        return PAM_BUF_ERR;
    memcpy(env, name, nlen);
    env[nlen] = '=';
    for (size_t i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)value[i];

        env[nlen + 1 + i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    env[nlen + 1 + vlen] = '\0';
    rc = pam_putenv(ph, env);
    free(env);
    return rc;
}

/* Export (or clear) the smart-card details of r. */
CREDSSP_API credssp_error
credssp_pam_export_env(pam_handle_t *ph, const credssp_result *r)
{
    char key_spec[16];
    int rc;

    if (ph == NULL || r == NULL)
        return CREDSSP_E_INVALID_ARG;
    rc = clear_vars(ph);
    if (rc == PAM_SUCCESS && credssp_result_cred_type(r) == CREDSSP_CRED_SMARTCARD) {
        snprintf(key_spec, sizeof(key_spec), "%d", credssp_result_sc_key_spec(r));
        rc = put_var(ph, CREDSSP_SC_ENV_KEY_SPEC, key_spec);
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_CARD, credssp_result_sc_card_name(r));
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_READER, credssp_result_sc_reader_name(r));
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_CONTAINER, credssp_result_sc_container_name(r));
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_CSP, credssp_result_sc_csp_name(r));
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_USER_HINT, credssp_result_user(r));
        if (rc == PAM_SUCCESS)
            rc = put_var(ph, CREDSSP_SC_ENV_DOMAIN_HINT, credssp_result_domain(r));
    }
    switch (rc) {
    case PAM_SUCCESS:
        return CREDSSP_OK;
    case PAM_BUF_ERR:
        return CREDSSP_E_NOMEM;
    default:
        return CREDSSP_E_INTERNAL;
    }
}
