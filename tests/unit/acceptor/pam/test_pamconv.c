/*
 * test_pamconv.c - the truthful PAM conversation (acceptor/pam/pamconv.c):
 * right answers, the second and different password prompt refused, the
 * answer cap, info/error messages collected, nothing answered that was not
 * delegated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "credssp_pam.h"
#include "result_fixture.h"

#define PW "S3cret pw!"

/* Run the conversation over n messages; returns the PAM code. */
static int
run(const credssp_pam_conv *c, const struct pam_message *msgs, int n,
    struct pam_response **resp_out)
{
    const struct pam_conv *pc = credssp_pam_conv_get(c);
    const struct pam_message *ptrs[8];

    assert_true(n <= 8);
    for (int i = 0; i < n; i++)
        ptrs[i] = &msgs[i];
    *resp_out = (struct pam_response *)0x1;   /* must be reset */
    return pc->conv(n, ptrs, resp_out, pc->appdata_ptr);
}

/* Free a response array as PAM would. */
static void
drop(struct pam_response *resp, int n)
{
    if (resp == NULL)
        return;
    for (int i = 0; i < n; i++)
        free(resp[i].resp);
    free(resp);
}

/* Ask one prompt; returns the answer (caller frees) or NULL when refused. */
static char *
ask(const credssp_pam_conv *c, int style, const char *prompt)
{
    struct pam_message m = { style, prompt };
    struct pam_response *resp = NULL;
    char *answer;
    int rc = run(c, &m, 1, &resp);

    if (rc != PAM_SUCCESS) {
        assert_int_equal(rc, PAM_CONV_ERR);
        assert_null(resp);
        return NULL;
    }
    assert_non_null(resp);
    answer = resp[0].resp;
    free(resp);
    return answer;
}

/* A conversation for alice with the password PW. */
static credssp_pam_conv *
conv_for(struct credssp_result *r, const char *user)
{
    credssp_pam_conv *c = NULL;

    assert_int_equal(credssp_pam_conv_new(r, user, &c), CREDSSP_OK);
    assert_non_null(c);
    credssp_result_free(r);   /* the helper keeps its own copies */
    return c;
}

