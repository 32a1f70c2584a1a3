/*
 * credssp_pam.h - the PAM side of libcredssp: the conversation helper, the
 * in-process login helper and the kernel-keyring hand-off.
 *
 * What a finished CredSSP exchange delivered (a credssp_result, credssp.h)
 * reaches a PAM stack in one of two ways:
 *
 *   in-process     credssp_pam_login() runs pam_start .. pam_open_session
 *                  with a conversation that answers the password / PIN
 *                  prompt truthfully (and refuses every prompt it cannot).
 *   cross-process  credssp_handoff_store() puts the credential into the
 *                  kernel keyring under an unguessable token; the token
 *                  travels to the login process (PAM environment variable
 *                  CREDSSP_HANDOFF), where pam_credssp(8) claims it once.
 *
 * The keyring layout is described in docs/KEYRING.md.  Nothing here ever
 * prints a secret.
 */
#ifndef CREDSSP_PAM_H
#define CREDSSP_PAM_H

#include <security/pam_appl.h>

#include <credssp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Conversation helper                                                 */
/* ------------------------------------------------------------------ */

/*
 * A PAM conversation built from a credssp_result:
 *   PAM_PROMPT_ECHO_OFF  the first such prompt is answered with the password
 *                        or PIN; the same prompt text asked again (another
 *                        module of the stack) is answered again, at most
 *                        CREDSSP_PAM_CONV_MAX_ANSWERS times in all; a prompt
 *                        with a different text ("New password:", "Verification
 *                        code:") gets PAM_CONV_ERR, never the old password.
 *   PAM_PROMPT_ECHO_ON   the same rule with the user name.
 *   PAM_TEXT_INFO / PAM_ERROR_MSG   copied into a list the caller can log.
 *   anything else        PAM_CONV_ERR.
 * The helper keeps its own copies (the result may be freed afterwards).
 */
typedef struct credssp_pam_conv credssp_pam_conv;

#define CREDSSP_PAM_CONV_MAX_ANSWERS 3
#define CREDSSP_PAM_CONV_MAX_MESSAGES 32

/* user: the name for ECHO_ON prompts (NULL: the delegated user name). */
CREDSSP_API CREDSSP_WUR credssp_error credssp_pam_conv_new(const credssp_result *result,
                                                            const char *user,
                                                            credssp_pam_conv **out);
/* The struct pam_conv to give to pam_start; valid until credssp_pam_conv_free. */
CREDSSP_API const struct pam_conv *credssp_pam_conv_get(const credssp_pam_conv *c);
/* Collected PAM_TEXT_INFO / PAM_ERROR_MSG messages, in order. */
CREDSSP_API size_t credssp_pam_conv_message_count(const credssp_pam_conv *c);
/* Message i (borrowed) and its style (PAM_TEXT_INFO or PAM_ERROR_MSG); NULL past the end. */
CREDSSP_API const char *credssp_pam_conv_message(const credssp_pam_conv *c, size_t i,
                                                 int *style_out);
/* How many prompts were refused (answered with PAM_CONV_ERR). */
CREDSSP_API unsigned credssp_pam_conv_refused(const credssp_pam_conv *c);
/* Wipe and free. NULL-safe. */
CREDSSP_API void credssp_pam_conv_free(credssp_pam_conv *c);

/* ------------------------------------------------------------------ */
/* Smart-card details in the PAM environment                           */
/* ------------------------------------------------------------------ */

/*
 * PAM environment variables with the CSP details of a smart-card logon
 * (MS-CSSP 2.2.1.2.2 TSSmartCardCreds / TSCspDataDetail).  Set only when
 * the client sent the field; values are UTF-8 with control characters
 * replaced by '?'.  The PIN is never exported.
 */
