/*
 * pam_credtypes.c - issue #6 in real PAM stacks (pam_wrapper + nss_wrapper),
 * run by tests/integration/test_pam_credtypes.sh, which writes the service
 * files and the SoftHSM2 token (see there):
 *
 *   smart card (MS-CSSP 2.2.1.2.2)   the PIN unlocks a SoftHSM2 token
 *            through pam_p11, as PAM_AUTHTOK (pam_credssp hand-off) and as
 *            the answer to pam_p11's prompt (credssp_pam_login); wrong PIN,
 *            locked token and no card (p11_lockshim.c); CREDSSP_SC_* reach the
 *            stack (pam_exec dump), the PIN never does and is never enrolled
 *   Restricted Admin / Remote Guard   only pam_credssp `trust` logs them in
 *   enrolment   pam_sm_chauthtok after pam_matrix changed the password,
 *            `enroll` at auth + setcred, refusals (wrong password, foreign
 *            owner, open mode, missing directory, minimum_uid), 8 processes
 *            enrolling into one key file at once
 *
 * Modes: "suite" (cmocka); "chauthtok SERVICE USER" (CREDTYPES_OLD_PW,
 * CREDTYPES_NEW_PW) and "auth SERVICE USER" (CREDTYPES_PW; then setcred) exit with
 * the PAM code, for the shell tests.  Environment of the suite: CREDTYPES_DIR
 * (the scratch directory), CREDTYPES_PIN, CREDTYPES_KEYFILE, CREDTYPES_SHIM_STATE,
 * CREDTYPES_EMPTY_CONF.  No secret is printed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "result_fixture.h"
#include "keyfile.h"
#include "secret.h"

#define PW_ALICE_OLD "Old-alice-1"
#define PW_ALICE_NEW "New-alice-2"
#define WRONG_PIN "000000"

/* Answers of the test conversation: by prompt text. */
struct answers {
    const char *password;   /* "Password: " (auth) */
    const char *old_pw;     /* "Old password: " (chauthtok) */
    const char *new_pw;     /* "New Password :", "Verify New Password :" */
    int prompts;
};

static const char *dir, *pin, *keyfile, *shim_state;

/* Answer ECHO_OFF prompts from struct answers; refuse what it has no answer for. */
static int
conv_fn(int n, const struct pam_message **msg, struct pam_response **resp_out, void *appdata)
{
    struct answers *a = appdata;
    struct pam_response *resp = calloc((size_t)n, sizeof(*resp));

    *resp_out = NULL;
    if (resp == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        const char *ans = NULL;

        if (msg[i]->msg_style == PAM_TEXT_INFO || msg[i]->msg_style == PAM_ERROR_MSG)
            continue;
        a->prompts++;
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
            if (strstr(msg[i]->msg, "Old") != NULL)
                ans = a->old_pw;
            else if (strstr(msg[i]->msg, "New") != NULL)
                ans = a->new_pw;
            else
                ans = a->password;
        }
        if (ans == NULL || (resp[i].resp = strdup(ans)) == NULL) {
            for (int j = 0; j < n; j++)
                free(resp[j].resp);
            free(resp);
            return PAM_CONV_ERR;
        }
    }
    *resp_out = resp;
    return PAM_SUCCESS;
}

/*
 * pam_authenticate (with r handed off through the process keyring when
 * not NULL) and, on success, pam_setcred(ESTABLISH); the auth code.
 */
static int
run_auth(const char *service, const char *user, struct credssp_result *r, const char *password,
         int *setcred_out)
{
    struct answers a = { .password = password };
    struct pam_conv conv = { conv_fn, &a };
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1], env[128];
    pam_handle_t *ph = NULL;
    int rc;

    if (setcred_out != NULL)
        *setcred_out = -1;
    assert_int_equal(pam_start(service, user, &conv, &ph), PAM_SUCCESS);
    if (r != NULL) {
        assert_int_equal(credssp_handoff_store(r, 0, CREDSSP_HANDOFF_KEYRING_PROCESS, tok),
                         CREDSSP_OK);
        credssp_result_free(r);
        snprintf(env, sizeof(env), "%s=%s", CREDSSP_HANDOFF_ENV, tok);
        assert_int_equal(pam_putenv(ph, env), PAM_SUCCESS);
    }
    rc = pam_authenticate(ph, 0);
    if (rc == PAM_SUCCESS && setcred_out != NULL)
        *setcred_out = pam_setcred(ph, PAM_ESTABLISH_CRED);
    pam_end(ph, rc);
    return rc;
}

