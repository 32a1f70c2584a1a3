/*
 * test_identity.c - pam_credssp's identity mapping (pam_credssp/identity.c),
 * its option table (options.c) and the credssp_error -> PAM translation
 * (logging.c).  Kerberos cases use a generated krb5.conf (KRB5_CONFIG) with
 * default realm TEST.LOCAL and one auth_to_local rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "result_fixture.h"
#include "pcssp.h"

static char conf_path[] = "/tmp/credssp-test-krb5-XXXXXX";

/* Write a krb5.conf and point KRB5_CONFIG at it. */
static int
group_setup(void **state)
{
    int fd = mkstemp(conf_path);
    FILE *f;

    (void)state;
    if (fd < 0)
        return -1;
    f = fdopen(fd, "w");
    if (f == NULL)
        return -1;
    fputs("[libdefaults]\n  default_realm = TEST.LOCAL\n"
          "[realms]\n  TEST.LOCAL = {\n"
          "    auth_to_local = RULE:[2:$1/$2@$0](^bob/ops@TEST\\.LOCAL$)s/.*/bob/\n"
          "    auth_to_local = DEFAULT\n  }\n",
          f);
    fclose(f);
    return setenv("KRB5_CONFIG", conf_path, 1);
}

static int
group_teardown(void **state)
{
    (void)state;
    unlink(conf_path);
    return 0;
}

/* Parse options from a NULL-terminated list (pamh NULL: no unknown options here). */
static struct pcssp_config
opts(const char *a, const char *b)
{
    const char *argv[2] = { a, b };
    struct pcssp_config cfg;

    assert_int_equal(pcssp_options_parse(NULL, (a != NULL) + (b != NULL), argv, &cfg), CREDSSP_OK);
    return cfg;
}

/* Check r against user under cfg; r is freed. */
static credssp_error
check(const struct pcssp_config *cfg, struct credssp_result *r, const char *user)
{
    const char *why = NULL;
    credssp_error err = pcssp_identity_check(cfg, r, user, &why);

    if (err != CREDSSP_OK)
        assert_non_null(why);
    credssp_result_free(r);
    return err;
}

#define NTLM(p, u, d) fixture_result(CREDSSP_MECH_NTLM, p, u, d, "pw", 6)
#define KRB(p, u, d) fixture_result(CREDSSP_MECH_KERBEROS, p, u, d, "pw", 6)
#define MISMATCH CREDSSP_E_IDENTITY_MISMATCH

static void
test_ntlm_mapping(void **state)
{
    struct pcssp_config cfg = opts(NULL, NULL);

    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice", "TESTDOM"), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("alice", "alice", ""), "alice"), CREDSSP_OK);
    /* The domain folds case (Windows); the user name does not (POSIX). */
    assert_int_equal(check(&cfg, NTLM("testdom\\alice", "alice", "TestDom"), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\ALICE", "alice", "testdom"), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "Alice", "testdom"), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\bob", "bob", "TESTDOM"), "alice"), MISMATCH);
    /* Authenticated as bob, delegated alice's name: refused. */
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\bob", "alice", "TESTDOM"), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "bob", "TESTDOM"), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice", "TESTDOM"), ""), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alicex", "alice", ""), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("", "alice", ""), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM(NULL, "alice", ""), "alice"), MISMATCH);
    pcssp_options_free(&cfg);
    (void)state;
}

/*
 * Issue 10 #3: secrevu and Secrevu are two POSIX accounts.  Names are
 * compared exactly with the account's canonical name (getpwnam), and with the
 * key file the entry gss-ntlmssp took (it folds case) must be the account's.
 */
