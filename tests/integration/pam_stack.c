/*
 * pam_stack.c - pam_credssp.so and credssp_pam_login in real PAM stacks
 * (pam_wrapper, nss_wrapper, pam_krb5, pam_matrix and a throwaway MIT KDC),
 * run by tests/integration/pam_credssp.sh, which writes the service files
 * (see there) and exports:
 *   PAM_STACK_USER_UID   uid of alice in the nss_wrapper passwd file
 *   PAM_STACK_CCDIR      directory of the ticket caches
 *   PAM_STACK_PW         alice's Kerberos password (never printed)
 * argv[1] = "pam" (no KDC needed), "up" (KDC running) or "down" (KDC stopped).
 *
 * Whether pam_credssp returned PAM_IGNORE is seen through the stacks: they
 * read "auth [success=done ignore=ignore default=die] pam_credssp.so" and
 * then pam_get_items.so, which exports the PAM items (PAM_SERVICE,
 * PAM_AUTHTOK...) into the PAM environment only when it ran.
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
#include <unistd.h>

#include <cmocka.h>
#include <krb5.h>
#include <security/pam_appl.h>

#include "credssp_pam.h"
#include "result_fixture.h"

#define RHOST "192.0.2.7"
#define WRONG_PW "Wr0ng-pw"

/* What one PAM transaction did. */
struct outcome {
    int auth;                 /* pam_authenticate */
    int setcred;              /* pam_setcred(ESTABLISH), -1 if not run */
    int del;                  /* pam_setcred(DELETE), -1 if not run */
    int prompts;              /* conversation prompts (all refused) */
    bool items_ran;           /* pam_get_items.so ran: pam_credssp said IGNORE */
    bool authtok_is_pw;       /* PAM_AUTHTOK exported and equal to the password */
    bool handoff_left;        /* CREDSSP_HANDOFF still in the PAM env */
    char ccname[512];         /* KRB5CCNAME after setcred, "" if none */
    bool cc_exists_after_delete;
};

static const char *password;
static char tokens[64][CREDSSP_HANDOFF_TOKEN_LEN + 1];   /* every hand-off made */
static size_t n_tokens;

/* A conversation that answers nothing: any prompt fails and is counted. */
static int
refuse_all(int n, const struct pam_message **msg, struct pam_response **resp, void *appdata)
{
    int *prompts = appdata;

    *resp = NULL;
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
            (*prompts)++;
            return PAM_CONV_ERR;
        }
    }
    return PAM_CONV_ERR;
}

/* Store r's credential in the user keyring; the token into tok. */
static void
handoff(struct credssp_result *r, char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1])
{
    assert_int_equal(credssp_handoff_store(r, 0, CREDSSP_HANDOFF_KEYRING_DEFAULT, tok), CREDSSP_OK);
    credssp_result_free(r);
    assert_true(n_tokens < sizeof(tokens) / sizeof(tokens[0]));
    memcpy(tokens[n_tokens++], tok, CREDSSP_HANDOFF_TOKEN_LEN + 1);
}

/* Consume a token left over by a failed test, so @u stays clean. */
static void
consume(const char *tok)
{
    credssp_result *r = NULL;

    if (credssp_handoff_claim(tok, CREDSSP_HANDOFF_KEYRING_DEFAULT, &r) == CREDSSP_OK)
        credssp_result_free(r);
}

