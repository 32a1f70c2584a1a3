/*
 * suid_pam.c - a minimal PAM application that the trust-boundary test
 * (tests/integration/test_trust.sh) installs setuid root in a scratch
 * directory, like su or passwd: it keeps the caller's real uid (and so the
 * caller's keyrings) and runs a real /etc/pam.d service for a target user.
 *
 *   suid_pam auth SERVICE USER       pam_authenticate, pam_acct_mgmt; on
 *                                    success prints "uid=N" (USER's uid, the
 *                                    identity su would switch to)
 *   suid_pam chauthtok SERVICE USER  pam_chauthtok
 *
 * Each prompt (echo off or on) is answered with the next line of standard
 * input; nothing is echoed.  Exit status: 0 success, 1 PAM refused, 2 usage
 * or system error.  It links only libpam, so the loader's secure mode for
 * setuid programs (no LD_PRELOAD, no LD_LIBRARY_PATH) does not affect it.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define LINE_MAX_LEN 512

/* Answer every prompt with the next stdin line; info and errors go to stderr. */
static int
from_stdin(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    char line[LINE_MAX_LEN];

    (void)data;
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF && msg[i]->msg_style != PAM_PROMPT_ECHO_ON) {
            fprintf(stderr, "pam: %s\n", msg[i]->msg != NULL ? msg[i]->msg : "");
            continue;
        }
        if (fgets(line, sizeof(line), stdin) == NULL)
            goto fail;
        line[strcspn(line, "\n")] = '\0';
        r[i].resp = strdup(line);
        memset(line, 0, sizeof(line));
        if (r[i].resp == NULL)
            goto fail;
    }
    *resp = r;
    return PAM_SUCCESS;

fail:
    for (int i = 0; i < n; i++)
        free(r[i].resp);
    free(r);
    return PAM_CONV_ERR;
}

int
main(int argc, char **argv)
{
    struct pam_conv conv = { from_stdin, NULL };
    pam_handle_t *pamh = NULL;
    struct passwd *pw;
    int rc;

    if (argc != 4 || (strcmp(argv[1], "auth") != 0 && strcmp(argv[1], "chauthtok") != 0)) {
        fprintf(stderr, "usage: suid_pam auth|chauthtok SERVICE USER\n");
        return 2;
    }
    if (pam_start(argv[2], argv[3], &conv, &pamh) != PAM_SUCCESS)
        return 2;
    if (strcmp(argv[1], "auth") == 0) {
        rc = pam_authenticate(pamh, 0);
        if (rc == PAM_SUCCESS)
            rc = pam_acct_mgmt(pamh, 0);
    } else {
        rc = pam_chauthtok(pamh, 0);
    }
    printf("%s=%s\n", argv[1], pam_strerror(pamh, rc));
    pam_end(pamh, rc);
    if (rc != PAM_SUCCESS)
        return 1;
    pw = getpwnam(argv[3]);
    if (strcmp(argv[1], "auth") == 0)
        printf("uid=%ld\n", pw != NULL ? (long)pw->pw_uid : -1L);
    return 0;
}
