/*
 * test_account_map.c - Windows identity -> local account -> principal
 * (acceptor/keys/account_map.c, docs/IDENTITY.md "Domain users"), for each way a
 * member's NSS names domain users, and the NSS spelling step with a fake
 * getpwnam.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "account_domain.h"

static const struct cssp_domain_names winbind_q = { "ADTEST", "ad.test", "AD.TEST",
                                                    CSSP_NSS_NETBIOS, 0 };
static const struct cssp_domain_names winbind_plus = { "ADTEST", "ad.test", NULL,
                                                       CSSP_NSS_NETBIOS, '+' };
static const struct cssp_domain_names short_names = { "ADTEST", "ad.test", "AD.TEST",
                                                      CSSP_NSS_SHORT, 0 };
static const struct cssp_domain_names sssd_fq = { "ADTEST", "ad.test", "AD.TEST",
                                                  CSSP_NSS_FQDN, 0 };
static const struct cssp_domain_names auto_names = { "ADTEST", "ad.test", "AD.TEST",
                                                     CSSP_NSS_AUTO, 0 };

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

/* Form auto: NSS's answer decides the spelling, within this domain's forms. */
static void
test_auto(void **state)
{
    struct fake_nss winbind = { "ADTEST\\alice", "ADTEST\\alice" };
    struct fake_nss winbind_default = { "ADTEST\\alice", "alice" };   /* use default domain */
    struct fake_nss sssd_fq_only = { "alice@ad.test", "alice@ad.test" };
    struct fake_nss other_domain = { NULL, "OTHER\\alice" };
    struct fake_nss other_fq = { NULL, "alice@other.example" };
    struct cssp_account a;

    (void)state;
    assert_int_equal(cssp_account_map(&auto_names, "adtest\\ALICE", "", &a), CREDSSP_OK);
    assert_string_equal(a.local, "ADTEST\\ALICE");
    assert_string_equal(a.alt_local, "ALICE@ad.test");
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &winbind), CREDSSP_OK);
    assert_string_equal(a.local, "ADTEST\\alice");
    assert_string_equal(a.principal, "alice@AD.TEST");
    assert_int_equal(cssp_account_map(&auto_names, "alice@AD.TEST", "", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &winbind_default), CREDSSP_OK);
    assert_string_equal(a.local, "alice");
    assert_string_equal(a.principal, "alice@AD.TEST");
    /* the NetBIOS name unknown to NSS: the FQDN form is tried second (SSSD) */
    assert_int_equal(cssp_account_map(&auto_names, "alice", "ADTEST", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &sssd_fq_only), CREDSSP_OK);
    assert_string_equal(a.local, "alice@ad.test");
    assert_string_equal(a.principal, "alice@AD.TEST");
    /* an answer naming another domain is refused */
    assert_int_equal(cssp_account_map(&auto_names, "ADTEST\\alice", "", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &other_domain),
                     CREDSSP_E_IDENTITY_MISMATCH);
    assert_int_equal(cssp_account_map(&auto_names, "ADTEST\\alice", "", &a), CREDSSP_OK);
    assert_int_equal(cssp_account_resolve(&a, fake_lookup, &other_fq),
                     CREDSSP_E_IDENTITY_MISMATCH);
    /* gss-ntlmssp's principal for a UPN typed without a domain */
    expect(&winbind_q, "\\alice@ad.test", "", "ADTEST\\alice", "alice@AD.TEST", true);
    refuse(&winbind_q, "\\alice@corp.example", "", CREDSSP_E_IDENTITY_MISMATCH);
    refuse(&winbind_q, "\\alice", "", CREDSSP_E_INVALID_ARG);
    refuse(&auto_names, "OTHER\\alice", "", CREDSSP_E_IDENTITY_MISMATCH);
}

/* Settings: given values win; smb.conf [global] and the realm fill the rest. */
static void
test_domain_setup(void **state)
{
    char path[] = "/tmp/test_account_domain.XXXXXX";
    struct cssp_domain_conf c;
    struct cssp_domain_names n;
    int fd = mkstemp(path);
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# member\n[global]\n   workgroup = ADTEST\n\trealm = AD.TEST\n"
          "  winbind separator = +\n[homes]\n   workgroup = WRONG\n", f);
    fclose(f);
    assert_int_equal(cssp_domain_setup(NULL, NULL, NULL, NULL, path, &c), CREDSSP_OK);
    assert_string_equal(c.netbios, "ADTEST");
    assert_string_equal(c.realm, "AD.TEST");
    assert_string_equal(c.dns, "ad.test");
    assert_int_equal(c.separator, '+');
    assert_int_equal(c.form, CSSP_NSS_AUTO);
    cssp_domain_names_of(&c, &n);
    assert_string_equal(n.netbios, "ADTEST");
    assert_int_equal(n.separator, '+');
    assert_int_equal(cssp_domain_setup("CORP", "corp.example", "CORP.EXAMPLE", "fqdn", path, &c),
                     CREDSSP_OK);
    assert_string_equal(c.netbios, "CORP");
    assert_string_equal(c.dns, "corp.example");
    assert_int_equal(c.form, CSSP_NSS_FQDN);
    /* malformed values are configuration errors, nothing half-filled */
    assert_int_equal(cssp_domain_setup("AD\\X", NULL, NULL, NULL, path, &c), CREDSSP_E_CONFIG);
    assert_string_equal(c.netbios, "");
    assert_int_equal(cssp_domain_setup(NULL, NULL, NULL, "long", path, &c), CREDSSP_E_CONFIG);
    assert_int_equal(cssp_domain_setup("", NULL, NULL, NULL, path, &c), CREDSSP_E_CONFIG);
    unlink(path);
    /* no smb.conf, a realm given: the DNS name from it, no NetBIOS name */
    assert_int_equal(cssp_domain_setup(NULL, NULL, "EX.ORG", "short", path, &c), CREDSSP_OK);
    assert_string_equal(c.dns, "ex.org");
    assert_string_equal(c.netbios, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_domain_setup),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
