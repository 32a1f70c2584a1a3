/*
 * test_account.c - examples/common/account.c: the one mapping from a CredSSP
 * identity to the local account (credssp-server's PAM user, the gateway's
 * xrdp user): sources in order, portable names, the lower-case fallback, and
 * the --domain rule on the authenticated identity (issue 10.5).  Uses the
 * real passwd database ("root" exists, "no-such-user-xq7" does not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "account.h"
#include "result.h"

/* ------------------------------------------------------------------ */
/* Identity mapping (fe_map_account without --ad)                      */
/* ------------------------------------------------------------------ */

/*
 * Map a result with delegated password creds (user, domain) or only a
 * principal ("user@REALM" is Kerberos, anything else NTLM).
 */
static credssp_error
map(const struct fe_account_rules *o, const char *user, const char *domain, const char *principal,
    char *local, const char **why)
{
    struct credssp_result r;
    credssp_error ret;

    memset(&r, 0, sizeof(r));
    r.mech = principal != NULL && strchr(principal, '@') != NULL && strchr(principal, '\\') == NULL
                 ? CREDSSP_MECH_KERBEROS
                 : CREDSSP_MECH_NTLM;
    r.principal = principal != NULL ? strdup(principal) : NULL;
    if (user != NULL) {
        r.cred_type = CREDSSP_CRED_PASSWORD;
        r.creds.cred_type = 1;
        r.creds.password.user = strdup(user);
        r.creds.password.domain = strdup(domain != NULL ? domain : "");
        assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "pw", 2,
                                            &r.creds.password.password),
                         CREDSSP_OK);
    } else {
        r.cred_type = CREDSSP_CRED_RESTRICTED_ADMIN;
    }
    ret = fe_map_account(o, &r, local, FE_ACCOUNT_MAX, why);
    cssp_result_clear(&r);
    return ret;
}

static void
test_usermap(void **state)
{
    struct fe_account_rules o;
    const char *domains[2] = { NULL, NULL };
    char local[FE_ACCOUNT_MAX];
    const char *why = NULL;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.need_passwd = true;
    assert_int_equal(map(&o, "root", "", "root", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");
    assert_int_equal(map(&o, "ROOT", "CORP", "CORP\\ROOT", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");              /* lower-case fallback */
    assert_int_equal(map(&o, "CORP\\root", "", "CORP\\root", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");
    assert_int_equal(map(&o, "root@corp.example", "", "root", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");
    assert_int_equal(map(&o, NULL, NULL, "CORP\\root", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");              /* no password: the principal */
    assert_int_equal(map(&o, NULL, NULL, "root@EXAMPLE.COM", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");
    assert_int_equal(map(&o, "no-such-user-xq7", "", "x", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "no_such_user");
    o.need_passwd = false;                           /* credssp-server: PAM decides */
    assert_int_equal(map(&o, "no-such-user-xq7", "", "x", local, &why), CREDSSP_OK);
    assert_string_equal(local, "no-such-user-xq7");
    assert_int_equal(map(&o, "../root", "", "x", local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    o.need_passwd = true;
    assert_int_equal(map(&o, "../root", "", "x", local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "name");
    assert_int_equal(map(&o, "-root", "", "x", local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    assert_int_equal(map(&o, "root\\", "", "x", local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    assert_int_equal(map(&o, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "x", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);   /* 33 octets */
    domains[0] = "CORP";
    domains[1] = "corp.example";
    o.domains = domains;
    o.n_domains = 2;
    assert_int_equal(map(&o, "root", "corp", "CORP\\root", local, &why), CREDSSP_OK);
    assert_int_equal(map(&o, "root@CORP.EXAMPLE", "", "corp\\root", local, &why), CREDSSP_OK);
    assert_int_equal(map(&o, "root", "", "CORP\\root", local, &why), CREDSSP_OK);
    assert_int_equal(map(&o, "root", "OTHER", "OTHER\\root", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    assert_int_equal(map(&o, NULL, NULL, "root@EVIL.ORG", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
}

/*
 * Issue 10.5: --domain is checked against the authenticated identity, not
 * only against the delegated domain (which the client chooses and may leave
 * empty).
 */
/* A logon without a password whose GSS local name was computed (Kerberos). */
static credssp_error
map_local(const struct fe_account_rules *o, const char *local_name, const char *principal, char *local,
          const char **why)
{
    struct credssp_result r;
    credssp_error ret;

    memset(&r, 0, sizeof(r));
    r.mech = CREDSSP_MECH_KERBEROS;
    r.cred_type = CREDSSP_CRED_RESTRICTED_ADMIN;
    r.principal = strdup(principal);
    r.local_name = strdup(local_name);
    ret = fe_map_account(o, &r, local, FE_ACCOUNT_MAX, why);
    cssp_result_clear(&r);
    return ret;
}

static void
test_usermap_authenticated_domain(void **state)
{
    struct fe_account_rules o;
    const char *domains[2] = { NULL, NULL };
    char local[FE_ACCOUNT_MAX];
    const char *why = NULL;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.need_passwd = true;
    domains[0] = "TESTDOM";
    o.domains = domains;
    o.n_domains = 1;
    /* NTLM as OTHERDOM\root, delegated "root" with an empty domain */
    assert_int_equal(map(&o, "root", "", "OTHERDOM\\root", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    assert_string_equal(local, "");
    /* ... or a delegated listed domain that NTLM did not prove */
    assert_int_equal(map(&o, "root", "TESTDOM", "OTHERDOM\\root", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    assert_int_equal(map(&o, "TESTDOM\\root", "", "OTHERDOM\\root", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    /* NTLM without any domain proves none: refused once --domain is given */
    assert_int_equal(map(&o, "root", "", "root", local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    /* Kerberos realm outside the list, delegated name without a domain */
    assert_int_equal(map(&o, "root", "", "root@EVIL.ORG", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    /* the GSS local name does not hide the realm it came from */
    assert_int_equal(map_local(&o, "root", "root@EVIL.ORG", local, &why),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_string_equal(why, "domain");
    assert_int_equal(map_local(&o, "root", "root@TESTDOM", local, &why), CREDSSP_OK);
    /* no authenticated principal at all */
    assert_int_equal(map(&o, "root", "", NULL, local, &why), CREDSSP_E_IDENTITY_MISMATCH);
    /* the listed domain, any case, still maps */
    assert_int_equal(map(&o, "root", "", "testdom\\root", local, &why), CREDSSP_OK);
    assert_string_equal(local, "root");
    assert_int_equal(map(&o, NULL, NULL, "TESTDOM\\root", local, &why), CREDSSP_OK);
    assert_int_equal(map(&o, "root", "", "root@TESTDOM", local, &why), CREDSSP_OK);
    /* without --domain the authenticated domain is not restricted */
    o.n_domains = 0;
    assert_int_equal(map(&o, "root", "", "OTHERDOM\\root", local, &why), CREDSSP_OK);
    assert_int_equal(map(&o, "root", "", "root", local, &why), CREDSSP_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usermap),
        cmocka_unit_test(test_usermap_authenticated_domain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
