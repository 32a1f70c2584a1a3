/*
 * test_engine.c - the engine's byte buffers (acceptor/engine/engine.c) hold TLS
 * plaintext (TSRequests, the sealed authInfo, the client's first application
 * data): no copy of it may survive in freed heap memory, neither after
 * credssp_engine_free nor after a buffer grew (DEVELOPMENT.md rule 5).
 *
 * The engine runs in application-owned TLS mode, so the fed bytes are the
 * plaintext itself; a partial TSRequest keeps them in the reassembly buffer.
 * A random needle inside those bytes is counted in all writable memory
 * (tests/unit/heapscan.h).  Skipped under ASan, whose shadow cannot be scanned.
 * Also the status flags (include/credssp.h) and one stage-table rule.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "credssp.h"
#include "heapscan.h"
#include "tsrequest.h"

/* A TSRequest header announcing 65000 body bytes (below the 65539 cap). */
static const uint8_t header[] = { 0x30, 0x82, 0xfd, 0xe8 };

static credssp_config *cfg;
static uint8_t *cert_der;
static size_t cert_len;
static char keyfile[] = "/tmp/cssp-test-engine-XXXXXX";

static void
quiet(void *ud, int level, const char *msg)
{
    (void)ud;
    (void)level;
    (void)msg;
}

/* A self-signed P-256 certificate, DER (the engine binds its key). */
static void
make_cert(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    unsigned char *p = NULL;
    int n;

    assert_non_null(key);
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    n = i2d_X509(x, &p);
    assert_true(n > 0);
    cert_der = p;
    cert_len = (size_t)n;
    X509_free(x);
    EVP_PKEY_free(key);
}

static int
setup(void **state)
{
    static const char line[] = "TESTDOM\\alice:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
                               "FC525C9683E8FE067095BA2DDC971889:[U          ]:LCT-00000000\n";
    int fd = mkstemp(keyfile);

    (void)state;
    if (fd < 0 || write(fd, line, sizeof(line) - 1) != (ssize_t)(sizeof(line) - 1))
        return -1;
    close(fd);
    make_cert();
    if (credssp_config_new(&cfg) != CREDSSP_OK ||
        credssp_config_set_ntlm_keyfile(cfg, keyfile) != CREDSSP_OK)
        return -1;
    credssp_config_set_log(cfg, quiet, NULL);
    if (credssp_config_prepare(cfg) != CREDSSP_OK)
        return -1;
    if (heapscan_setup() != 0 || RAND_bytes(heapscan_needle, HEAPSCAN_NEEDLE_LEN) != 1)
        return -1;
    /* The DRBG may leave its output on the stack: count a transformed needle. */
    for (size_t i = 0; i < HEAPSCAN_NEEDLE_LEN; i++)
        heapscan_needle[i] ^= 0xa5;
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    credssp_config_free(cfg);
    OPENSSL_free(cert_der);
    unlink(keyfile);
    heapscan_teardown();
    return 0;
}

static credssp_engine *
new_engine(void)
{
    credssp_engine *e = NULL;

    assert_int_equal(credssp_engine_new(cfg, CREDSSP_TLS_APPLICATION, &e), CREDSSP_OK);
    assert_int_equal(credssp_engine_set_server_cert(e, cert_der, cert_len), CREDSSP_OK);
    return e;
}

/*
 * Wipe the dead stack below the caller: the lazy binding of a symbol's
 * first call (_dl_runtime_resolve) saves the vector registers there, and
 * they may still hold the needle the test just copied.
 */
__attribute__((noinline)) static void
scrub_stack(void)
{
    uint8_t area[64 * 1024];

    OPENSSL_cleanse(area, sizeof(area));
}

/*
 * Feed n bytes (the header first when `first`), the needle at byte `at`.
 * The caller's copy is wiped, so only the engine holds the needle.
 */
static void
feed(credssp_engine *e, bool first, size_t n, size_t at)
{
    uint8_t *buf = calloc(1, n);

    assert_non_null(buf);
    if (first)
        memcpy(buf, header, sizeof(header));
    memcpy(buf + at, heapscan_needle, HEAPSCAN_NEEDLE_LEN);
    assert_int_equal(credssp_engine_feed(e, buf, n), CREDSSP_WANT_READ);
    OPENSSL_cleanse(buf, n);
    free(buf);
    scrub_stack();
}

/* credssp_engine_free wipes the reassembly buffer before freeing it. */
static void
test_free_wipes(void **state)
{
    credssp_engine *e;

    (void)state;
    if (!HEAPSCAN_POSSIBLE)
        skip();
    e = new_engine();
    /* 12000 bytes: a 16 KiB buffer, larger than the stdio buffers that
     * the scan itself allocates and could write over a freed copy with. */
    feed(e, true, 12000, 11000);
    assert_int_equal(heapscan_count(), 1);
    credssp_engine_free(e);
    assert_int_equal(heapscan_count(), 0);
}

