/*
 * test_result.c - the result accessors and the report names shared by the
 * audit line, credssp-server, credssp-gateway and pam_credssp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "result.h"

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(credssp_mech_name(CREDSSP_MECH_NTLM), "ntlm");
    assert_string_equal(credssp_mech_name(CREDSSP_MECH_KERBEROS), "kerberos");
    assert_null(credssp_mech_name(CREDSSP_MECH_NONE));
    assert_null(credssp_mech_name(CREDSSP_MECH_NTLM | CREDSSP_MECH_KERBEROS));
    assert_string_equal(credssp_binding_name(CREDSSP_BINDING_HASH), "hash");
    assert_string_equal(credssp_binding_name(CREDSSP_BINDING_ECHO), "echo");
    assert_null(credssp_binding_name(CREDSSP_BINDING_NONE));
    assert_string_equal(credssp_cred_type_name(CREDSSP_CRED_NONE), "none");
    assert_string_equal(credssp_cred_type_name(CREDSSP_CRED_PASSWORD), "password");
    assert_string_equal(credssp_cred_type_name(CREDSSP_CRED_SMARTCARD), "smartcard");
    assert_string_equal(credssp_cred_type_name(CREDSSP_CRED_RESTRICTED_ADMIN),
                        "restricted_admin");
    assert_string_equal(credssp_cred_type_name(CREDSSP_CRED_REMOTE_GUARD), "remote_guard");
    assert_null(credssp_cred_type_name(0x100));
}

static void
test_empty_result(void **state)
{
    struct credssp_result *r = NULL;
    char local[CREDSSP_LOCAL_NAME_MAX];

    (void)state;
    assert_int_equal(cssp_result_new(&r), CREDSSP_OK);
    assert_int_equal(credssp_result_mech(r), CREDSSP_MECH_NONE);
    assert_null(credssp_result_principal(r));
    /* no GSS name kept: an empty name */
    assert_int_equal(credssp_result_local_name(r, local, sizeof(local)), CREDSSP_OK);
    assert_string_equal(local, "");
    assert_int_equal(credssp_result_local_name(r, NULL, 0), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_result_local_name(NULL, local, sizeof(local)),
                     CREDSSP_E_INVALID_ARG);
    assert_null(credssp_result_secret(r));
    assert_int_equal(credssp_result_rg_package_count(r), 0);
    credssp_result_free(r);
    /* NULL-safe */
    assert_null(credssp_result_user(NULL));
    assert_int_equal(credssp_result_cred_type(NULL), CREDSSP_CRED_NONE);
    credssp_result_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_empty_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