static void
test_answers_password_and_user(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "TESTDOM", PW, 6), NULL);
    char *a;

    a = ask(c, PAM_PROMPT_ECHO_ON, "login: ");
    assert_string_equal(a, "alice");
    free(a);
    a = ask(c, PAM_PROMPT_ECHO_OFF, "Password: ");
    assert_string_equal(a, PW);
    free(a);
    assert_int_equal(credssp_pam_conv_refused(c), 0);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_user_override(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\Alice", "Alice", "TESTDOM", PW, 6), "alice");
    char *a = ask(c, PAM_PROMPT_ECHO_ON, "login: ");

    assert_string_equal(a, "alice");
    free(a);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_refuses_new_password(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    char *a = ask(c, PAM_PROMPT_ECHO_OFF, "Password: ");

    assert_string_equal(a, PW);
    free(a);
    /* Expired password: the stack asks for a new one; the old one must not answer. */
    assert_null(ask(c, PAM_PROMPT_ECHO_OFF, "New password: "));
    assert_null(ask(c, PAM_PROMPT_ECHO_OFF, "Retype new password: "));
    assert_int_equal(credssp_pam_conv_refused(c), 2);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_refuses_otp(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    char *a = ask(c, PAM_PROMPT_ECHO_OFF, "Password: ");

    free(a);
    assert_null(ask(c, PAM_PROMPT_ECHO_OFF, "Verification code: "));
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_same_prompt_repeats_until_cap(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);

    for (int i = 0; i < CREDSSP_PAM_CONV_MAX_ANSWERS; i++) {
        char *a = ask(c, PAM_PROMPT_ECHO_OFF, "Password: ");

        assert_string_equal(a, PW);
        free(a);
    }
    assert_null(ask(c, PAM_PROMPT_ECHO_OFF, "Password: "));
    assert_int_equal(credssp_pam_conv_refused(c), 1);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_second_echo_on_prompt_refused(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    char *a = ask(c, PAM_PROMPT_ECHO_ON, "login: ");

    free(a);
    assert_null(ask(c, PAM_PROMPT_ECHO_ON, "Enter your OTP: "));
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_collects_messages(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    struct pam_message m[3] = {
        { PAM_TEXT_INFO, "Welcome" },
        { PAM_PROMPT_ECHO_OFF, "Password: " },
        { PAM_ERROR_MSG, "Your password expires in 3 days" },
    };
    struct pam_response *resp = NULL;
    int style = 0;

    assert_int_equal(run(c, m, 3, &resp), PAM_SUCCESS);
    assert_null(resp[0].resp);
    assert_string_equal(resp[1].resp, PW);
    assert_null(resp[2].resp);
    drop(resp, 3);
    assert_int_equal(credssp_pam_conv_message_count(c), 2);
    assert_string_equal(credssp_pam_conv_message(c, 0, &style), "Welcome");
    assert_int_equal(style, PAM_TEXT_INFO);
    assert_string_equal(credssp_pam_conv_message(c, 1, &style), "Your password expires in 3 days");
    assert_int_equal(style, PAM_ERROR_MSG);
    assert_null(credssp_pam_conv_message(c, 2, &style));
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_message_cap(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    struct pam_message m = { PAM_TEXT_INFO, "chatty" };

    for (int i = 0; i < CREDSSP_PAM_CONV_MAX_MESSAGES + 5; i++) {
        struct pam_response *resp = NULL;

        assert_int_equal(run(c, &m, 1, &resp), PAM_SUCCESS);
        drop(resp, 1);
    }
    assert_int_equal(credssp_pam_conv_message_count(c), CREDSSP_PAM_CONV_MAX_MESSAGES);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_refusal_fails_whole_call(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    struct pam_message m[2] = {
        { PAM_PROMPT_ECHO_OFF, "Password: " },
        { PAM_PROMPT_ECHO_OFF, "Verification code: " },
    };
    struct pam_response *resp = NULL;

    /* Half an answer is no answer: no response array comes back. */
    assert_int_equal(run(c, m, 2, &resp), PAM_CONV_ERR);
    assert_null(resp);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_no_secret_no_answer(void **state)
{
    credssp_pam_conv *c = conv_for(fixture_restricted(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL"),
                                   NULL);

    assert_null(ask(c, PAM_PROMPT_ECHO_OFF, "Password: "));
    /* No delegated user and none given: ECHO_ON is refused too. */
    assert_null(ask(c, PAM_PROMPT_ECHO_ON, "login: "));
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_pin_answers(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_smartcard(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", NULL, "123456"),
        NULL);
    char *a = ask(c, PAM_PROMPT_ECHO_OFF, "Smart card PIN: ");

    assert_string_equal(a, "123456");
    free(a);
    credssp_pam_conv_free(c);
    (void)state;
}

static void
test_bad_calls(void **state)
{
    credssp_pam_conv *c = conv_for(
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6), NULL);
    const struct pam_conv *pc = credssp_pam_conv_get(c);
    struct pam_message m = { 42, "binary?" };
    const struct pam_message *mp = &m;
    struct pam_response *resp = NULL;

    assert_int_equal(pc->conv(1, &mp, &resp, pc->appdata_ptr), PAM_CONV_ERR);
    assert_null(resp);
    assert_int_equal(pc->conv(0, &mp, &resp, pc->appdata_ptr), PAM_CONV_ERR);
    assert_int_equal(pc->conv(PAM_MAX_NUM_MSG + 1, &mp, &resp, pc->appdata_ptr), PAM_CONV_ERR);
    assert_int_equal(pc->conv(1, NULL, &resp, pc->appdata_ptr), PAM_CONV_ERR);
    credssp_pam_conv_free(c);
    credssp_pam_conv_free(NULL);
    assert_int_equal(credssp_pam_conv_new(NULL, "x", &c), CREDSSP_E_INVALID_ARG);
    assert_null(c);
    assert_null(credssp_pam_conv_get(NULL));
    assert_int_equal(credssp_pam_conv_message_count(NULL), 0);
    (void)state;
}

static void
test_step_names(void **state)
{
    assert_string_equal(credssp_pam_step_name(CREDSSP_PAM_STEP_AUTHENTICATE), "authenticate");
    assert_string_equal(credssp_pam_step_name(CREDSSP_PAM_STEP_END), "end");
    assert_string_equal(credssp_pam_step_name((credssp_pam_step)99), "unknown");
    assert_int_equal(credssp_pam_session_step(NULL), CREDSSP_PAM_STEP_NONE);
    credssp_pam_session_free(NULL);
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_password_and_user),
        cmocka_unit_test(test_user_override),
        cmocka_unit_test(test_refuses_new_password),
        cmocka_unit_test(test_refuses_otp),
        cmocka_unit_test(test_same_prompt_repeats_until_cap),
        cmocka_unit_test(test_second_echo_on_prompt_refused),
        cmocka_unit_test(test_collects_messages),
        cmocka_unit_test(test_message_cap),
        cmocka_unit_test(test_refusal_fails_whole_call),
        cmocka_unit_test(test_no_secret_no_answer),
        cmocka_unit_test(test_pin_answers),
        cmocka_unit_test(test_bad_calls),
        cmocka_unit_test(test_step_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
