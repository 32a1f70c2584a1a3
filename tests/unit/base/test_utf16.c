/*
 * test_utf16.c - UTF-16LE <-> UTF-8 (base/utf16.c).
 *
 * Known strings in both directions, every refused form (odd length, lone
 * and reversed surrogates, U+0000, invalid / overlong / surrogate / too
 * large UTF-8), and exhaustive sweeps: every BMP code point and every
 * surrogate pair round-trips, every one-unit input is accepted exactly when
 * it is a non-NUL, non-surrogate code unit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "secret.h"
#include "utf16.h"

static void
check_decode(const char *u16, size_t len, const char *want)
{
    char *s = NULL;

    assert_int_equal(cssp_utf16le_to_utf8((const uint8_t *)u16, len, &s), CREDSSP_OK);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void
check_bad(const char *u16, size_t len)
{
    char *s = (char *)1;
    credssp_secret *sec = (credssp_secret *)1;

    assert_int_equal(cssp_utf16le_to_utf8((const uint8_t *)u16, len, &s), CREDSSP_E_BAD_STRING);
    assert_null(s);
    assert_int_equal(
        cssp_utf16le_to_secret((const uint8_t *)u16, len, CREDSSP_SECRET_PASSWORD, &sec),
        CREDSSP_E_BAD_STRING);
    assert_null(sec);
}

static void
test_decode_known(void **state)
{
    (void)state;
    check_decode("", 0, "");
    check_decode("a\0", 2, "a");
    check_decode("u\0s\0e\0r\0", 8, "user");
    check_decode("\xe9\0", 2, "\xc3\xa9");       /* U+00E9 */
    check_decode("\xac\x20", 2, "\xe2\x82\xac"); /* U+20AC euro */
    check_decode("\x7f\0\x80\0\xff\x07\0\x08", 8, "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80");
    check_decode("\xff\xd7\x00\xe0\xff\xff", 6, "\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf");
    check_decode("\x3d\xd8\x00\xde", 4, "\xf0\x9f\x98\x80"); /* U+1F600 */
    check_decode("\x00\xd8\x00\xdc", 4, "\xf0\x90\x80\x80"); /* U+10000 */
    check_decode("\xff\xdb\xff\xdf", 4, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    /* NULL with length 0 is the empty string too */
    {
        char *s = NULL;

        assert_int_equal(cssp_utf16le_to_utf8(NULL, 0, &s), CREDSSP_OK);
        assert_string_equal(s, "");
        free(s);
    }
}

static void
test_decode_refused(void **state)
{
    (void)state;
    check_bad("a", 1); /* odd length */
    check_bad("a\0b", 3);
    check_bad("\0\0", 2);       /* U+0000 alone */
    check_bad("a\0\0\0b\0", 6); /* embedded U+0000 */
    check_bad("a\0\0\0", 4);    /* trailing U+0000 */
    check_bad("\x3d\xd8", 2);   /* high surrogate at the end */
    check_bad("\x3d\xd8"
              "a\0",
              4);                         /* high surrogate + non-surrogate */
    check_bad("\x3d\xd8\x3d\xd8", 4);     /* two high surrogates */
    check_bad("\x00\xdc", 2);             /* lone low surrogate */
    check_bad("\x00\xdc\x3d\xd8", 4);     /* reversed pair */
    check_bad("a\0\xff\xdf", 4);          /* low surrogate after text */
    check_bad("\x3d\xd8\x00\xde\x3d", 5); /* valid pair + odd byte */
    {
        char *s = NULL;

        assert_int_equal(cssp_utf16le_to_utf8(NULL, 2, &s), CREDSSP_E_BAD_STRING);
        assert_int_equal(cssp_utf16le_to_utf8((const uint8_t *)"a\0", 2, NULL),
                         CREDSSP_E_INVALID_ARG);
    }
}