#define CREDSSP_SC_ENV_PREFIX "CREDSSP_SC_"
#define CREDSSP_SC_ENV_KEY_SPEC "CREDSSP_SC_KEY_SPEC"      /* decimal: 1 AT_KEYEXCHANGE, 2 AT_SIGNATURE */
#define CREDSSP_SC_ENV_CARD "CREDSSP_SC_CARD"              /* cardName */
#define CREDSSP_SC_ENV_READER "CREDSSP_SC_READER"          /* readerName */
#define CREDSSP_SC_ENV_CONTAINER "CREDSSP_SC_CONTAINER"    /* containerName */
#define CREDSSP_SC_ENV_CSP "CREDSSP_SC_CSP"                /* cspName */
#define CREDSSP_SC_ENV_USER_HINT "CREDSSP_SC_USER_HINT"    /* userHint */
#define CREDSSP_SC_ENV_DOMAIN_HINT "CREDSSP_SC_DOMAIN_HINT"/* domainHint */

/*
 * Put the CREDSSP_SC_* variables of a smart-card result into the PAM
 * environment of ph (after removing any left from before); for any other
 * credential type only remove them.  credssp_pam_login() and pam_credssp
 * call it; an application running its own PAM transaction may too.
 * Errors: CREDSSP_E_INVALID_ARG, CREDSSP_E_NOMEM, CREDSSP_E_INTERNAL.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_pam_export_env(pam_handle_t *ph,
                                                              const credssp_result *r);

/* ------------------------------------------------------------------ */
/* In-process login                                                    */
/* ------------------------------------------------------------------ */

/* The step of credssp_pam_login / credssp_pam_session_close that failed. */
typedef enum credssp_pam_step {
    CREDSSP_PAM_STEP_NONE = 0,        /* nothing failed */
    CREDSSP_PAM_STEP_START = 1,       /* pam_start */
    CREDSSP_PAM_STEP_ITEMS = 2,       /* pam_set_item PAM_RHOST / PAM_RUSER, pam_putenv */
    CREDSSP_PAM_STEP_AUTHENTICATE = 3,
    CREDSSP_PAM_STEP_ACCT_MGMT = 4,
    CREDSSP_PAM_STEP_SETCRED = 5,     /* PAM_ESTABLISH_CRED */
    CREDSSP_PAM_STEP_OPEN_SESSION = 6,
    CREDSSP_PAM_STEP_CLOSE_SESSION = 7,
    CREDSSP_PAM_STEP_DELETE_CRED = 8,
    CREDSSP_PAM_STEP_END = 9          /* pam_end */
} credssp_pam_step;

/* Flags of credssp_pam_login. */
#define CREDSSP_PAM_LOGIN_CLOSE_NOW 0x01u   /* close session, delete creds, pam_end at once */
#define CREDSSP_PAM_LOGIN_AUTH_ONLY 0x02u   /* stop after pam_acct_mgmt (no creds, no session) */
#define CREDSSP_PAM_LOGIN_SILENT 0x04u      /* PAM_SILENT on every call */
#define CREDSSP_PAM_LOGIN_HANDOFF 0x08u     /* also hand the credential to pam_credssp in
                                               this process (process keyring + CREDSSP_HANDOFF);
                                               implied for Restricted Admin and Remote Guard
                                               results, which carry no password: only
                                               pam_credssp `trust` can vouch for them */

/*
 * A PAM transaction run by credssp_pam_login: the pam handle, the
 * conversation and the outcome.  Owned by one thread at a time.
 */
typedef struct credssp_pam_session credssp_pam_session;