/* pam_chauthtok; its code. */
static int
run_chauthtok(const char *service, const char *user, const char *old_pw, const char *new_pw)
{
    struct answers a = { .old_pw = old_pw, .new_pw = new_pw };
    struct pam_conv conv = { conv_fn, &a };
    pam_handle_t *ph = NULL;
    int rc;

    if (pam_start(service, user, &conv, &ph) != PAM_SUCCESS)
        return PAM_SYSTEM_ERR;
    rc = pam_chauthtok(ph, 0);
    pam_end(ph, rc);
    return rc;
}

/* Does the key file hold NTOWFv1(password) for user?  (no entry: false) */
static bool
enrolled_with(const char *user, const char *password)
{
    credssp_secret *have = NULL, *want = NULL;
    bool eq;

    if (cssp_keyfile_lookup(keyfile, user, NULL, &have) != CREDSSP_OK)
        return false;
    assert_int_equal(credssp_nt_hash(password, strlen(password), &want), CREDSSP_OK);
    eq = credssp_secret_equal(have, want) == 1;
    credssp_secret_free(have);
    credssp_secret_free(want);
    return eq;
}

/* Has the key file an entry for user at all? */
static bool
has_entry(const char *user)
{
    credssp_secret *have = NULL;
    credssp_error err = cssp_keyfile_lookup(keyfile, user, NULL, &have);

    credssp_secret_free(have);
    return err == CREDSSP_OK;
}

/* The smart-card result of the tests: alice's hints and CSP details. */
static struct credssp_result *
sc_result(const char *the_pin, const char *hint)
{
    struct credssp_result *r = fixture_smartcard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", hint,
                                                 "TESTDOM", the_pin);

    fixture_csp(r, 1, "cssp-alice", "Virtual\tReader 0", "alice-key",
                "Microsoft Base Smart Card Crypto Provider");
    return r;
}

/* Contents of the pam_exec environment dump (malloc'ed, "" if none). */
static char *
env_dump(void)
{
    char path[4096], *buf = calloc(1, 65536);
    FILE *f;

    assert_non_null(buf);
    snprintf(path, sizeof(path), "%s/envdump", dir);
    f = fopen(path, "r");
    if (f != NULL) {
        size_t n = fread(buf, 1, 65535, f);

        buf[n] = '\0';
        fclose(f);
        (void)unlink(path);
    }
    return buf;
}

/* Set the lock shim's tries-left counter. */
static void
set_tries(int n)
{
    FILE *f = fopen(shim_state, "w");

    assert_non_null(f);
    fprintf(f, "%d\n", n);
    fclose(f);
}

/* ------------------------------------------------------------------ */
/* Smart card                                                          */
/* ------------------------------------------------------------------ */

static void
test_sc_handoff_right_pin(void **state)
{
    int setcred = -1;
    char *env;

    (void)state;
    assert_int_equal(run_auth("sc_handoff", "alice", sc_result(pin, "alice"), NULL, &setcred),
                     PAM_SUCCESS);
    assert_int_equal(setcred, PAM_SUCCESS);
    env = env_dump();
    assert_non_null(strstr(env, "CREDSSP_SC_KEY_SPEC=1\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_CARD=cssp-alice\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_READER=Virtual?Reader 0\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_CONTAINER=alice-key\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_CSP=Microsoft Base Smart Card Crypto Provider\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_USER_HINT=alice\n"));
    assert_non_null(strstr(env, "CREDSSP_SC_DOMAIN_HINT=TESTDOM\n"));
    assert_null(strstr(env, pin));
    assert_null(strstr(env, CREDSSP_HANDOFF_ENV));
    free(env);
    /* The stack has `enroll`: a PIN is never stored as a password hash. */
    assert_false(has_entry("alice"));
}

static void
test_sc_handoff_wrong_pin(void **state)
{
    (void)state;
    assert_int_equal(run_auth("sc_handoff", "alice", sc_result(WRONG_PIN, "alice"), NULL, NULL),
                     PAM_AUTH_ERR);
    free(env_dump());
}

static void
test_sc_handoff_hint_mismatch(void **state)
{
    (void)state;
    /* pam_credssp refuses before pam_p11 ever sees the PIN. */
    assert_int_equal(run_auth("sc_handoff", "alice", sc_result(pin, "bob"), NULL, NULL),
                     PAM_AUTH_ERR);
    free(env_dump());
}

