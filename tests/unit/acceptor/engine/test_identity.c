/*
 * test_identity.c - the delegated-user rule (acceptor/engine/identity.c,
 * docs/IDENTITY.md): a client authenticated as alice cannot delegate bob.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine.h"

#define OK(mech, p, u, d) assert_int_equal(cssp_identity_check(mech, p, u, d), CREDSSP_OK)
#define NO(mech, p, u, d) \
    assert_int_equal(cssp_identity_check(mech, p, u, d), CREDSSP_E_IDENTITY_MISMATCH)

static void
test_ntlm(void **state)
{
    (void)state;
    OK(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "TESTDOM");
    OK(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "ALICE", "testdom");
    OK(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "");
    OK(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "TESTDOM\\alice", "");
    OK(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice@testdom.example", "");
    OK(CREDSSP_MECH_NTLM, "alice", "alice", "");
    OK(CREDSSP_MECH_NTLM, "alice", "alice", "WORKGROUP");
    NO(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "bob", "TESTDOM");
    NO(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "OTHER");
    NO(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "OTHER\\alice", "");
    NO(CREDSSP_MECH_NTLM, "alice", "alicex", "");
    NO(CREDSSP_MECH_NTLM, "alice", "", "");
    NO(CREDSSP_MECH_NTLM, NULL, "alice", "");
}

/*
 * NTLM with a UPN as the user name and no domain (xfreerdp /u:alice@ad.test):
 * gss-ntlmssp names the principal "\\alice@ad.test"; the DC resolved the UPN.
 * Measured against Samba AD: identity_mismatch before the UPN rule.
 */
static void
test_ntlm_upn(void **state)
{
    (void)state;
    OK(CREDSSP_MECH_NTLM, "\\alice@ad.test", "alice@ad.test", "");
    OK(CREDSSP_MECH_NTLM, "\\alice@ad.test", "ALICE@AD.TEST", "");
    OK(CREDSSP_MECH_NTLM, "\\alice@ad.test", "alice", "ad.test");
    OK(CREDSSP_MECH_NTLM, "alice@ad.test", "alice@ad.test", "");
    OK(CREDSSP_MECH_NTLM, "\\alice@ad.test", "alice", "");
    NO(CREDSSP_MECH_NTLM, "\\alice@ad.test", "bob@ad.test", "");
    NO(CREDSSP_MECH_NTLM, "\\alice@ad.test", "alice@other.test", "");
    NO(CREDSSP_MECH_NTLM, "\\alice@ad.test", "OTHER\\alice", "");
    NO(CREDSSP_MECH_NTLM, "\\alice@ad.test", "alice@", "");
    NO(CREDSSP_MECH_NTLM, "\\@ad.test", "@ad.test", "");
    NO(CREDSSP_MECH_NTLM, "\\alice@", "alice", "");
    /* a domain given with the NTLM user name: no UPN split on that side */
    NO(CREDSSP_MECH_NTLM, "ADTEST\\alice@ad.test", "alice", "ADTEST");
}

static void
test_kerberos(void **state)
{
    (void)state;
    OK(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "");
    OK(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "TEST.LOCAL");
    OK(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "test");
    OK(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "Alice@test.local", "");
    OK(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "TEST\\alice", "");
    NO(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "bob", "");
    NO(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "OTHER.REALM");
    NO(CREDSSP_MECH_KERBEROS, "host/alice@TEST.LOCAL", "host/alice", "");
    NO(CREDSSP_MECH_KERBEROS, "alice", "alice", "");
    NO(CREDSSP_MECH_NONE, "alice@TEST.LOCAL", "alice", "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ntlm),
        cmocka_unit_test(test_ntlm_upn),
        cmocka_unit_test(test_kerberos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