/* Run auth (+ setcred, + delete when delete_cred) for user in service. */
static struct outcome
run(const char *service, const char *user, const char *tok, bool delete_cred)
{
    struct outcome o = { .setcred = -1, .del = -1 };
    struct pam_conv conv = { refuse_all, &o.prompts };
    pam_handle_t *ph = NULL;
    const char *v;
    char env[128];

    assert_int_equal(pam_start(service, user, &conv, &ph), PAM_SUCCESS);
    assert_int_equal(pam_set_item(ph, PAM_RHOST, RHOST), PAM_SUCCESS);
    if (tok != NULL) {
        snprintf(env, sizeof(env), "%s=%s", CREDSSP_HANDOFF_ENV, tok);
        assert_int_equal(pam_putenv(ph, env), PAM_SUCCESS);
    }
    o.auth = pam_authenticate(ph, 0);
    o.items_ran = pam_getenv(ph, "PAM_SERVICE") != NULL;
    v = pam_getenv(ph, "PAM_AUTHTOK");
    o.authtok_is_pw = v != NULL && password != NULL && strcmp(v, password) == 0;
    o.handoff_left = pam_getenv(ph, CREDSSP_HANDOFF_ENV) != NULL;
    if (o.auth == PAM_SUCCESS) {
        o.setcred = pam_setcred(ph, PAM_ESTABLISH_CRED);
        v = pam_getenv(ph, "KRB5CCNAME");
        snprintf(o.ccname, sizeof(o.ccname), "%s", v != NULL ? v : "");
        if (delete_cred && o.setcred == PAM_SUCCESS) {
            o.del = pam_setcred(ph, PAM_DELETE_CRED);
            o.cc_exists_after_delete =
                o.ccname[0] != '\0' && access(o.ccname + (strncmp(o.ccname, "FILE:", 5) == 0 ? 5 : 0), F_OK) == 0;
        }
    }
    pam_end(ph, o.auth);
    return o;
}

/* Assert ccname is a FILE cache owned by the user, 0600, holding a TGT for alice. */
static void
assert_user_tgt(const char *ccname)
{
    const char *path = strncmp(ccname, "FILE:", 5) == 0 ? ccname + 5 : ccname;
    struct stat st;
    krb5_context k = NULL;
    krb5_ccache cc = NULL;
    krb5_principal p = NULL;
    krb5_cc_cursor cur;
    krb5_creds c;
    char *name = NULL;
    bool tgt = false;
    const char *uid = getenv("PAM_STACK_USER_UID");
    char *end = NULL;

    assert_non_null(uid);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_uid, (uid_t)strtoul(uid, &end, 10));
    assert_true(end != uid && *end == '\0');
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(krb5_init_context(&k), 0);
    assert_int_equal(krb5_cc_resolve(k, ccname, &cc), 0);
    assert_int_equal(krb5_cc_get_principal(k, cc, &p), 0);
    assert_int_equal(krb5_unparse_name(k, p, &name), 0);
    assert_string_equal(name, "alice@TEST.LOCAL");
    krb5_free_unparsed_name(k, name);
    assert_int_equal(krb5_cc_start_seq_get(k, cc, &cur), 0);
    while (krb5_cc_next_cred(k, cc, &cur, &c) == 0) {
        if (krb5_unparse_name(k, c.server, &name) == 0) {
            tgt |= strcmp(name, "krbtgt/TEST.LOCAL@TEST.LOCAL") == 0;
            krb5_free_unparsed_name(k, name);
        }
        krb5_free_cred_contents(k, &c);
    }
    krb5_cc_end_seq_get(k, cc, &cur);
    assert_true(tgt);
    krb5_free_principal(k, p);
    krb5_cc_close(k, cc);
    krb5_free_context(k);
}

/* Does the ccache directory hold no file at all? */
static bool
ccdir_empty(void)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", getenv("PAM_STACK_CCDIR"));
    return system(cmd) == 0;
}

#define NTLM_ALICE(pw) fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "TESTDOM", pw, 6)
#define KRB_ALICE(pw) fixture_result(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "TEST.LOCAL", pw, 6)

/* ------------------------------------------------------------------ */
/* pam_credssp alone                                                   */
/* ------------------------------------------------------------------ */

static void
test_no_handoff_is_ignored(void **state)
{
    struct outcome o = run("probe", "alice", NULL, false);

    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_true(o.items_ran);          /* pam_credssp returned PAM_IGNORE */
    assert_false(o.authtok_is_pw);
    assert_int_equal(o.prompts, 0);
    (void)state;
}