static void
test_sc_login_conv(void **state)
{
    credssp_pam_session *s = NULL;
    struct credssp_result *r = sc_result(pin, "alice");

    (void)state;
    assert_int_equal(credssp_pam_login(r, "sc_plain", "alice", NULL, CREDSSP_PAM_LOGIN_AUTH_ONLY,
                                       &s),
                     CREDSSP_OK);
    credssp_pam_session_free(s);
    credssp_result_free(r);
    r = sc_result(WRONG_PIN, "alice");
    assert_int_equal(credssp_pam_login(r, "sc_plain", "alice", NULL, CREDSSP_PAM_LOGIN_AUTH_ONLY,
                                       &s),
                     CREDSSP_E_LOGON_FAILURE);
    assert_int_equal(credssp_pam_session_step(s), CREDSSP_PAM_STEP_AUTHENTICATE);
    assert_int_equal(credssp_pam_session_pam_code(s), PAM_AUTH_ERR);
    credssp_pam_session_free(s);
    credssp_result_free(r);
}

static void
test_sc_locked_token(void **state)
{
    (void)state;
    set_tries(3);
    assert_int_equal(run_auth("sc_shim", "alice", sc_result(pin, "alice"), NULL, NULL),
                     PAM_SUCCESS);
    for (int i = 0; i < 3; i++)
        assert_int_equal(run_auth("sc_shim", "alice", sc_result(WRONG_PIN, "alice"), NULL, NULL),
                         PAM_AUTH_ERR);
    /* Locked: the right PIN no longer opens it (C_Login: CKR_PIN_LOCKED). */
    for (int i = 0; i < 2; i++)
        assert_int_equal(run_auth("sc_shim", "alice", sc_result(pin, "alice"), NULL, NULL),
                         PAM_AUTH_ERR);
    set_tries(3);
    assert_int_equal(run_auth("sc_shim", "alice", sc_result(pin, "alice"), NULL, NULL),
                     PAM_SUCCESS);
    free(env_dump());
}

static void
test_sc_no_token(void **state)
{
    FILE *f = fopen(shim_state, "w");

    (void)state;
    /* No card in the (redirected) reader: the PIN alone is not the card. */
    assert_non_null(f);
    fputs("absent\n", f);
    fclose(f);
    assert_int_equal(run_auth("sc_shim", "alice", sc_result(pin, "alice"), NULL, NULL),
                     PAM_AUTHINFO_UNAVAIL);
    set_tries(3);
    assert_int_equal(run_auth("sc_shim", "alice", sc_result(pin, "alice"), NULL, NULL),
                     PAM_SUCCESS);
}

/* ------------------------------------------------------------------ */
/* Restricted Admin, Remote Guard                                      */
/* ------------------------------------------------------------------ */

/* credssp_pam_login for r in service as alice (auth + account only). */
static credssp_error
login(struct credssp_result *r, const char *service)
{
    credssp_pam_session *s = NULL;
    credssp_error err = credssp_pam_login(r, service, "alice", NULL,
                                          CREDSSP_PAM_LOGIN_AUTH_ONLY, &s);

    credssp_pam_session_free(s);
    credssp_result_free(r);
    return err;
}

static void
test_restricted_admin(void **state)
{
    (void)state;
    assert_int_equal(login(fixture_restricted(CREDSSP_MECH_NTLM, "TESTDOM\\alice"), "ra_trust"),
                     CREDSSP_OK);
    assert_int_equal(login(fixture_restricted(CREDSSP_MECH_NTLM, "TESTDOM\\alice"), "ra_notrust"),
                     CREDSSP_E_LOGON_FAILURE);
    assert_int_equal(login(fixture_restricted(CREDSSP_MECH_NTLM, "TESTDOM\\bob"), "ra_trust"),
                     CREDSSP_E_LOGON_FAILURE);
}

static void
test_remote_guard(void **state)
{
    static const uint8_t buf[] = { 0x0a, 0, 0, 0 };

    (void)state;
    assert_int_equal(login(fixture_remote_guard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "Kerberos",
                                                buf, sizeof(buf)),
                           "ra_trust"),
                     CREDSSP_OK);
    assert_int_equal(login(fixture_remote_guard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "Kerberos",
                                                buf, sizeof(buf)),
                           "ra_notrust"),
                     CREDSSP_E_LOGON_FAILURE);
}

