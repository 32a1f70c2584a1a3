/*
 * pam_failcred.c - a test PAM module (Linux-PAM module API, pam_sm_setcred(3)):
 * it refuses only credential deletion (tests/integration/interop_pam_teardown.sh).
 *
 * pam_sm_setcred returns PAM_CRED_ERR when flags include PAM_DELETE_CRED (or,
 * with the argument "establish", on every call) and PAM_SUCCESS otherwise.
 * pam_sm_authenticate says PAM_SUCCESS (put the module after the module that
 * really authenticates): Linux-PAM judges a module's setcred answer by the
 * control action of what its authenticate returned, so PAM_IGNORE there would
 * hide the setcred failure.  Listed in the auth stack only.  This is what a
 * stack whose credential clean-up fails (an unreachable KDC, a ticket cache
 * that cannot be removed) looks like from the application at session close.
 */
#include <string.h>

#include <security/pam_modules.h>

#define FAILCRED_EXPORT __attribute__((visibility("default")))

FAILCRED_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}

FAILCRED_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    if (argc > 0 && strcmp(argv[0], "establish") == 0)
        return PAM_CRED_ERR;
    return (flags & PAM_DELETE_CRED) != 0 ? PAM_CRED_ERR : PAM_SUCCESS;
}