static void
test_forwards_password(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("probe", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_true(o.items_ran);          /* IGNORE: it vouches for nothing */
    assert_true(o.authtok_is_pw);      /* ... but PAM_AUTHTOK carries the password */
    assert_false(o.handoff_left);      /* the token left the PAM env */
    /* One-time: the same token again is refused. */
    o = run("probe", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    assert_false(o.items_ran);
    (void)state;
}

static void
test_identity_mismatch(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    /* bob authenticated; the application asks to log in alice. */
    handoff(fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\bob", "bob", "TESTDOM", password, 6), tok);
    o = run("probe", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    assert_false(o.items_ran);
    assert_false(o.authtok_is_pw);
    consume(tok);
    /* alice authenticated but delegated bob's name: also a mismatch. */
    handoff(fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "bob", "TESTDOM", password, 6), tok);
    o = run("probe_trust", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    consume(tok);
    (void)state;
}

static void
test_domain_option_restricts(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(fixture_result(CREDSSP_MECH_NTLM, "EVIL\\alice", "alice", "EVIL", password, 6), tok);
    o = run("probe_domain", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    handoff(NTLM_ALICE(password), tok);
    o = run("probe_domain", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_true(o.authtok_is_pw);
    (void)state;
}

static void
test_forged_token(void **state)
{
    struct outcome o = run("probe", "alice",
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false);

    assert_int_equal(o.auth, PAM_AUTH_ERR);
    o = run("probe", "alice", "not-a-token", false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    (void)state;
}

static void
test_trust(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("probe_trust", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_false(o.items_ran);         /* success=done: pam_credssp said PAM_SUCCESS */
    /* No authenticated identity: trust has nothing to trust. */
    handoff(fixture_result(CREDSSP_MECH_NONE, NULL, "alice", "", password, 6), tok);
    o = run("probe_trust", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    (void)state;
}

/* ------------------------------------------------------------------ */
/* With pam_krb5 and the KDC                                           */
/* ------------------------------------------------------------------ */

static void
test_pam_krb5_use_first_pass(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_int_equal(o.prompts, 0);    /* pam_krb5 took PAM_AUTHTOK */
    assert_int_equal(o.setcred, PAM_SUCCESS);
    assert_true(strstr(o.ccname, getenv("PAM_STACK_CCDIR")) != NULL);
    assert_user_tgt(o.ccname);
    unlink(strncmp(o.ccname, "FILE:", 5) == 0 ? o.ccname + 5 : o.ccname);
    (void)state;
}

static void
test_pam_krb5_wrong_password(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(WRONG_PW), tok);
    o = run("krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTH_ERR);
    assert_int_equal(o.prompts, 0);
    assert_true(ccdir_empty());
    (void)state;
}

static void
test_credssp_ccache(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(KRB_ALICE(password), tok);
    o = run("credssp_krb5", "alice", tok, true);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_int_equal(o.setcred, PAM_SUCCESS);
    assert_int_equal(strncmp(o.ccname, "FILE:", 5), 0);
    assert_true(strstr(o.ccname, "/krb5cc_") != NULL);
    assert_null(strstr(o.ccname, "XXXXXX"));
    assert_int_equal(o.del, PAM_SUCCESS);
    assert_false(o.cc_exists_after_delete);      /* option destroy */
    assert_true(ccdir_empty());
    (void)state;
}

static void
test_credssp_ccache_content(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("trust_krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_int_equal(o.setcred, PAM_SUCCESS);
    assert_user_tgt(o.ccname);
    unlink(o.ccname + 5);
    (void)state;
}

static void
test_trust_krb5_wrong_password(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(WRONG_PW), tok);
    o = run("trust_krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);       /* trusted the NTLM proof ... */
    assert_int_equal(o.setcred, PAM_CRED_ERR);   /* ... but no ticket for a wrong password */
    assert_string_equal(o.ccname, "");
    assert_true(ccdir_empty());
    (void)state;
}

static void
test_missing_keytab(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("trust_krb5_nokeytab", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_int_equal(o.setcred, PAM_CRED_UNAVAIL);   /* TGT not verifiable: refused */
    assert_string_equal(o.ccname, "");
    assert_true(ccdir_empty());
    (void)state;
}

/* ------------------------------------------------------------------ */
/* credssp_pam_login                                                   */
/* ------------------------------------------------------------------ */

static void
test_login_matrix(void **state)
{
    struct credssp_result *r = NTLM_ALICE("M4trix-pw");
    credssp_pam_session *s = NULL;
    const credssp_pam_conv *c;
    int style = 0;

    assert_int_equal(credssp_pam_login(r, "matrix", "alice", RHOST, 0, &s), CREDSSP_OK);
    credssp_result_free(r);
    assert_int_equal(credssp_pam_session_step(s), CREDSSP_PAM_STEP_NONE);
    assert_non_null(credssp_pam_session_handle(s));
    /* pam_matrix's session module set HOMEDIR. */
    assert_non_null(pam_getenv(credssp_pam_session_handle(s), "HOMEDIR"));
    c = credssp_pam_session_conv(s);
    assert_int_equal(credssp_pam_conv_message_count(c), 2);
    assert_string_equal(credssp_pam_conv_message(c, 0, &style), "Welcome from pam_ask");
    assert_int_equal(style, PAM_TEXT_INFO);
    assert_string_equal(credssp_pam_conv_message(c, 1, &style), "Your password expires soon");
    assert_int_equal(style, PAM_ERROR_MSG);
    assert_int_equal(credssp_pam_conv_refused(c), 0);
    assert_int_equal(credssp_pam_session_close(s), CREDSSP_OK);
    assert_null(credssp_pam_session_handle(s));
    credssp_pam_session_free(s);
    (void)state;
}

static void
test_login_matrix_wrong_password(void **state)
{
    struct credssp_result *r = NTLM_ALICE("not-the-pw");
    credssp_pam_session *s = NULL;

    assert_int_equal(credssp_pam_login(r, "matrix", "alice", RHOST, 0, &s),
                     CREDSSP_E_LOGON_FAILURE);
    credssp_result_free(r);
    assert_int_equal(credssp_pam_session_step(s), CREDSSP_PAM_STEP_AUTHENTICATE);
    assert_int_equal(credssp_pam_session_pam_code(s), PAM_AUTH_ERR);
    assert_null(credssp_pam_session_handle(s));
    credssp_pam_session_free(s);
    (void)state;
}

static void
test_login_account_refused(void **state)
{
    struct credssp_result *r = fixture_result(CREDSSP_MECH_NTLM, "bob", "bob", "", "bobpw", 6);
    credssp_pam_session *s = NULL;

    /* bob's passdb line allows another service: pam_matrix's account step says no. */
    assert_int_equal(credssp_pam_login(r, "matrix", "bob", NULL, CREDSSP_PAM_LOGIN_CLOSE_NOW, &s),
                     CREDSSP_E_LOGON_FAILURE);
    credssp_result_free(r);
    assert_int_equal(credssp_pam_session_step(s), CREDSSP_PAM_STEP_ACCT_MGMT);
    assert_int_not_equal(credssp_pam_session_pam_code(s), PAM_SUCCESS);
    credssp_pam_session_free(s);
    (void)state;
}

static void
test_login_second_prompt_refused(void **state)
{
    struct credssp_result *r = NTLM_ALICE("M4trix-pw");
    credssp_pam_session *s = NULL;

    /* A stack that asks "Password: " and then, echo off, something else. */
    assert_int_equal(credssp_pam_login(r, "matrix_then_other", "alice", NULL,
                                       CREDSSP_PAM_LOGIN_AUTH_ONLY, &s),
                     CREDSSP_E_LOGON_FAILURE);
    credssp_result_free(r);
    assert_int_equal(credssp_pam_session_step(s), CREDSSP_PAM_STEP_AUTHENTICATE);
    assert_int_equal(credssp_pam_conv_refused(credssp_pam_session_conv(s)), 1);
    credssp_pam_session_free(s);
    (void)state;
}

static void
test_login_handoff_to_module(void **state)
{
    struct credssp_result *r = KRB_ALICE(password);
    credssp_pam_session *s = NULL;
    const char *cc;
    char path[512];

    /* In-process hand-off: pam_credssp claims from the process keyring,
     * pam_krb5 force_first_pass takes PAM_AUTHTOK, pam_credssp krb5 setcred. */
    assert_int_equal(credssp_pam_login(r, "login_krb5", "alice", RHOST,
                                       CREDSSP_PAM_LOGIN_HANDOFF, &s), CREDSSP_OK);
    credssp_result_free(r);
    assert_null(pam_getenv(credssp_pam_session_handle(s), CREDSSP_HANDOFF_ENV));
    cc = pam_getenv(credssp_pam_session_handle(s), "KRB5CCNAME");
    assert_non_null(cc);
    assert_user_tgt(cc);
    snprintf(path, sizeof(path), "%s", cc + 5);
    assert_int_equal(credssp_pam_session_close(s), CREDSSP_OK);
    assert_int_not_equal(access(path, F_OK), 0);     /* destroy at close */
    credssp_pam_session_free(s);
    (void)state;
}

/* ------------------------------------------------------------------ */
/* KDC down                                                            */
/* ------------------------------------------------------------------ */

static void
test_kdc_down(void **state)
{
    char tok[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct outcome o;

    handoff(NTLM_ALICE(password), tok);
    o = run("krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_AUTHINFO_UNAVAIL);      /* pam_krb5: KDC unreachable */
    handoff(NTLM_ALICE(password), tok);
    o = run("trust_krb5", "alice", tok, false);
    assert_int_equal(o.auth, PAM_SUCCESS);
    assert_int_equal(o.setcred, PAM_CRED_UNAVAIL);       /* pam_credssp: KDC unreachable */
    assert_true(ccdir_empty());
    (void)state;
}

/* Every hand-off this run made was consumed: nothing of ours is left in @u. */
static void
test_no_handoff_left(void **state)
{
    size_t left = 0;

    for (size_t i = 0; i < n_tokens; i++) {
        credssp_result *r = NULL;

        if (credssp_handoff_claim(tokens[i], CREDSSP_HANDOFF_KEYRING_DEFAULT, &r) == CREDSSP_OK) {
            credssp_result_free(r);
            left++;
        }
    }
    assert_int_equal(left, 0);
    (void)state;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest pam[] = {
        cmocka_unit_test(test_no_handoff_is_ignored),
        cmocka_unit_test(test_forwards_password),
        cmocka_unit_test(test_identity_mismatch),
        cmocka_unit_test(test_domain_option_restricts),
        cmocka_unit_test(test_forged_token),
        cmocka_unit_test(test_trust),
        cmocka_unit_test(test_login_matrix),
        cmocka_unit_test(test_login_matrix_wrong_password),
        cmocka_unit_test(test_login_account_refused),
        cmocka_unit_test(test_login_second_prompt_refused),
        cmocka_unit_test(test_no_handoff_left),
    };
    const struct CMUnitTest up[] = {
        cmocka_unit_test(test_pam_krb5_use_first_pass),
        cmocka_unit_test(test_pam_krb5_wrong_password),
        cmocka_unit_test(test_credssp_ccache),
        cmocka_unit_test(test_credssp_ccache_content),
        cmocka_unit_test(test_trust_krb5_wrong_password),
        cmocka_unit_test(test_missing_keytab),
        cmocka_unit_test(test_login_handoff_to_module),
        cmocka_unit_test(test_no_handoff_left),
    };
    const struct CMUnitTest down[] = {
        cmocka_unit_test(test_kdc_down),
        cmocka_unit_test(test_no_handoff_left),
    };
    const char *group = argc > 1 ? argv[1] : "";

    password = getenv("PAM_STACK_PW");
    if (password == NULL || getenv("PAM_STACK_CCDIR") == NULL ||
        getenv("PAM_STACK_USER_UID") == NULL) {
        fprintf(stderr, "run me through tests/integration/pam_credssp.sh\n");
        return 1;
    }
    if (strcmp(group, "pam") == 0)
        return cmocka_run_group_tests_name("pam_stack", pam, NULL, NULL);
    if (strcmp(group, "up") == 0)
        return cmocka_run_group_tests_name("pam_stack_kdc_up", up, NULL, NULL);
    if (strcmp(group, "down") == 0)
        return cmocka_run_group_tests_name("pam_stack_kdc_down", down, NULL, NULL);
    fprintf(stderr, "usage: pam_stack pam|up|down\n");
    return 1;
}