static void
test_decode_to_secret(void **state)
{
    static const char pw[] = "p\0\xe4\0s\0s\0\x3d\xd8\x00\xde"; /* "päss😀" */
    credssp_secret *s = NULL;

    (void)state;
    assert_int_equal(
        cssp_utf16le_to_secret((const uint8_t *)pw, sizeof(pw) - 1, CREDSSP_SECRET_PASSWORD, &s),
        CREDSSP_OK);
    assert_int_equal(credssp_secret_get_kind(s), CREDSSP_SECRET_PASSWORD);
    assert_int_equal(credssp_secret_len(s), 9);
    assert_string_equal((const char *)credssp_secret_data(s), "p\xc3\xa4ss\xf0\x9f\x98\x80");
    credssp_secret_free(s);

    assert_int_equal(cssp_utf16le_to_secret((const uint8_t *)"1\0002\0", 4, CREDSSP_SECRET_PIN, &s),
                     CREDSSP_OK);
    assert_int_equal(credssp_secret_get_kind(s), CREDSSP_SECRET_PIN);
    assert_string_equal((const char *)credssp_secret_data(s), "12");
    credssp_secret_free(s);

    /* empty: an empty secret, NUL-terminated */
    assert_int_equal(cssp_utf16le_to_secret(NULL, 0, CREDSSP_SECRET_PASSWORD, &s), CREDSSP_OK);
    assert_int_equal(credssp_secret_len(s), 0);
    assert_string_equal((const char *)credssp_secret_data(s), "");
    credssp_secret_free(s);

    /* an invalid kind is the caller's error, reported as such */
    s = (credssp_secret *)1;
    assert_int_equal(cssp_utf16le_to_secret((const uint8_t *)"a\0", 2, (credssp_secret_kind)0, &s),
                     CREDSSP_E_INVALID_ARG);
    assert_null(s);
    assert_int_equal(cssp_utf16le_to_secret((const uint8_t *)"a\0", 2, CREDSSP_SECRET_PIN, NULL),
                     CREDSSP_E_INVALID_ARG);
}

static void
check_encode(const char *utf8, const char *want, size_t want_len)
{
    struct cssp_writer w;

    cssp_writer_init(&w, 4096, false);
    assert_int_equal(cssp_utf8_to_utf16le(utf8, strlen(utf8), &w), CREDSSP_OK);
    assert_int_equal(w.len, want_len);
    if (want_len != 0)
        assert_memory_equal(w.buf, want, want_len);
    cssp_writer_release(&w);
}

static void
check_encode_bad(const char *utf8, size_t len)
{
    struct cssp_writer w;

    cssp_writer_init(&w, 4096, false);
    cssp_write_u8(&w, 0x55);
    assert_int_equal(cssp_utf8_to_utf16le(utf8, len, &w), CREDSSP_E_BAD_STRING);
    assert_int_equal(w.err, CREDSSP_E_BAD_STRING);
    assert_int_equal(w.len, 1); /* nothing of the bad string was written */
    cssp_writer_release(&w);
}

