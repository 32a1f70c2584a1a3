/*
 * test_binding.c - pubKeyAuth values (MS-CSSP 3.1.5): known answers for the
 * v5/v6 hashes (computed independently with Python's hashlib over
 * magic-with-NUL || nonce || key), the v2-4 echo +1, and mismatches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "binding.h"

static const uint8_t spk[] = { 0x30, 0x01, 0x02, 0x03 };
static const uint8_t client_hash[] = {
    0xf6, 0x06, 0x02, 0x9d, 0xde, 0x6f, 0xb9, 0xcc, 0xe2, 0x1b, 0x4b, 0x6d, 0x9e, 0x07, 0xa1, 0x60,
    0xac, 0x29, 0x09, 0x5d, 0x67, 0xf4, 0xf9, 0x1f, 0xe0, 0xe2, 0xa0, 0xfa, 0x06, 0x7c, 0x31, 0x02,
};
static const uint8_t server_hash[] = {
    0xe6, 0x04, 0x0c, 0x60, 0x23, 0x8a, 0x50, 0x80, 0xd7, 0x58, 0xa2, 0x62, 0x36, 0xdd, 0x78, 0xac,
    0x84, 0x05, 0x0d, 0x94, 0xb6, 0x54, 0x32, 0x1e, 0xa5, 0x6d, 0xbe, 0x44, 0x75, 0xa4, 0x4f, 0xce,
};

static void
nonce_fill(uint8_t nonce[32])
{
    for (int i = 0; i < 32; i++)
        nonce[i] = (uint8_t)i;
}

static void
test_hash_known_answers(void **state)
{
    uint8_t nonce[32], *out = NULL;
    size_t len = 0;

    (void)state;
    nonce_fill(nonce);
    for (int v = 5; v <= 6; v++) {
        assert_int_equal(cssp_binding_verify_client(v, nonce, spk, sizeof(spk), client_hash,
                                                    sizeof(client_hash)),
                         CREDSSP_OK);
        assert_int_equal(cssp_binding_server_value(v, nonce, spk, sizeof(spk), &out, &len),
                         CREDSSP_OK);
        assert_int_equal(len, sizeof(server_hash));
        assert_memory_equal(out, server_hash, len);
        free(out);
        out = NULL;
    }
}

static void
test_hash_mismatches(void **state)
{
    uint8_t nonce[32], bad[sizeof(client_hash)];

    (void)state;
    nonce_fill(nonce);
    memcpy(bad, client_hash, sizeof(bad));
    bad[31] ^= 1;
    assert_int_equal(cssp_binding_verify_client(6, nonce, spk, sizeof(spk), bad, sizeof(bad)),
                     CREDSSP_E_BINDING);
    /* the server's value reflected back is not the client's */
    assert_int_equal(cssp_binding_verify_client(6, nonce, spk, sizeof(spk), server_hash,
                                                sizeof(server_hash)),
                     CREDSSP_E_BINDING);
    /* another nonce */
    nonce[0] ^= 0x80;
    assert_int_equal(cssp_binding_verify_client(6, nonce, spk, sizeof(spk), client_hash,
                                                sizeof(client_hash)),
                     CREDSSP_E_BINDING);
    /* truncated */
    nonce[0] ^= 0x80;
    assert_int_equal(cssp_binding_verify_client(6, nonce, spk, sizeof(spk), client_hash, 31),
                     CREDSSP_E_BINDING);
    /* v5+ needs a nonce */
    assert_int_equal(cssp_binding_verify_client(5, NULL, spk, sizeof(spk), client_hash,
                                                sizeof(client_hash)),
                     CREDSSP_E_BAD_NONCE);
    /* a v2-4 echo of the key is not accepted at v5+ (downgrade) */
    assert_int_equal(cssp_binding_verify_client(6, nonce, spk, sizeof(spk), spk, sizeof(spk)),
                     CREDSSP_E_BINDING);
}

static void
test_echo(void **state)
{
    uint8_t *out = NULL, other[sizeof(spk)];
    size_t len = 0;

    (void)state;
    for (int v = 2; v <= 4; v++) {
        assert_int_equal(cssp_binding_verify_client(v, NULL, spk, sizeof(spk), spk, sizeof(spk)),
                         CREDSSP_OK);
        assert_int_equal(cssp_binding_server_value(v, NULL, spk, sizeof(spk), &out, &len),
                         CREDSSP_OK);
        assert_int_equal(len, sizeof(spk));
        assert_int_equal(out[0], 0x31);            /* byte 0 + 1 */
        assert_memory_equal(out + 1, spk + 1, sizeof(spk) - 1);
        free(out);
        out = NULL;
    }
    memcpy(other, spk, sizeof(other));
    other[3] ^= 0xff;
    assert_int_equal(cssp_binding_verify_client(2, NULL, spk, sizeof(spk), other, sizeof(other)),
                     CREDSSP_E_BINDING);
}

static void
test_spk_from_der(void **state)
{
    uint8_t *out = NULL;
    size_t len = 0;
    static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

    (void)state;
    assert_int_equal(cssp_binding_spk_from_der(junk, sizeof(junk), &out, &len),
                     CREDSSP_E_INVALID_ARG);
    assert_null(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_known_answers),
        cmocka_unit_test(test_hash_mismatches),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_spk_from_der),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