/* ------------------------------------------------------------------ */
/* Enrolment                                                           */
/* ------------------------------------------------------------------ */

static void
test_chauthtok_enrols(void **state)
{
    struct stat st;

    (void)state;
    assert_int_equal(run_chauthtok("passwd_enroll", "alice", PW_ALICE_OLD, PW_ALICE_NEW),
                     PAM_SUCCESS);
    assert_true(enrolled_with("alice", PW_ALICE_NEW));
    assert_int_equal(stat(keyfile, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_uid, geteuid());
    /* The new password works for the stack too; the old one no longer. */
    assert_int_equal(run_auth("login_enroll", "alice", NULL, PW_ALICE_NEW, NULL), PAM_SUCCESS);
    assert_int_not_equal(run_auth("login_enroll", "alice", NULL, PW_ALICE_OLD, NULL),
                         PAM_SUCCESS);
}

static void
test_chauthtok_wrong_old(void **state)
{
    (void)state;
    assert_int_not_equal(run_chauthtok("passwd_enroll", "alice", "not-the-old", "Other-3"),
                         PAM_SUCCESS);
    assert_true(enrolled_with("alice", PW_ALICE_NEW));
}

static void
test_chauthtok_unwritable(void **state)
{
    (void)state;
    /* A key file in a missing directory: the change is refused up front. */
    assert_int_not_equal(run_chauthtok("passwd_badkey", "alice", PW_ALICE_NEW, "Other-4"),
                         PAM_SUCCESS);
    assert_int_equal(run_auth("login_enroll", "alice", NULL, PW_ALICE_NEW, NULL), PAM_SUCCESS);
}

static void
test_chauthtok_foreign_keyfile(void **state)
{
    (void)state;
    assert_int_equal(chown(keyfile, 12345, 12345), 0);
    assert_int_not_equal(run_chauthtok("passwd_enroll", "alice", PW_ALICE_NEW, "Other-5"),
                         PAM_SUCCESS);
    assert_int_equal(chown(keyfile, geteuid(), getegid()), 0);
    assert_int_equal(chmod(keyfile, 0644), 0);
    assert_int_not_equal(run_chauthtok("passwd_enroll", "alice", PW_ALICE_NEW, "Other-6"),
                         PAM_SUCCESS);
    assert_int_equal(chmod(keyfile, 0600), 0);
    assert_true(enrolled_with("alice", PW_ALICE_NEW));
    assert_int_equal(run_auth("login_enroll", "alice", NULL, PW_ALICE_NEW, NULL), PAM_SUCCESS);
}

static void
test_auth_enroll(void **state)
{
    int setcred = -1;

    (void)state;
    assert_false(has_entry("bob"));
    assert_int_equal(run_auth("login_enroll", "bob", NULL, "bob-pw-1", &setcred), PAM_SUCCESS);
    assert_int_equal(setcred, PAM_SUCCESS);
    assert_true(enrolled_with("bob", "bob-pw-1"));
}

static void
test_auth_enroll_wrong_password(void **state)
{
    (void)state;
    /* The verifier is `required`: it fails but the stack goes on to
     * pam_credssp, which keeps the hash in PAM data only; no setcred, no write. */
    assert_int_not_equal(run_auth("login_enroll_required", "carol", NULL, "not-carols", NULL),
                         PAM_SUCCESS);
    assert_false(has_entry("carol"));
    assert_int_equal(run_auth("login_enroll_required", "carol", NULL, "carol-pw-1", NULL),
                     PAM_SUCCESS);
    assert_false(has_entry("carol"));      /* setcred not called */
}

static void
test_auth_enroll_minimum_uid(void **state)
{
    int setcred = -1;

    (void)state;
    assert_int_equal(run_auth("login_enroll", "sysacct", NULL, "sys-pw-1", &setcred),
                     PAM_SUCCESS);
    assert_false(has_entry("sysacct"));
}

/*
 * trust + enroll (issue 10, finding 4): under `trust` the delegated password
 * is not checked by anything (the identity is), so it must never be enrolled:
 * an attacker who can authenticate as carol must not plant a password of its
 * choice as carol's NT hash.
 */
static void
test_trust_never_enrols(void **state)
{
    int setcred = -1;

    (void)state;
    assert_false(has_entry("carol"));
    assert_int_equal(run_auth("trust_enroll", "carol",
                              fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\carol", "carol",
                                             "TESTDOM", "Attacker-pw-9", 6),
                              NULL, &setcred),
                     PAM_SUCCESS);
    assert_false(has_entry("carol"));
}

