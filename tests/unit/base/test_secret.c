/*
 * test_secret.c - the secret type: constructors, accessors, constant-time
 * compare, and a proof that freeing wipes the bytes (scan of every writable
 * mapping through /proc/self/mem, as SSSD's test_sss_iobuf_secure does).
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
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "internal.h"
#include "secret.h"
#include "heapscan.h"

#define NEEDLE_LEN HEAPSCAN_NEEDLE_LEN
#define needle heapscan_needle
#define count_needle heapscan_count

static int
setup_maps(void **state)
{
    (void)state;
    return heapscan_setup();
}

static int
teardown_maps(void **state)
{
    (void)state;
    heapscan_teardown();
    return 0;
}

/*
 * Make a secret whose only copy in memory is inside the secret object.  The
 * needle is its second half: free() writes its list pointers over the first
 * bytes of a freed block, which would hide an unwiped needle at the start.
 */
static credssp_secret *
make_needle_secret(credssp_secret_kind kind)
{
    credssp_secret *s = NULL;
    uint8_t *data = NULL;

    /* Random, NUL-free bytes so text kinds accept them. */
    assert_int_equal(RAND_bytes(needle, NEEDLE_LEN), 1);
    for (size_t i = 0; i < NEEDLE_LEN; i++)
        needle[i] |= 0x01;
    assert_int_equal(cssp_secret_alloc(kind, 2 * NEEDLE_LEN, &s, &data), CREDSSP_OK);
    memset(data, 'x', NEEDLE_LEN);
    memcpy(data + NEEDLE_LEN, needle, NEEDLE_LEN);
    return s;
}

static void
test_free_wipes(void **state)
{
    credssp_secret *s;

    (void)state;
    if (!HEAPSCAN_POSSIBLE || getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
    s = make_needle_secret(CREDSSP_SECRET_PASSWORD);
    /* Positive control: the scanner sees the live secret. */
    assert_int_equal(count_needle(), 1);
    credssp_secret_free(s);
    assert_int_equal(count_needle(), 0);
}

static void
test_reset_wipes(void **state)
{
    credssp_secret *s;

    (void)state;
    if (!HEAPSCAN_POSSIBLE || getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
    s = make_needle_secret(CREDSSP_SECRET_KEY);
    assert_int_equal(count_needle(), 1);
    credssp_secret_reset(s);
    assert_int_equal(count_needle(), 0);
    assert_int_equal(credssp_secret_len(s), 0);
    credssp_secret_free(s);
}

static void
test_dup_and_free_wipe_both(void **state)
{
    credssp_secret *s, *d = NULL;

    (void)state;
    if (!HEAPSCAN_POSSIBLE || getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
    s = make_needle_secret(CREDSSP_SECRET_PIN);
    assert_int_equal(credssp_secret_dup(s, &d), CREDSSP_OK);
    assert_int_equal(count_needle(), 2);
    credssp_secret_free(s);
    assert_int_equal(count_needle(), 1);
    credssp_secret_free(d);
    assert_int_equal(count_needle(), 0);
}

static void
test_text_kinds(void **state)
{
    credssp_secret *s = NULL;

    (void)state;
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "Passw0rd!", 9, &s),
                     CREDSSP_OK);
    assert_int_equal(credssp_secret_len(s), 9);
    assert_int_equal(credssp_secret_get_kind(s), CREDSSP_SECRET_PASSWORD);
    /* NUL terminated for C consumers such as PAM */
    assert_string_equal((const char *)credssp_secret_data(s), "Passw0rd!");
    credssp_secret_free(s);
    s = NULL;
    /* an embedded NUL would truncate silently downstream: refused */
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "ab\0cd", 5, &s),
                     CREDSSP_E_BAD_STRING);
    assert_null(s);
    /* binary kinds allow NULs */
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_KEY, "ab\0cd", 5, &s), CREDSSP_OK);
    assert_int_equal(credssp_secret_len(s), 5);
    credssp_secret_free(s);
}

static void
test_nt_hash_length(void **state)
{
    credssp_secret *s = NULL;
    uint8_t h[17] = { 0 };

    (void)state;
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_NT_HASH, h, 15, &s),
                     CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_NT_HASH, h, 17, &s),
                     CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_NT_HASH, h, 16, &s), CREDSSP_OK);
    credssp_secret_free(s);
}

static void
test_equal(void **state)
{
    credssp_secret *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

    (void)state;
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "abc", 3, &a), CREDSSP_OK);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "abc", 3, &b), CREDSSP_OK);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "abd", 3, &c), CREDSSP_OK);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PIN, "abc", 3, &d), CREDSSP_OK);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "abcd", 4, &e), CREDSSP_OK);
    assert_true(credssp_secret_equal(a, b));
    assert_false(credssp_secret_equal(a, c));
    assert_false(credssp_secret_equal(a, d));   /* kind differs */
    assert_false(credssp_secret_equal(a, e));   /* length differs */
    assert_false(credssp_secret_equal(a, NULL));
    credssp_secret_free(a);
    credssp_secret_free(b);
    credssp_secret_free(c);
    credssp_secret_free(d);
    credssp_secret_free(e);
}

static void
test_null_safety(void **state)
{
    credssp_secret *s = (credssp_secret *)0x1;

    (void)state;
    credssp_secret_free(NULL);
    credssp_secret_reset(NULL);
    assert_int_equal(credssp_secret_len(NULL), 0);
    assert_null(credssp_secret_data(NULL));
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_KEY, NULL, 3, &s), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_secret_new((credssp_secret_kind)99, "x", 1, &s),
                     CREDSSP_E_INVALID_ARG);
    assert_null(s);
    assert_int_equal(credssp_secret_dup(NULL, &s), CREDSSP_E_INVALID_ARG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_wipes),
        cmocka_unit_test(test_reset_wipes),
        cmocka_unit_test(test_dup_and_free_wipe_both),
        cmocka_unit_test(test_text_kinds),
        cmocka_unit_test(test_nt_hash_length),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_null_safety),
    };
    return cmocka_run_group_tests(tests, setup_maps, teardown_maps);
}
