/*
 * test_account_map.c - Windows identity -> local account -> principal
 * (acceptor/account_map.c, docs/IDENTITY.md "Domain users"), for each way a
 * member's NSS names domain users, and the NSS spelling step with a fake
 * getpwnam.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "account_map.h"

static const struct cssp_domain_names winbind_q = { "ADTEST", "ad.test", "AD.TEST",
                                                    CSSP_NSS_NETBIOS, 0 };
static const struct cssp_domain_names winbind_plus = { "ADTEST", "ad.test", NULL,
                                                       CSSP_NSS_NETBIOS, '+' };
static const struct cssp_domain_names short_names = { "ADTEST", "ad.test", "AD.TEST",
                                                      CSSP_NSS_SHORT, 0 };
static const struct cssp_domain_names sssd_fq = { "ADTEST", "ad.test", "AD.TEST",
                                                  CSSP_NSS_FQDN, 0 };

/* map (name, domain) under dom; expect local and principal. */
static void
expect(const struct cssp_domain_names *dom, const char *name, const char *domain,
       const char *local, const char *principal, bool domain_user)
{
    struct cssp_account a;

    assert_int_equal(cssp_account_map(dom, name, domain, &a), CREDSSP_OK);
    assert_string_equal(a.local, local);
    assert_string_equal(a.principal, principal);
    assert_int_equal(a.domain_user, domain_user);
}

static void
refuse(const struct cssp_domain_names *dom, const char *name, const char *domain,
       credssp_error want)
{
    struct cssp_account a;

    memset(&a, 'x', sizeof(a));
    assert_int_equal(cssp_account_map(dom, name, domain, &a), want);
    assert_string_equal(a.local, "");        /* nothing half-filled on failure */
    assert_string_equal(a.principal, "");
}

/* The three input forms give the same account in every NSS form. */
static void
test_forms(void **state)
{
    (void)state;
    expect(&winbind_q, "ADTEST\\alice", "", "ADTEST\\alice", "alice@AD.TEST", true);
    expect(&winbind_q, "alice@ad.test", "", "ADTEST\\alice", "alice@AD.TEST", true);
    expect(&winbind_q, "alice@AD.TEST", "", "ADTEST\\alice", "alice@AD.TEST", true);
    expect(&winbind_q, "alice", "adtest", "ADTEST\\alice", "alice@AD.TEST", true);
    expect(&winbind_plus, "adtest\\alice", NULL, "ADTEST+alice", "alice@AD.TEST", true);
    expect(&short_names, "ADTEST\\alice", "", "alice", "alice@AD.TEST", true);
    expect(&short_names, "alice@ad.test", "", "alice", "alice@AD.TEST", true);
    expect(&sssd_fq, "ADTEST\\alice", "", "alice@ad.test", "alice@AD.TEST", true);
    expect(&sssd_fq, "alice@AD.TEST", "", "alice@ad.test", "alice@AD.TEST", true);
    /* no domain named: the name as given, NSS decides */
    expect(&winbind_q, "alice", "", "alice", "alice@AD.TEST", false);
    /* not a member (NT-hash key files): the user part, no principal */
    expect(NULL, "TESTDOM\\alice", "", "alice", "", false);
    expect(NULL, "alice", "TESTDOM", "alice", "", false);
}

/* What must never map: other domains, alt UPN suffixes, odd names. */
static void
test_refused(void **state)
{
    char big[600];

    (void)state;
    refuse(&winbind_q, "OTHER\\alice", "", CREDSSP_E_IDENTITY_MISMATCH);
    refuse(&winbind_q, "alice@corp.example", "", CREDSSP_E_IDENTITY_MISMATCH);
    refuse(&winbind_q, "alice", "ad", CREDSSP_E_IDENTITY_MISMATCH);   /* no label guessing */
    refuse(&winbind_q, "host/srv@AD.TEST", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "alice:0:0", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "ali\nce", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "\\alice", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "alice@", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "@ad.test", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "", "ADTEST", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "ADTEST\\a\\b", "", CREDSSP_E_INVALID_ARG);
    refuse(&winbind_q, "a@b", "ADTEST", CREDSSP_E_INVALID_ARG);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    refuse(&winbind_q, big, "ADTEST", CREDSSP_E_TOO_LARGE);
    assert_int_equal(cssp_account_map(&winbind_q, NULL, "", NULL), CREDSSP_E_INVALID_ARG);
}

/*
 * Fake NSS: knows one account and answers with its spelling; a key of NULL
 * answers every name with it (an alias NSS resolves to another account).
 */
struct fake_nss {
    const char *key;
    const char *answer;
};

static int
fake_lookup(void *ud, const char *name, char *canon, size_t canon_len)
{
    const struct fake_nss *f = ud;

    if ((f->key != NULL && strcasecmp(name, f->key) != 0) || strlen(f->answer) >= canon_len)
        return -1;
    memcpy(canon, f->answer, strlen(f->answer) + 1);
    return 0;
}

static void
test_resolve(void **state)
{
    struct fake_nss winbind_alice = { "ADTEST\\alice", "ADTEST\\alice" };
    struct fake_nss sssd_alice = { "alice@ad.test", "alice@ad.test" };
    struct fake_nss short_alice = { NULL, "alice" };
    struct cssp_account a;

    (void)state;
    assert_int_equal(cssp_account_map(&winbind_q, "adtest\\ALICE", "", &a), CREDSSP_OK);
    assert_string_equal(a.local, "ADTEST\\ALICE");
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &winbind_alice), CREDSSP_OK);
    assert_string_equal(a.local, "ADTEST\\alice");       /* NSS's spelling, exact */
    assert_string_equal(a.user, "alice");
    assert_string_equal(a.principal, "alice@AD.TEST");
    /* SSSD, fully qualified: the user part comes before the '@' */
    assert_int_equal(cssp_account_map(&sssd_fq, "ADTEST\\Alice", "", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &sssd_alice), CREDSSP_OK);
    assert_string_equal(a.principal, "alice@AD.TEST");
    /* NSS answering with a name outside the form is refused, not guessed */
    assert_int_equal(cssp_account_map(&sssd_fq, "alice", "ADTEST", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &short_alice),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_int_equal(cssp_account_map(&winbind_q, "alice", "ADTEST", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &short_alice),
                     CREDSSP_E_IDENTITY_MISMATCH);
    /* NSS's own name decides the principal (an alias resolving elsewhere) */
    assert_int_equal(cssp_account_map(&short_names, "al", "ADTEST", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &short_alice), CREDSSP_OK);
    assert_string_equal(a.principal, "alice@AD.TEST");
    assert_int_equal(cssp_account_map(&winbind_q, "bob", "ADTEST", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &winbind_alice),
                     CREDSSP_E_LOGON_FAILURE);
    /* the real getpwnam: root exists, spelled "root" */
    assert_int_equal(cssp_account_map(NULL, "root", "", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, NULL, NULL), CREDSSP_OK);
    assert_string_equal(a.local, "root");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