static void
test_concurrent_enroll(void **state)
{
    enum { N = 8, ROUNDS = 4 };
    pid_t pids[N];
    char user[16], pw[32], path[4096];
    struct stat st;

    (void)state;
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            int bad = 0;

            snprintf(user, sizeof(user), "u%d", i + 1);
            snprintf(pw, sizeof(pw), "pw-u%d", i + 1);
            for (int k = 0; k < ROUNDS; k++) {
                struct answers a = { .password = pw };
                struct pam_conv conv = { conv_fn, &a };
                pam_handle_t *ph = NULL;

                if (pam_start("login_enroll", user, &conv, &ph) != PAM_SUCCESS ||
                    pam_authenticate(ph, 0) != PAM_SUCCESS ||
                    pam_setcred(ph, PAM_ESTABLISH_CRED) != PAM_SUCCESS)
                    bad = 1;
                if (ph != NULL)
                    pam_end(ph, PAM_SUCCESS);
            }
            _exit(bad);
        }
    }
    for (int i = 0; i < N; i++) {
        int status = 0;

        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    for (int i = 0; i < N; i++) {
        snprintf(user, sizeof(user), "u%d", i + 1);
        snprintf(pw, sizeof(pw), "pw-u%d", i + 1);
        assert_true(enrolled_with(user, pw));
    }
    assert_true(enrolled_with("alice", PW_ALICE_NEW));
    assert_true(enrolled_with("bob", "bob-pw-1"));
    assert_int_equal(stat(keyfile, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    snprintf(path, sizeof(path), "%s.XXXXXX", keyfile);
    (void)path;      /* no temporary file may be left: checked by the script */
}

/* ------------------------------------------------------------------ */
/* Modes                                                               */
/* ------------------------------------------------------------------ */

/* Required environment variable. */
static const char *
need_env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "pam_credtypes: %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* The cmocka suite. */
static int
run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc_handoff_right_pin),
        cmocka_unit_test(test_sc_handoff_wrong_pin),
        cmocka_unit_test(test_sc_handoff_hint_mismatch),
        cmocka_unit_test(test_sc_login_conv),
        cmocka_unit_test(test_sc_locked_token),
        cmocka_unit_test(test_sc_no_token),
        cmocka_unit_test(test_restricted_admin),
        cmocka_unit_test(test_remote_guard),
        cmocka_unit_test(test_chauthtok_enrols),
        cmocka_unit_test(test_chauthtok_wrong_old),
        cmocka_unit_test(test_chauthtok_unwritable),
        cmocka_unit_test(test_chauthtok_foreign_keyfile),
        cmocka_unit_test(test_auth_enroll),
        cmocka_unit_test(test_auth_enroll_wrong_password),
        cmocka_unit_test(test_auth_enroll_minimum_uid),
        cmocka_unit_test(test_trust_never_enrols),
        cmocka_unit_test(test_concurrent_enroll),
    };

    dir = need_env("CREDTYPES_DIR");
    pin = need_env("CREDTYPES_PIN");
    keyfile = need_env("CREDTYPES_KEYFILE");
    shim_state = need_env("CREDTYPES_SHIM_STATE");
    return cmocka_run_group_tests(tests, NULL, NULL);
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "suite") == 0)
        return run_suite();
    if (argc == 4 && strcmp(argv[1], "chauthtok") == 0)
        return run_chauthtok(argv[2], argv[3], need_env("CREDTYPES_OLD_PW"),
                             need_env("CREDTYPES_NEW_PW"));
    if (argc == 4 && strcmp(argv[1], "auth") == 0) {
        struct answers a = { .password = need_env("CREDTYPES_PW") };
        struct pam_conv conv = { conv_fn, &a };
        pam_handle_t *ph = NULL;
        int rc;

        if (pam_start(argv[2], argv[3], &conv, &ph) != PAM_SUCCESS)
            return PAM_SYSTEM_ERR;
        rc = pam_authenticate(ph, 0);
        if (rc == PAM_SUCCESS)
            rc = pam_setcred(ph, PAM_ESTABLISH_CRED);
        pam_end(ph, rc);
        return rc;
    }
    fprintf(stderr, "usage: pam_credtypes suite | chauthtok SERVICE USER | auth SERVICE USER\n");
    return 64;
}