static void
test_case_collisions_refused(void **state)
{
    char path[] = "/tmp/credssp-test-keys-XXXXXX", arg[64];
    const char *line = "Secrevu:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
                       "A4F49C406510BDCAB6824EE7C30FD852:[U          ]:LCT-00000000\n";
    struct pcssp_config cfg = opts(NULL, NULL);
    int fd;

    (void)state;
    assert_int_equal(check(&cfg, NTLM("Secrevu", "Secrevu", ""), "secrevu"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\Secrevu", "secrevu", ""), "secrevu"), MISMATCH);
    assert_int_equal(check(&cfg, KRB("secrevu@TEST.LOCAL", "Secrevu", ""), "secrevu"), MISMATCH);
    /* root has a passwd entry: its canonical name is what must match */
    assert_int_equal(check(&cfg, NTLM("ROOT", "root", ""), "root"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("root", "root", ""), "root"), CREDSSP_OK);
    pcssp_options_free(&cfg);
    /* The key file holds only Secrevu's entry: the client typed "secrevu" with
     * Secrevu's password and gss-ntlmssp (case-folding) accepted it. */
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
    close(fd);
    snprintf(arg, sizeof(arg), "keyfile=%s", path);
    cfg = opts(arg, NULL);
    assert_int_equal(check(&cfg, NTLM("secrevu", "secrevu", ""), "secrevu"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\secrevu", "secrevu", ""), "secrevu"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("Secrevu", "Secrevu", ""), "Secrevu"), CREDSSP_OK);
    /* another user's entry is no business of this one */
    assert_int_equal(check(&cfg, NTLM("alice", "alice", ""), "alice"), CREDSSP_OK);
    pcssp_options_free(&cfg);
    unlink(path);
}

static void
test_delegated_forms(void **state)
{
    struct pcssp_config cfg = opts(NULL, NULL);

    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "TESTDOM\\alice", ""), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice@test.local", ""), "alice"),
                     CREDSSP_OK);
    /* A domain in the name and in the field: ambiguous, refused. */
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "OTHER\\alice", "TESTDOM"), "alice"),
                     MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "bob@test.local", ""), "alice"), MISMATCH);
    pcssp_options_free(&cfg);
    (void)state;
}

static void
test_domain_option(void **state)
{
    struct pcssp_config cfg = opts("domain=TESTDOM,LAB", "realm=TEST.LOCAL");

    assert_int_equal(cfg.n_domains, 2);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice", "TESTDOM"), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("lab\\alice", "alice", "lab"), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("EVIL\\alice", "alice", "TESTDOM"), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice", "EVIL"), "alice"), MISMATCH);
    /* A listed realm is a valid delegated domain (UPN suffix). */
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\alice", "alice@TEST.LOCAL", ""), "alice"),
                     CREDSSP_OK);
    /* No domain at all is accepted only when no domain= restricts. */
    assert_int_equal(check(&cfg, NTLM("alice", "alice", ""), "alice"), MISMATCH);
    pcssp_options_free(&cfg);
    (void)state;
}

static void
test_kerberos_mapping(void **state)
{
    struct pcssp_config cfg = opts(NULL, NULL), other = opts("realm=OTHER.REALM", NULL);

    assert_int_equal(check(&cfg, KRB("alice@TEST.LOCAL", "alice", "TEST.LOCAL"), "alice"),
                     CREDSSP_OK);
    assert_int_equal(check(&cfg, KRB("alice@TEST.LOCAL", "alice", "TESTDOM"), "alice"),
                     CREDSSP_OK);
    /* Kerberos names are case-sensitive: auth_to_local gives "Alice". */
    assert_int_equal(check(&cfg, KRB("Alice@TEST.LOCAL", "alice", ""), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, KRB("alice@OTHER.REALM", "alice", ""), "alice"), MISMATCH);
    assert_int_equal(check(&cfg, KRB("alice/admin@TEST.LOCAL", "alice", ""), "alice"), MISMATCH);
    /* The auth_to_local rule maps bob/ops to bob. */
    assert_int_equal(check(&cfg, KRB("bob/ops@TEST.LOCAL", "bob", ""), "bob"), CREDSSP_OK);
    assert_int_equal(check(&cfg, KRB("alice", "alice", ""), "alice"), MISMATCH);
    /* realm= lists which realms count; then TEST.LOCAL does not. */
    assert_int_equal(check(&other, KRB("alice@OTHER.REALM", "alice", ""), "alice"), CREDSSP_OK);
    assert_int_equal(check(&other, KRB("alice@TEST.LOCAL", "alice", ""), "alice"), MISMATCH);
    assert_int_equal(check(&other, KRB("a/b@OTHER.REALM", "a", ""), "a"), MISMATCH);
    pcssp_options_free(&cfg);
    pcssp_options_free(&other);
    (void)state;
}