/*
 * Run pam_start(service, user) -> PAM_RHOST (rhost, may be NULL),
 * PAM_RUSER (the authenticated principal) and, for a smart-card result,
 * the CREDSSP_SC_* environment (credssp_pam_export_env) -> pam_authenticate ->
 * pam_acct_mgmt -> pam_setcred(PAM_ESTABLISH_CRED) -> pam_open_session.
 * Blocking; meant for a worker thread.  On CREDSSP_OK the session is open
 * (unless CLOSE_NOW / AUTH_ONLY) until credssp_pam_session_close().
 * Whenever *session_out is set (also on failure) it tells the failing step,
 * the PAM code and the messages, and must be freed.  Errors:
 * CREDSSP_E_LOGON_FAILURE (the stack said no: authentication, account,
 * credentials or session refused), CREDSSP_E_CONFIG (service misconfigured:
 * PAM_SERVICE_ERR, module unknown), CREDSSP_E_NOMEM, CREDSSP_E_INTERNAL.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_pam_login(const credssp_result *result,
                                                         const char *service,
                                                         const char *user,
                                                         const char *rhost, unsigned flags,
                                                         credssp_pam_session **session_out);
/* The failing step (CREDSSP_PAM_STEP_NONE if none) and its PAM return code. */
CREDSSP_API credssp_pam_step credssp_pam_session_step(const credssp_pam_session *s);
CREDSSP_API int credssp_pam_session_pam_code(const credssp_pam_session *s);
/* Short name of a step ("authenticate"), for logs. */
CREDSSP_API const char *credssp_pam_step_name(credssp_pam_step step);
/* The pam handle while the session is open (for pam_getenvlist), else NULL. */
CREDSSP_API pam_handle_t *credssp_pam_session_handle(const credssp_pam_session *s);
/* The conversation's collected messages (see credssp_pam_conv_message). */
CREDSSP_API const credssp_pam_conv *credssp_pam_session_conv(const credssp_pam_session *s);
/*
 * pam_close_session -> pam_setcred(PAM_DELETE_CRED) -> pam_end.  Idempotent;
 * the first failing step is recorded.  Call it from the thread (and with the
 * privileges) the session was opened with.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_pam_session_close(credssp_pam_session *s);
/* Close if still open, then free. NULL-safe. */
CREDSSP_API void credssp_pam_session_free(credssp_pam_session *s);

/* ------------------------------------------------------------------ */
/* Keyring hand-off                                                    */
/* ------------------------------------------------------------------ */

/* PAM environment variable that carries the token to pam_credssp. */
#define CREDSSP_HANDOFF_ENV "CREDSSP_HANDOFF"
/* PAM data name another module may set (a NUL-terminated token) instead. */
#define CREDSSP_HANDOFF_DATA "credssp_handoff_token"
/* A token: 256 random bits as 64 lower-case hex digits. */
#define CREDSSP_HANDOFF_TOKEN_LEN 64
#define CREDSSP_HANDOFF_TIMEOUT_DEFAULT 30u
#define CREDSSP_HANDOFF_TIMEOUT_MAX 60u

/* Keyrings (the kernel's special ids); 0 means the default, the user keyring. */
#define CREDSSP_HANDOFF_KEYRING_DEFAULT 0
#define CREDSSP_HANDOFF_KEYRING_PROCESS (-2)   /* this process only (in-process hand-off) */
#define CREDSSP_HANDOFF_KEYRING_SESSION (-3)   /* inherited by children */
#define CREDSSP_HANDOFF_KEYRING_USER (-4)      /* every process of this uid (default) */

/*
 * Store the delegated credential of result (user, domain, principal, mech,
 * credential type, CredSSP version, password or PIN) as a `user` key,
 * encrypted under a key derived from a fresh token, with a timeout
 * (0 = default 30 s, at most 60 s) and possessor/owner-only permissions.
 * keyring: a CREDSSP_HANDOFF_KEYRING_* id or a keyring serial.
 * token_out receives CREDSSP_HANDOFF_TOKEN_LEN hex digits and a NUL.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_handoff_store(const credssp_result *result,
                                                             unsigned timeout_s,
                                                             int32_t keyring,
                                                             char token_out[CREDSSP_HANDOFF_TOKEN_LEN + 1]);
/*
 * Claim a hand-off once: find the key by token in keyring (same id as at
 * store time), check that it is owned by our effective uid and closed to
 * group and other (so only a process of that uid, or root, stored it; in a
 * setuid-root program a record the calling user sealed is refused, unread
 * and unconsumed), unlink and revoke it, decrypt and check it (format,
 * version, expiry).  A second claim, an unknown or forged token and an
 * expired hand-off all fail.  *out is a credssp_result (free with
 * credssp_result_free) carrying the stored fields.  Errors:
 * CREDSSP_E_LOGON_FAILURE (no such hand-off, already claimed, or a key of
 * another owner or with group/other rights),
 * CREDSSP_E_TIMEOUT (expired), CREDSSP_E_CRYPTO (tampered),
 * CREDSSP_E_BAD_VERSION (unknown format), CREDSSP_E_INVALID_ARG (malformed token).
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_handoff_claim(const char *token, int32_t keyring,
                                                             credssp_result **out);

#ifdef __cplusplus
}
#endif
#endif /* CREDSSP_PAM_H */
