/*
 * test_ad_checks.c - the start-up checks for Active Directory set-ups,
 * without a DC: cssp_winbind_probe against a Unix socket that listens / does
 * not exist, and cssp_keytab_check against keytabs written here with the
 * MIT krb5 API (AES TERMSRV keys; RC4 only; no TERMSRV entry; missing file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <krb5.h>

#include "keytab_check.h"
#include "winbind_probe.h"

static char dir[] = "/tmp/cssp-adchk.XXXXXX";

static void
test_winbind_probe(void **state)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char path[128], why[512];
    int fd;

    (void)state;
    (void)snprintf(path, sizeof(path), "%s/pipe", dir);
    assert_int_equal(cssp_winbind_probe(path, why, sizeof(why)), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(why, "winbindd is not reachable at"));
    assert_non_null(strstr(why, "--ntlm-keyfile"));
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(cssp_winbind_probe(path, why, sizeof(why)), CREDSSP_OK);
    assert_string_equal(why, "");
    (void)close(fd);
    /* a socket file nobody listens on any more */
    assert_int_equal(cssp_winbind_probe(path, why, sizeof(why)), CREDSSP_E_NO_ACCEPTOR_CRED);
    (void)unlink(path);
}

/* Write a keytab with one entry per (principal, enctype) pair. */
static void
make_keytab(const char *path, const char *const *princs, const krb5_enctype *etypes, size_t n)
{
    krb5_context ctx;
    krb5_keytab kt;
    uint8_t keybytes[32];

    memset(keybytes, 0x5a, sizeof(keybytes));
    assert_int_equal(krb5_init_context(&ctx), 0);
    assert_int_equal(krb5_kt_resolve(ctx, path, &kt), 0);
    for (size_t i = 0; i < n; i++) {
        krb5_keytab_entry e;

        memset(&e, 0, sizeof(e));
        assert_int_equal(krb5_parse_name(ctx, princs[i], &e.principal), 0);
        e.vno = 2;
        e.key.enctype = etypes[i];
        e.key.length = etypes[i] == ENCTYPE_AES256_CTS_HMAC_SHA1_96 ? 32 : 16;
        e.key.contents = keybytes;
        assert_int_equal(krb5_kt_add_entry(ctx, kt, &e), 0);
        krb5_free_principal(ctx, e.principal);
    }
    krb5_kt_close(ctx, kt);
    krb5_free_context(ctx);
}

static void
test_keytab_check(void **state)
{
    static const char *const aes_p[] = { "TERMSRV/rdp1.ad.test@AD.TEST",
                                         "TERMSRV/rdp1.ad.test@AD.TEST" };
    static const krb5_enctype aes_e[] = { ENCTYPE_AES256_CTS_HMAC_SHA1_96,
                                          ENCTYPE_ARCFOUR_HMAC };
    static const char *const rc4_p[] = { "TERMSRV/rdp1.ad.test@AD.TEST" };
    static const krb5_enctype rc4_e[] = { ENCTYPE_ARCFOUR_HMAC };
    static const char *const host_p[] = { "host/rdp1.ad.test@AD.TEST" };
    static const krb5_enctype host_e[] = { ENCTYPE_AES256_CTS_HMAC_SHA1_96 };
    char kt[160], why[768];

    (void)state;
    (void)snprintf(kt, sizeof(kt), "FILE:%s/aes.keytab", dir);
    make_keytab(kt, aes_p, aes_e, 2);
    assert_int_equal(cssp_keytab_check(kt, why, sizeof(why)), CREDSSP_OK);
    assert_string_equal(why, "");

    (void)snprintf(kt, sizeof(kt), "FILE:%s/rc4.keytab", dir);
    make_keytab(kt, rc4_p, rc4_e, 1);
    assert_int_equal(cssp_keytab_check(kt, why, sizeof(why)), CREDSSP_E_CONFIG);
    assert_non_null(strstr(why, "only non-AES"));
    assert_non_null(strstr(why, "TERMSRV/rdp1.ad.test@AD.TEST"));
    assert_non_null(strstr(why, "msDS-SupportedEncryptionTypes"));

    (void)snprintf(kt, sizeof(kt), "FILE:%s/host.keytab", dir);
    make_keytab(kt, host_p, host_e, 1);
    assert_int_equal(cssp_keytab_check(kt, why, sizeof(why)), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(why, "none for TERMSRV"));
    assert_non_null(strstr(why, "setspn -S TERMSRV"));

    (void)snprintf(kt, sizeof(kt), "FILE:%s/missing.keytab", dir);
    assert_int_equal(cssp_keytab_check(kt, why, sizeof(why)), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(why, "cannot be read"));
}

static int
setup(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    static const char *const files[] = { "aes.keytab", "rc4.keytab", "host.keytab", "pipe" };
    char path[160];

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        (void)snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        (void)unlink(path);
    }
    return rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_winbind_probe),
        cmocka_unit_test(test_keytab_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
