/*
 * test_wipe.c - the hand-off and the conversation helper leave no copy of
 * the password in memory: a random password is stored, claimed and given to
 * a conversation; after each step the process's writable memory is scanned
 * (/proc/self/mem, as tests/unit/base/test_secret.c does) and the count
 * of copies must be exactly the live secrets.
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
#include <keyutils.h>
#include <openssl/rand.h>

#include "credssp_pam.h"
#include "result.h"
#include "secret.h"
#include "heapscan.h"

#define NEEDLE_LEN HEAPSCAN_NEEDLE_LEN
#define needle heapscan_needle
#define count_needle heapscan_count

static int
setup(void **state)
{
    (void)state;
    if (heapscan_setup() != 0 || RAND_bytes(needle, NEEDLE_LEN) != 1)
        return -1;
    for (size_t i = 0; i < NEEDLE_LEN; i++)
        needle[i] = (uint8_t)('a' + needle[i] % 26);   /* a printable password */
    return keyctl_join_session_keyring(NULL) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    heapscan_teardown();
    return 0;
}

/* A password result whose only copy of the password is its secret. */
static struct credssp_result *
needle_result(void)
{
    struct credssp_result *r = NULL;
    uint8_t *data = NULL;

    assert_int_equal(cssp_result_new(&r), CREDSSP_OK);
    r->mech = CREDSSP_MECH_NTLM;
    r->client_version = 6;
    r->principal = strdup("TESTDOM\\alice");
    r->cred_type = CREDSSP_CRED_PASSWORD;
    r->creds.cred_type = CSSP_CREDTYPE_PASSWORD;
    r->creds.password.user = strdup("alice");
    r->creds.password.domain = strdup("TESTDOM");
    assert_int_equal(cssp_secret_alloc(CREDSSP_SECRET_PASSWORD, NEEDLE_LEN,
                                       &r->creds.password.password, &data), CREDSSP_OK);
    memcpy(data, needle, NEEDLE_LEN);
    return r;
}

static void
test_store_claim_conv_leave_no_copy(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct credssp_result *r;
    credssp_result *claimed = NULL;
    credssp_pam_conv *conv = NULL;
    key_serial_t ring = add_key("keyring", "credssp-wipe", NULL, 0, KEY_SPEC_SESSION_KEYRING);

    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();   /* the scan would crawl ASan's terabytes of shadow mappings */
#endif
    if (getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
    assert_true(ring > 0);
    r = needle_result();
    assert_int_equal(count_needle(), 1);          /* positive control */
    assert_int_equal(credssp_handoff_store(r, 0, ring, token), CREDSSP_OK);
    assert_int_equal(count_needle(), 1);          /* sealing left no plaintext behind */
    credssp_result_free(r);
    assert_int_equal(count_needle(), 0);
    assert_int_equal(credssp_handoff_claim(token, ring, &claimed), CREDSSP_OK);
    assert_int_equal(count_needle(), 1);          /* only the claimed secret */
    assert_int_equal(credssp_pam_conv_new(claimed, NULL, &conv), CREDSSP_OK);
    assert_int_equal(count_needle(), 2);          /* the helper's own copy */
    credssp_pam_conv_free(conv);
    assert_int_equal(count_needle(), 1);
    credssp_result_free(claimed);
    assert_int_equal(count_needle(), 0);
    (void)keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_claim_conv_leave_no_copy),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