static void
test_no_identity_never_maps(void **state)
{
    struct pcssp_config cfg = opts(NULL, NULL);

    assert_int_equal(check(&cfg, fixture_result(CREDSSP_MECH_NONE, "alice", "alice", "", "pw", 6),
                           "alice"), MISMATCH);
    assert_int_equal(check(&cfg, fixture_restricted(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL"),
                           "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, fixture_smartcard(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL",
                                                   NULL, NULL, "1234"), "alice"), CREDSSP_OK);
    assert_int_equal(check(&cfg, fixture_smartcard(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL",
                                                   "mallory", NULL, "1234"), "alice"), MISMATCH);
    pcssp_options_free(&cfg);
    (void)state;
}

static void
test_krb5_principal(void **state)
{
    struct pcssp_config cfg = opts(NULL, NULL), realm = opts("realm=LAB.LOCAL", NULL);
    struct credssp_result *k = KRB("alice@TEST.LOCAL", "alice", "");
    struct credssp_result *n = NTLM("TESTDOM\\alice", "alice", "TESTDOM");
    char *p = NULL;

    assert_int_equal(pcssp_krb5_principal(&cfg, k, "alice", &p), CREDSSP_OK);
    assert_string_equal(p, "alice@TEST.LOCAL");
    free(p);
    assert_int_equal(pcssp_krb5_principal(&cfg, n, "alice", &p), CREDSSP_OK);
    assert_string_equal(p, "alice");
    free(p);
    assert_int_equal(pcssp_krb5_principal(&realm, n, "alice", &p), CREDSSP_OK);
    assert_string_equal(p, "alice@LAB.LOCAL");
    free(p);
    assert_int_equal(pcssp_krb5_principal(&cfg, n, "alice@EVIL", &p), MISMATCH);
    assert_null(p);
    credssp_result_free(k);
    credssp_result_free(n);
    pcssp_options_free(&cfg);
    pcssp_options_free(&realm);
    (void)state;
}

/*
 * Option ad: the one domain-user mapping (account_map.c) with the real NSS
 * (root: "root" in passwd).  Names of domain TESTDOM / test.local /
 * TEST.LOCAL map to the short local name; it must be PAM_USER exactly.
 */
static void
test_ad_mapping(void **state)
{
    const char *argv[] = { "ad_domain=TESTDOM", "ad_names=short", "realm=TEST.LOCAL" };
    struct pcssp_config cfg;
    struct credssp_result *n = NTLM("testdom\\root", "root", "");
    char *p = NULL;

    (void)state;
    assert_int_equal(pcssp_options_parse(NULL, 3, argv, &cfg), CREDSSP_OK);
    assert_true(cfg.ad);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\root", "root", "TESTDOM"), "root"), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("\\root@test.local", "root@TEST.LOCAL", ""), "root"),
                     CREDSSP_OK);
    assert_int_equal(check(&cfg, KRB("root@TEST.LOCAL", "root", "TESTDOM"), "root"), CREDSSP_OK);
    /* user names stay exact (files NSS: ROOT is nobody); other domains are refused */
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\ROOT", "root", ""), "root"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\root", "ROOT", "TESTDOM"), "root"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("OTHER\\root", "root", ""), "root"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\root", "root", "OTHER"), "root"), MISMATCH);
    assert_int_equal(check(&cfg, NTLM("\\root@corp.example", "root", ""), "root"), MISMATCH);
    assert_int_equal(check(&cfg, KRB("root@OTHER.REALM", "root", ""), "root"), MISMATCH);
    assert_int_equal(check(&cfg, KRB("root/admin@TEST.LOCAL", "root", ""), "root"), MISMATCH);
    /* a name that is not PAM_USER's account */
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\root", "root", ""), "alice"), MISMATCH);
    /* the TGT's principal is the mapped one, not PAM_USER@realm */
    assert_int_equal(pcssp_krb5_principal(&cfg, n, "root", &p), CREDSSP_OK);
    assert_string_equal(p, "root@TEST.LOCAL");
    free(p);
    credssp_result_free(n);
    pcssp_options_free(&cfg);
    /* settings that cannot work refuse instead of guessing */
    argv[0] = "ad_names=sideways";
    assert_int_equal(pcssp_options_parse(NULL, 1, argv, &cfg), CREDSSP_OK);
    assert_int_equal(check(&cfg, NTLM("TESTDOM\\root", "root", ""), "root"), MISMATCH);
    pcssp_options_free(&cfg);
}