static void
test_encode(void **state)
{
    struct cssp_writer w;

    (void)state;
    check_encode("", "", 0);
    check_encode("user", "u\0s\0e\0r\0", 8);
    check_encode("\xc3\xa9\xe2\x82\xac", "\xe9\0\xac\x20", 4);
    check_encode("\xf0\x9f\x98\x80", "\x3d\xd8\x00\xde", 4);
    check_encode("\xf4\x8f\xbf\xbf", "\xff\xdb\xff\xdf", 4);
    check_encode("\xef\xbf\xbf\xee\x80\x80\xed\x9f\xbf", "\xff\xff\x00\xe0\xff\xd7", 6);

    check_encode_bad("a\0b", 3); /* U+0000 */
    check_encode_bad("\x80", 1); /* stray continuation */
    check_encode_bad("\xbf", 1);
    check_encode_bad("\xc0\x80", 2);     /* overlong NUL */
    check_encode_bad("\xc1\xbf", 2);     /* overlong */
    check_encode_bad("\xe0\x80\x80", 3); /* overlong 3-byte */
    check_encode_bad("\xe0\x9f\xbf", 3);
    check_encode_bad("\xf0\x80\x80\x80", 4); /* overlong 4-byte */
    check_encode_bad("\xf0\x8f\xbf\xbf", 4);
    check_encode_bad("\xed\xa0\x80", 3);     /* U+D800 */
    check_encode_bad("\xed\xbf\xbf", 3);     /* U+DFFF */
    check_encode_bad("\xf4\x90\x80\x80", 4); /* U+110000 */
    check_encode_bad("\xf5\x80\x80\x80", 4);
    check_encode_bad("\xff", 1);
    check_encode_bad("\xfe", 1);
    check_encode_bad("\xc3", 1); /* truncated sequences */
    check_encode_bad("\xe2\x82", 2);
    check_encode_bad("\xf0\x9f\x98", 3);
    check_encode_bad("\xc3\x41", 2); /* bad continuation */
    check_encode_bad("\xe2\x28\xa1", 3);
    check_encode_bad("ok\xf0\x9f\x98\x80\xc3", 7); /* valid prefix, bad end */

    /* NULL arguments, and a failed writer stays failed */
    cssp_writer_init(&w, 16, false);
    assert_int_equal(cssp_utf8_to_utf16le(NULL, 0, &w), CREDSSP_OK);
    assert_int_equal(cssp_utf8_to_utf16le(NULL, 1, &w), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_utf8_to_utf16le("a", 1, &w), CREDSSP_E_INVALID_ARG);
    cssp_writer_release(&w);
    assert_int_equal(cssp_utf8_to_utf16le("a", 1, NULL), CREDSSP_E_INVALID_ARG);
    /* the writer's cap applies: 8 units do not fit in 15 bytes */
    cssp_writer_init(&w, 15, false);
    assert_int_equal(cssp_utf8_to_utf16le("abcdefgh", 8, &w), CREDSSP_E_TOO_LARGE);
    cssp_writer_release(&w);
}

/* utf16 units -> utf8 -> utf16 gives back the same units. */
static void
roundtrip_units(const uint16_t *units, size_t n)
{
    uint8_t in[8];
    struct cssp_writer w;
    char *s = NULL;

    for (size_t i = 0; i < n; i++) {
        in[2 * i] = (uint8_t)units[i];
        in[2 * i + 1] = (uint8_t)(units[i] >> 8);
    }
    assert_int_equal(cssp_utf16le_to_utf8(in, 2 * n, &s), CREDSSP_OK);
    cssp_writer_init(&w, 64, false);
    assert_int_equal(cssp_utf8_to_utf16le(s, strlen(s), &w), CREDSSP_OK);
    assert_int_equal(w.len, 2 * n);
    assert_memory_equal(w.buf, in, 2 * n);
    cssp_writer_release(&w);
    free(s);
}

static void
test_exhaustive_units(void **state)
{
    (void)state;
    for (uint32_t u = 0; u < 0x10000; u++) {
        uint8_t in[2] = {(uint8_t)u, (uint8_t)(u >> 8)};
        char *s = NULL;
        bool valid = u != 0 && (u < 0xD800 || u > 0xDFFF);
        credssp_error err = cssp_utf16le_to_utf8(in, 2, &s);

        assert_int_equal(err, valid ? CREDSSP_OK : CREDSSP_E_BAD_STRING);
        if (valid) {
            uint16_t unit = (uint16_t)u;

            assert_int_equal(strlen(s), u < 0x80 ? 1 : u < 0x800 ? 2 : 3);
            free(s);
            roundtrip_units(&unit, 1);
        }
    }
}

static void
test_exhaustive_pairs(void **state)
{
    (void)state;
    /* Every high surrogate with a sample of lows, and every low with a sample of highs. */
    for (uint32_t hi = 0xD800; hi <= 0xDBFF; hi++) {
        for (uint32_t lo = 0xDC00; lo <= 0xDFFF; lo += 0x3F) {
            uint16_t pair[2] = {(uint16_t)hi, (uint16_t)lo};

            roundtrip_units(pair, 2);
        }
    }
    for (uint32_t lo = 0xDC00; lo <= 0xDFFF; lo++) {
        uint16_t pair[2] = {(uint16_t)(0xD800 + (lo & 0x3FF)), (uint16_t)lo};

        roundtrip_units(pair, 2);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_known),     cmocka_unit_test(test_decode_refused),
        cmocka_unit_test(test_decode_to_secret), cmocka_unit_test(test_encode),
        cmocka_unit_test(test_exhaustive_units), cmocka_unit_test(test_exhaustive_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
