/*
 * pam_ask.c - a test-only PAM module that asks one more echo-off question
 * ("Verification code: ", like an OTP module) and succeeds if it gets any
 * answer: used to prove the conversation helper refuses to answer it.
 * With the argument "info" it only sends a PAM_TEXT_INFO and a PAM_ERROR_MSG.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    const struct pam_conv *conv = NULL;
    const struct pam_message m = { PAM_PROMPT_ECHO_OFF, "Verification code: " };
    const struct pam_message info[2] = { { PAM_TEXT_INFO, "Welcome from pam_ask" },
                                         { PAM_ERROR_MSG, "Your password expires soon" } };
    const struct pam_message *mp = &m;
    const struct pam_message *ip[2] = { &info[0], &info[1] };
    bool only_info = argc > 0 && strcmp(argv[0], "info") == 0;
    struct pam_response *resp = NULL;
    int rc;

    (void)flags;
    rc = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
    if (rc != PAM_SUCCESS || conv == NULL || conv->conv == NULL)
        return PAM_CONV_ERR;
    if (only_info)
        rc = conv->conv(2, ip, &resp, conv->appdata_ptr);
    else
        rc = conv->conv(1, &mp, &resp, conv->appdata_ptr);
    if (resp != NULL) {
        free(resp[0].resp);
        if (only_info)
            free(resp[1].resp);
        free(resp);
    }
    return rc == PAM_SUCCESS ? PAM_SUCCESS : PAM_AUTH_ERR;
}

EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
