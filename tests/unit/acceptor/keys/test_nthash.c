/*
 * test_nthash.c - the NT hash (MS-NLMP 3.3.1 NTOWFv1, acceptor/keys/nthash.c):
 * known answers, UTF-8 edge cases (non-ASCII, surrogates, invalid input,
 * embedded NUL), bad arguments and the length cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "keyfile_fixture.h"

/* docs/GSSAPI.md and MS-NLMP 4.2.1 vectors, the empty password, non-ASCII and surrogates. */
static void
test_nt_hash_known_answers(void **state)
{
    static const struct {
        const char *pw;
        const char *hex;
    } kat[] = {
        {"Passw0rd!", H_PASSW0RD},
        {"Password", H_PASSWORD},
        {"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
        {"\xc3\xa9", "e77286d072c7858e9110cc3a011d2ac8"}, /* U+00E9 */
        {"\xe2\x82\xac"
         "uro",
         "65a07986d69e1cb33d52eacab1a9322a"},                     /* U+20AC */
        {"\xf0\x9f\x98\x80", "4b58a10cc20a4e7d808d218e1f80aabc"}, /* U+1F600: surrogates */
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(kat); i++) {
        credssp_secret *s = NULL;

        assert_int_equal(credssp_nt_hash(kat[i].pw, strlen(kat[i].pw), &s), CREDSSP_OK);
        assert_hash_hex(s, kat[i].hex);
        credssp_secret_free(s);
    }
}

/* Invalid UTF-8, embedded NUL, bad arguments and the length cap. */
static void
test_nt_hash_rejects(void **state)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation byte */
        "a\xc3",            /* truncated 2-byte sequence */
        "\xe2\x82",         /* truncated 3-byte sequence */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* UTF-16 surrogate D800 */
        "\xf4\x90\x80\x80", /* > U+10FFFF */
        "\xff",
    };
    credssp_secret *s = (credssp_secret *)0x1;
    char big[600];

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(bad); i++) {
        s = (credssp_secret *)0x1;
        assert_int_equal(credssp_nt_hash(bad[i], strlen(bad[i]), &s), CREDSSP_E_BAD_STRING);
        assert_null(s);
    }
    /* embedded NUL: a C consumer would hash a different password */
    assert_int_equal(credssp_nt_hash("ab\0cd", 5, &s), CREDSSP_E_BAD_STRING);
    assert_null(s);
    assert_int_equal(credssp_nt_hash(NULL, 1, &s), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_nt_hash("x", 1, NULL), CREDSSP_E_INVALID_ARG);
    /* 512 UTF-16 units is the cap (CSSP_MAX_SECRET_BYTES), 513 is too large */
    memset(big, 'a', sizeof(big));
    assert_int_equal(credssp_nt_hash(big, 512, &s), CREDSSP_OK);
    credssp_secret_free(s);
    s = NULL;
    assert_int_equal(credssp_nt_hash(big, 513, &s), CREDSSP_E_TOO_LARGE);
    assert_null(s);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nt_hash_known_answers),
        cmocka_unit_test(test_nt_hash_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
