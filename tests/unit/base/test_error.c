/*
 * test_error.c - the error table: every code of the enum (the list is
 * generated from include/credssp.h) has a unique name, a message and the
 * category of its high byte; the codes of a category are numbered 1, 2, ...
 * without gaps; every category has codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/*
 * all_codes and all_categories: every entry of the two enums, generated at
 * build time from include/credssp.h (tests/style/error_list.sh), so a code
 * added to the enum is checked here without anyone listing it.
 */
#include "tests/unit/base/error_list.h"

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

/* Code n of a category (low byte) exists only if n - 1 does: no gaps, no reuse. */
static bool
listed(unsigned code)
{
    for (size_t i = 0; i < CSSP_COUNT(all_codes); i++) {
        if ((unsigned)all_codes[i] == code)
            return true;
    }
    return false;
}

static void
test_codes_dense(void **state)
{
    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(all_codes); i++) {
        unsigned code = (unsigned)all_codes[i];

        if ((code & 0xff) == 0)
            fail_msg("code 0x%04x: number 0 in its category", code);
        if ((code & 0xff) > 1 && !listed(code - 1))
            fail_msg("code 0x%04x: 0x%04x is missing", code, code - 1);
        assert_int_equal(credssp_error_category_of(all_codes[i]), code >> 8);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(code, (unsigned)all_codes[j]);
    }
    for (size_t c = 0; c < CSSP_COUNT(all_categories); c++) {
        if (!listed(((unsigned)all_categories[c] << 8) | 1))
            fail_msg("category %u has no codes", (unsigned)all_categories[c]);
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
        cmocka_unit_test(test_codes_dense),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_unknown_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
