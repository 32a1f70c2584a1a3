/*
 * test_handoff_fmt.c - the sealed hand-off record (acceptor/handoff/handoff_fmt.c):
 * clock checks (not yet valid, expired, timeout caps), every truncation and
 * byte flip refused, and the names and keys derived from a token (stable for
 * one token, distinct across tokens).  The keyring side is tested in
 * test_handoff.c.  No keyring is touched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "credssp_pam.h"
#include "result_fixture.h"
#include "handoff.h"

#define PW "p4ss w0rd\xc3\xa9"

/* Seal the standard result with fresh keys into *rec. */
static void
seal(struct cssp_handoff_keys *keys, uint64_t now, unsigned timeout, uint8_t **rec, size_t *len)
{
    struct credssp_result *in =
        fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "TESTDOM", PW, 5);

    assert_int_equal(cssp_handoff_derive("00112233445566778899aabbccddeeff"
                                         "00112233445566778899aabbccddeeff", keys), CREDSSP_OK);
    assert_int_equal(cssp_handoff_seal(in, now, timeout, keys, rec, len), CREDSSP_OK);
    credssp_result_free(in);
}

static void
test_record_clock_checks(void **state)
{
    struct cssp_handoff_keys keys;
    uint8_t *rec = NULL;
    size_t len = 0;
    credssp_result *r = NULL;

    seal(&keys, 1000, 30, &rec, &len);
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &keys, &r), CREDSSP_OK);
    credssp_result_free(r);
    r = NULL;
    assert_int_equal(cssp_handoff_open(rec, len, 1029, &keys, &r), CREDSSP_OK);
    credssp_result_free(r);
    r = NULL;
    assert_int_equal(cssp_handoff_open(rec, len, 1030, &keys, &r), CREDSSP_E_TIMEOUT);
    assert_int_equal(cssp_handoff_open(rec, len, 999, &keys, &r), CREDSSP_E_TIMEOUT);
    assert_null(r);
    free(rec);
    assert_int_equal(cssp_handoff_seal(NULL, 0, 30, &keys, &rec, &len), CREDSSP_E_INVALID_ARG);
    (void)state;
}

static void
test_record_truncations_and_flips(void **state)
{
    struct cssp_handoff_keys keys, other;
    uint8_t *rec = NULL;
    size_t len = 0;
    credssp_result *r = NULL;

    seal(&keys, 1000, 30, &rec, &len);
    for (size_t n = 0; n < len; n++) {
        assert_int_not_equal(cssp_handoff_open(rec, n, 1000, &keys, &r), CREDSSP_OK);
        assert_null(r);
    }
    for (size_t i = 0; i < len; i++) {
        rec[i] ^= 0x80;
        assert_int_not_equal(cssp_handoff_open(rec, len, 1000, &keys, &r), CREDSSP_OK);
        assert_null(r);
        rec[i] ^= 0x80;
    }
    rec[6] = 1;
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &keys, &r), CREDSSP_E_BAD_VERSION);
    rec[6] = 2;
    rec[0] = 'X';
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &keys, &r), CREDSSP_E_BAD_TAG);
    rec[0] = 'C';
    /* Another token's key, or the right key under another name, does not open it. */
    assert_int_equal(cssp_handoff_derive("ffffffffffffffffffffffffffffffff"
                                         "ffffffffffffffffffffffffffffffff", &other), CREDSSP_OK);
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &other, &r), CREDSSP_E_CRYPTO);
    memcpy(other.key, keys.key, sizeof(other.key));
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &other, &r), CREDSSP_E_CRYPTO);
    assert_int_equal(cssp_handoff_open(rec, len, 1000, &keys, &r), CREDSSP_OK);
    credssp_result_free(r);
    free(rec);
    (void)state;
}

static void
test_derive_is_stable_and_distinct(void **state)
{
    struct cssp_handoff_keys a, b;

    assert_int_equal(cssp_handoff_derive("00112233445566778899aabbccddeeff"
                                         "00112233445566778899aabbccddeeff", &a), CREDSSP_OK);
    assert_int_equal(cssp_handoff_derive("00112233445566778899aabbccddeeff"
                                         "00112233445566778899aabbccddeeff", &b), CREDSSP_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(strlen(a.desc), CSSP_HANDOFF_DESC_LEN);
    assert_int_equal(strncmp(a.desc, "credssp:", 8), 0);
    assert_int_equal(cssp_handoff_derive("10112233445566778899aabbccddeeff"
                                         "00112233445566778899aabbccddeeff", &b), CREDSSP_OK);
    assert_string_not_equal(a.desc, b.desc);
    assert_memory_not_equal(a.key, b.key, sizeof(a.key));
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_clock_checks),
        cmocka_unit_test(test_record_truncations_and_flips),
        cmocka_unit_test(test_derive_is_stable_and_distinct),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