/*
 * Growing the buffer leaves no copy behind: the partial TSRequest grows in
 * steps (4, 8, 16, 32, 64 KiB), a blocker allocation after each step keeps
 * the allocator from extending in place, and at every step exactly one copy
 * of each needle is live.
 */
static void
test_grow_wipes(void **state)
{
    credssp_engine *e;
    void *blockers[5] = { NULL };
    size_t sizes[] = { 3000, 4000, 8000, 16000, 32000 };

    (void)state;
    if (!HEAPSCAN_POSSIBLE)
        skip();
    e = new_engine();
    for (size_t i = 0; i < 5; i++) {
        feed(e, i == 0, sizes[i], 100);
        blockers[i] = malloc(64);
        assert_non_null(blockers[i]);
        assert_int_equal(heapscan_count(), (int)i + 1);
    }
    credssp_engine_free(e);
    assert_int_equal(heapscan_count(), 0);
    for (size_t i = 0; i < 5; i++)
        free(blockers[i]);
}

/*
 * The status is flags: each a distinct bit, so DONE and FAILED can carry
 * WANT_WRITE and no value equals another's combination (DONE was once
 * READ | WRITE numerically).
 */
static void
test_status_bits(void **state)
{
    const unsigned bits[] = { CREDSSP_WANT_READ, CREDSSP_WANT_WRITE, CREDSSP_DONE,
                              CREDSSP_FAILED, CREDSSP_WANT_STEP };
    unsigned seen = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        assert_int_equal(bits[i] & (bits[i] - 1), 0);   /* one bit */
        assert_int_equal(seen & bits[i], 0);            /* not used twice */
        seen |= bits[i];
    }
}

/* Encode a client TSRequest (version 6) with this negoToken. */
static size_t
client_request(const uint8_t *token, size_t token_len, uint8_t **out)
{
    struct cssp_ts_request req = { .version = 6, .nego_token = token,
                                   .nego_token_len = token_len };
    size_t len = 0;

    assert_int_equal(cssp_ts_request_encode(&req, out, &len), CREDSSP_OK);
    return len;
}

/*
 * A failure that answers with errorCode: FAILED | WANT_WRITE until the
 * output is taken, then FAILED alone, and feeding nothing changes neither
 * (feed() had already done all it could).
 */
static void
test_failed_with_output(void **state)
{
    static const uint8_t junk[] = { 0x01, 0x02, 0x03, 0x04 };
    credssp_engine *e;
    uint8_t *msg = NULL;
    size_t len = client_request(junk, sizeof(junk), &msg), out_len = 0;

    (void)state;
    assert_int_equal(credssp_engine_new(cfg, CREDSSP_TLS_APPLICATION, &e), CREDSSP_OK);
    assert_int_equal(credssp_engine_set_server_cert(e, cert_der, cert_len), CREDSSP_OK);
    assert_int_equal(credssp_engine_feed(e, msg, len), CREDSSP_FAILED | CREDSSP_WANT_WRITE);
    assert_int_equal(credssp_engine_error(e), CREDSSP_E_BAD_TOKEN);
    assert_non_null(credssp_engine_output(e, &out_len));
    assert_true(out_len > 0);
    credssp_engine_output_consumed(e, out_len);
    assert_int_equal(credssp_engine_status(e), CREDSSP_FAILED);
    assert_int_equal(credssp_engine_feed(e, NULL, 0), CREDSSP_FAILED);
    assert_null(credssp_engine_output(e, &out_len));
    assert_int_equal(credssp_result_error_code(credssp_engine_result(e)),
                     CREDSSP_STATUS_LOGON_FAILURE);
    credssp_engine_free(e);
    free(msg);
}

/* A stage's forbidden field: authInfo with the first negoToken is refused
 * by the stage table (no errorCode: a protocol error just closes). */
static void
test_forbidden_field(void **state)
{
    static const uint8_t ntlm[] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0 };
    struct cssp_ts_request req = { .version = 6, .nego_token = ntlm,
                                   .nego_token_len = sizeof(ntlm), .auth_info = ntlm,
                                   .auth_info_len = sizeof(ntlm) };
    credssp_engine *e;
    uint8_t *msg = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(cssp_ts_request_encode(&req, &msg, &len), CREDSSP_OK);
    assert_int_equal(credssp_engine_new(cfg, CREDSSP_TLS_APPLICATION, &e), CREDSSP_OK);
    assert_int_equal(credssp_engine_set_server_cert(e, cert_der, cert_len), CREDSSP_OK);
    assert_int_equal(credssp_engine_feed(e, msg, len), CREDSSP_FAILED);
    assert_int_equal(credssp_engine_error(e), CREDSSP_E_UNEXPECTED);
    credssp_engine_free(e);
    free(msg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_wipes),
        cmocka_unit_test(test_grow_wipes),
        cmocka_unit_test(test_status_bits),
        cmocka_unit_test(test_failed_with_output),
        cmocka_unit_test(test_forbidden_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
