/*
 * test_error.c - the error table: every code has a name, message and category.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const credssp_error all_codes[] = {
    CREDSSP_E_INVALID_ARG, CREDSSP_E_STATE, CREDSSP_E_CONFIG, CREDSSP_E_NAME_COLLISION,
    CREDSSP_E_TRUNCATED,
    CREDSSP_E_TRAILING, CREDSSP_E_BAD_TAG, CREDSSP_E_BAD_LENGTH, CREDSSP_E_TOO_LARGE,
    CREDSSP_E_BAD_INTEGER, CREDSSP_E_BAD_STRING, CREDSSP_E_BAD_VERSION, CREDSSP_E_UNEXPECTED,
    CREDSSP_E_BAD_NONCE, CREDSSP_E_BAD_CRED_TYPE, CREDSSP_E_BAD_TOKEN, CREDSSP_E_BINDING,
    CREDSSP_E_CRYPTO, CREDSSP_E_LOGON_FAILURE, CREDSSP_E_GSS, CREDSSP_E_NO_ACCEPTOR_CRED,
    CREDSSP_E_TLS, CREDSSP_E_POLICY_VERSION, CREDSSP_E_POLICY_MECH, CREDSSP_E_POLICY_CRED_TYPE,
    CREDSSP_E_IDENTITY_MISMATCH, CREDSSP_E_TOO_MANY_ROUNDS, CREDSSP_E_TIMEOUT, CREDSSP_E_NOMEM,
    CREDSSP_E_IO, CREDSSP_E_CLOSED, CREDSSP_E_INTERNAL,
};

static void
test_every_code_described(void **state)
{
    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(all_codes); i++) {
        const char *msg = credssp_strerror(all_codes[i]);
        const char *name = credssp_error_name(all_codes[i]);

        assert_non_null(msg);
        assert_string_not_equal(msg, "unknown error");
        assert_string_not_equal(name, "unknown");
        /* names are unique */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(name, credssp_error_name(all_codes[j]));
    }
}

static void
test_categories(void **state)
{
    (void)state;
    assert_int_equal(credssp_error_category_of(CREDSSP_OK), CREDSSP_CAT_NONE);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_STATE), CREDSSP_CAT_USAGE);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_TRAILING), CREDSSP_CAT_PROTOCOL);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_BINDING), CREDSSP_CAT_CRYPTO);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_LOGON_FAILURE), CREDSSP_CAT_GSS);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_TLS), CREDSSP_CAT_TLS);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_POLICY_VERSION), CREDSSP_CAT_POLICY);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_NOMEM), CREDSSP_CAT_RESOURCE);
    assert_int_equal(credssp_error_category_of(CREDSSP_E_INTERNAL), CREDSSP_CAT_INTERNAL);
    for (size_t i = 0; i < CSSP_COUNT(all_codes); i++)
        assert_int_not_equal(credssp_error_category_of(all_codes[i]), CREDSSP_CAT_NONE);
}

static void
test_unknown_code(void **state)
{
    (void)state;
    assert_string_equal(credssp_strerror((credssp_error)0x7777), "unknown error");
    assert_string_equal(credssp_error_name((credssp_error)0x7777), "unknown");
    assert_int_equal(credssp_error_category_of((credssp_error)0x0199), CREDSSP_CAT_NONE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_described),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_unknown_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