static void
test_options(void **state)
{
    const char *argv[] = { "trust", "krb5", "destroy", "debug", "keytab=/k", "ccache=FILE:/c",
                           "keyring=session", "realm=A,B", "realm=C", "domain=D",
                           "allow_setuid" };
    struct pcssp_config cfg;

    assert_true(pcssp_options_sorted());
    assert_int_equal(pcssp_options_parse(NULL, 11, argv, &cfg), CREDSSP_OK);
    assert_true(cfg.trust && cfg.krb5 && cfg.destroy && cfg.debug && cfg.allow_setuid);
    assert_string_equal(cfg.keytab, "/k");
    assert_string_equal(cfg.ccache, "FILE:/c");
    assert_int_equal(cfg.keyring, CREDSSP_HANDOFF_KEYRING_SESSION);
    assert_int_equal(cfg.n_realms, 3);
    assert_string_equal(cfg.realms[2], "C");
    assert_int_equal(cfg.n_domains, 1);
    pcssp_options_free(&cfg);
    cfg = opts(NULL, NULL);
    assert_false(cfg.trust || cfg.krb5 || cfg.destroy || cfg.debug || cfg.allow_setuid);
    assert_string_equal(cfg.ccache, PCSSP_DEFAULT_CCACHE);
    assert_null(cfg.keytab);
    assert_int_equal(cfg.keyring, CREDSSP_HANDOFF_KEYRING_DEFAULT);
    pcssp_options_free(&cfg);
    (void)state;
}

static void
test_ccache_expand(void **state)
{
    char *out = NULL;

    assert_int_equal(pcssp_ccache_expand("FILE:/tmp/krb5cc_%{uid}_%{user}_XXXXXX", "alice", 20001,
                                         &out), CREDSSP_OK);
    assert_string_equal(out, "FILE:/tmp/krb5cc_20001_alice_XXXXXX");
    free(out);
    assert_int_equal(pcssp_ccache_expand("FILE:/tmp/%{home}", "alice", 1, &out), CREDSSP_E_CONFIG);
    assert_int_equal(pcssp_ccache_expand("FILE:/tmp/%{user}", "../etc", 1, &out), CREDSSP_E_CONFIG);
    assert_null(out);
    (void)state;
}

static void
test_pam_codes(void **state)
{
    assert_int_equal(pcssp_pam_code(CREDSSP_OK, PCSSP_PHASE_AUTH), PAM_SUCCESS);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_IDENTITY_MISMATCH, PCSSP_PHASE_AUTH), PAM_AUTH_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_LOGON_FAILURE, PCSSP_PHASE_AUTH), PAM_AUTH_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_TIMEOUT, PCSSP_PHASE_AUTH), PAM_AUTH_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_CRYPTO, PCSSP_PHASE_AUTH), PAM_AUTH_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_NOMEM, PCSSP_PHASE_AUTH), PAM_BUF_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_IO, PCSSP_PHASE_AUTH), PAM_AUTHINFO_UNAVAIL);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_LOGON_FAILURE, PCSSP_PHASE_SETCRED), PAM_CRED_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_CRYPTO, PCSSP_PHASE_SETCRED), PAM_CRED_ERR);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_IO, PCSSP_PHASE_SETCRED), PAM_CRED_UNAVAIL);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_NO_ACCEPTOR_CRED, PCSSP_PHASE_SETCRED),
                     PAM_CRED_UNAVAIL);
    assert_int_equal(pcssp_pam_code(CREDSSP_E_INTERNAL, PCSSP_PHASE_SETCRED), PAM_SYSTEM_ERR);
    (void)state;
}

static void
test_printable(void **state)
{
    char buf[16];

    assert_string_equal(pcssp_printable("al ice\n=x", buf, sizeof(buf)), "al?ice??x");
    assert_string_equal(pcssp_printable(NULL, buf, sizeof(buf)), "-");
    assert_string_equal(pcssp_printable("0123456789abcdefghij", buf, sizeof(buf)),
                        "0123456789abcde");
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ntlm_mapping),
        cmocka_unit_test(test_case_collisions_refused),
        cmocka_unit_test(test_delegated_forms),
        cmocka_unit_test(test_domain_option),
        cmocka_unit_test(test_kerberos_mapping),
        cmocka_unit_test(test_no_identity_never_maps),
        cmocka_unit_test(test_ad_mapping),
        cmocka_unit_test(test_krb5_principal),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_ccache_expand),
        cmocka_unit_test(test_pam_codes),
        cmocka_unit_test(test_printable),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
