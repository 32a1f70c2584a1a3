/*
 * test_interop.c - the decoder tolerances for legacy clients (buf.h
 * CSSP_READ_BER_LENGTHS / CSSP_READ_STRIP_NUL; docs/INTEROP.md): off by
 * default (strict DER), on only when asked, and never more than documented.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "engine.h"
#include "tscred.h"
#include "tsrequest.h"

#define BOTH (CSSP_READ_BER_LENGTHS | CSSP_READ_STRIP_NUL)

/* TSRequest v2 with pubKeyAuth "AB", outer length non-minimal (82 00 0b). */
static const uint8_t req_ber[] = { 0x30, 0x82, 0x00, 0x0b, 0xa0, 0x03, 0x02, 0x01, 0x02,
                                   0xa3, 0x04, 0x04, 0x02, 0x41, 0x42 };
/* The same with a long-form length below 128 inside ([3] 81 04). */
static const uint8_t req_ber_inner[] = { 0x30, 0x0c, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa3, 0x81,
                                         0x04, 0x04, 0x02, 0x41, 0x42 };

/* TSCredentials, password creds: domain "", user "a\0", password "p\0". */
static const uint8_t creds_nul[] = {
    0x30, 0x1f, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa1, 0x18, 0x04, 0x16, 0x30, 0x14, 0xa0,
    0x02, 0x04, 0x00, 0xa1, 0x06, 0x04, 0x04, 0x61, 0x00, 0x00, 0x00, 0xa2, 0x06, 0x04,
    0x04, 0x70, 0x00, 0x00, 0x00,
};
/* user "\0a": an embedded (not terminating) NUL. */
static const uint8_t creds_inner_nul[] = {
    0x30, 0x1f, 0xa0, 0x03, 0x02, 0x01, 0x01, 0xa1, 0x18, 0x04, 0x16, 0x30, 0x14, 0xa0,
    0x02, 0x04, 0x00, 0xa1, 0x06, 0x04, 0x04, 0x00, 0x00, 0x61, 0x00, 0xa2, 0x06, 0x04,
    0x04, 0x70, 0x00, 0x00, 0x00,
};

static void
test_request_lengths(void **state)
{
    struct cssp_ts_request req;
    size_t frame = 0;

    (void)state;
    assert_int_equal(cssp_ts_request_decode(req_ber, sizeof(req_ber), &req),
                     CREDSSP_E_BAD_LENGTH);
    assert_int_equal(cssp_ts_request_frame(req_ber, sizeof(req_ber), 65539, &frame),
                     CREDSSP_E_BAD_LENGTH);
    assert_int_equal(cssp_ts_request_frame_flags(req_ber, sizeof(req_ber), 65539, BOTH, &frame),
                     CREDSSP_OK);
    assert_int_equal(frame, sizeof(req_ber));
    assert_int_equal(cssp_ts_request_decode_flags(req_ber, sizeof(req_ber), BOTH, &req),
                     CREDSSP_OK);
    assert_int_equal(req.version, 2);
    assert_int_equal(req.pub_key_auth_len, 2);
    assert_memory_equal(req.pub_key_auth, "AB", 2);

    assert_int_equal(cssp_ts_request_decode(req_ber_inner, sizeof(req_ber_inner), &req),
                     CREDSSP_E_BAD_LENGTH);
    assert_int_equal(
        cssp_ts_request_decode_flags(req_ber_inner, sizeof(req_ber_inner), BOTH, &req),
        CREDSSP_OK);
    assert_memory_equal(req.pub_key_auth, "AB", 2);
}

static void
test_request_still_rejects(void **state)
{
    struct cssp_ts_request req;
    /* indefinite length stays refused */
    static const uint8_t indef[] = { 0x30, 0x80, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x00, 0x00 };
    /* a length of length above 4 stays refused */
    static const uint8_t lol[] = { 0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x05,
                                   0xa0, 0x03, 0x02, 0x01, 0x02 };
    uint8_t trailing[sizeof(req_ber) + 1];

    (void)state;
    assert_int_equal(cssp_ts_request_decode_flags(indef, sizeof(indef), BOTH, &req),
                     CREDSSP_E_BAD_LENGTH);
    assert_int_not_equal(cssp_ts_request_decode_flags(lol, sizeof(lol), BOTH, &req), CREDSSP_OK);
    memcpy(trailing, req_ber, sizeof(req_ber));
    trailing[sizeof(req_ber)] = 0;
    assert_int_equal(cssp_ts_request_decode_flags(trailing, sizeof(trailing), BOTH, &req),
                     CREDSSP_E_TRAILING);
}

static void
test_creds_nul(void **state)
{
    struct cssp_ts_credentials c;

    (void)state;
    assert_int_equal(cssp_ts_credentials_decode(creds_nul, sizeof(creds_nul), &c),
                     CREDSSP_E_BAD_STRING);
    assert_int_equal(cssp_ts_credentials_decode_flags(creds_nul, sizeof(creds_nul), BOTH, &c),
                     CREDSSP_OK);
    assert_string_equal(c.password.user, "a");
    assert_string_equal(c.password.domain, "");
    assert_int_equal(credssp_secret_len(c.password.password), 1);
    assert_memory_equal(credssp_secret_data(c.password.password), "p", 1);
    assert_false(c.password.restricted_admin);
    cssp_ts_credentials_clear(&c);
    /* only a terminating NUL is dropped */
    assert_int_equal(
        cssp_ts_credentials_decode_flags(creds_inner_nul, sizeof(creds_inner_nul), BOTH, &c),
        CREDSSP_E_BAD_STRING);
}

/* The engine turns the tolerances on for the legacy versions 2-4 only. */
static void
test_tolerance_by_version(void **state)
{
    struct credssp_engine e = { 0 };

    (void)state;
    for (int v = 0; v <= 8; v++) {
        e.client_version = v;
        assert_int_equal(cssp_engine_decode_flags(&e), v >= 2 && v <= 4 ? BOTH : 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_lengths),
        cmocka_unit_test(test_request_still_rejects),
        cmocka_unit_test(test_creds_nul),
        cmocka_unit_test(test_tolerance_by_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
