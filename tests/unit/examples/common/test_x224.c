/*
 * test_x224.c - examples/common/x224.c: the X.224 Connection Request parser
 * (MS-RDPBCGR 2.2.1.1), the protocol selection and the PDUs the server
 * writes (2.2.1.2 Connection Confirm, 2.2.10.2 EUA, T.125 DPUm, X.224 DR).
 * Known answers from captured traffic (docs/PROTOCOL.md §8.1), every defined error,
 * every truncation, and a bit-flip sweep that must never crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "x224.h"

/* mstsc: cookie "admin", requestedProtocols 0x0B (docs/PROTOCOL.md §8.1, [SETH1]) */
static const uint8_t mstsc_cr[] = {
    0x03, 0x00, 0x00, 0x2B, 0x26, 0xE0, 0x00, 0x00, 0x00, 0x00, 0x00,
    'C', 'o', 'o', 'k', 'i', 'e', ':', ' ', 'm', 's', 't', 's', 'h', 'a', 's', 'h', '=',
    'a', 'd', 'm', 'i', 'n', '\r', '\n',
    0x01, 0x00, 0x08, 0x00, 0x0B, 0x00, 0x00, 0x00
};

/* Build a CR around a variable part. */
static size_t
make_cr(uint8_t *out, const void *var, size_t n)
{
    memcpy(out, "\x03\x00\x00\x00\x00\xE0\x00\x00\x12\x34\x00", 11);
    memcpy(out + 11, var, n);
    out[2] = (uint8_t)((11 + n) >> 8);
    out[3] = (uint8_t)(11 + n);
    out[4] = (uint8_t)(6 + n);
    return 11 + n;
}

static void
test_parse_mstsc(void **state)
{
    struct x224_cr cr;

    (void)state;
    assert_int_equal(x224_parse_cr(mstsc_cr, sizeof(mstsc_cr), &cr), CREDSSP_OK);
    assert_true(cr.has_cookie);
    assert_false(cr.has_routing_token);
    assert_string_equal(cr.cookie, "admin");
    assert_true(cr.has_neg_req);
    assert_int_equal(cr.requested, 0x0B);
    assert_int_equal(cr.req_flags, 0);
    assert_int_equal(cr.src_ref, 0);
    assert_false(cr.has_correlation);
}

static void
test_parse_variants(void **state)
{
    uint8_t buf[X224_MAX_CR_FRAME];
    struct x224_cr cr;
    size_t n;
    static const uint8_t neg_corr[] = {
        0x01, 0x08, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
        0x06, 0x00, 0x24, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    };

    (void)state;
    /* no variable part at all: legacy client, requestedProtocols 0 */
    n = make_cr(buf, "", 0);
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_OK);
    assert_false(cr.has_neg_req);
    assert_int_equal(cr.requested, 0);
    assert_int_equal(cr.src_ref, 0x1234);
    /* routing token, then RDP_NEG_REQ */
    n = make_cr(buf, "Cookie: msts=3640205228.15629.0000\r\n\x01\x00\x08\x00\x02\x00\x00\x00", 44);
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_OK);
    assert_true(cr.has_routing_token);
    assert_false(cr.has_cookie);
    assert_int_equal(cr.requested, 2);
    /* correlation info */
    n = make_cr(buf, neg_corr, sizeof(neg_corr));
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_OK);
    assert_true(cr.has_correlation);
    assert_int_equal(cr.req_flags, 0x08);
    assert_int_equal(cr.correlation_id[15], 16);
    /* a long cookie is truncated, not refused */
    {
        char var[220];

        memcpy(var, "Cookie: mstshash=", 17);
        memset(var + 17, 'x', 200);
        memcpy(var + 217, "\r\n", 2);
        n = make_cr(buf, var, 219);
        assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_OK);
        assert_int_equal(strlen(cr.cookie), X224_MAX_COOKIE);
    }
}

static void
test_parse_errors(void **state)
{
    uint8_t buf[X224_MAX_CR_FRAME];
    struct x224_cr cr;
    size_t n;

    (void)state;
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[0] = 0x04;                                          /* TPKT version */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_TAG);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[3] = 0x2C;                                          /* TPKT length */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_LENGTH);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[4] = 0x25;                                          /* LI */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_LENGTH);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[5] = 0xD0;                                          /* a CC, not a CR */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_TAG);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[10] = 0x40;                                         /* class 4 */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_TAG);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[sizeof(mstsc_cr) - 6] = 0x09;                       /* RDP_NEG_REQ length 9 */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_LENGTH);
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    buf[sizeof(mstsc_cr) - 8] = 0x02;                       /* NEG type 2 */
    assert_int_equal(x224_parse_cr(buf, sizeof(mstsc_cr), &cr), CREDSSP_E_BAD_TAG);
    n = make_cr(buf, "\x01\x00\x08\x00\x03\x00\x00\x00\x00", 9);   /* trailing byte */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_TRAILING);
    n = make_cr(buf, "Cookie: mstshash=bob", 20);                 /* no CR LF */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_TRUNCATED);
    n = make_cr(buf, "Cookie: mstshash=b\0b\r\n", 22);            /* NUL */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_BAD_STRING);
    n = make_cr(buf, "Cookie: mstshash=b\rb\r\n", 22);            /* lone CR */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_BAD_STRING);
    n = make_cr(buf, "Cake: x\r\n", 9);                           /* not a cookie */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_BAD_TAG);
    n = make_cr(buf, "\x02", 1);                                  /* unknown element */
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_BAD_TAG);
    n = make_cr(buf, "\x01\x00\x08\x00\x03\x00\x00\x00\x06\x00\x24\x00", 12);
    assert_int_equal(x224_parse_cr(buf, n, &cr), CREDSSP_E_TRUNCATED);  /* short correlation */
    assert_int_equal(x224_parse_cr(NULL, 0, &cr), CREDSSP_E_INVALID_ARG);
    assert_int_equal(x224_parse_cr(buf, X224_MAX_CR_FRAME + 1, &cr), CREDSSP_E_TOO_LARGE);
}

/* Every proper prefix fails; nothing reads past the end (ASan / valgrind). */
static void
test_truncations_and_flips(void **state)
{
    struct x224_cr cr;

    (void)state;
    for (size_t n = 0; n < sizeof(mstsc_cr); n++) {
        uint8_t *copy = malloc(n ? n : 1);

        memcpy(copy, mstsc_cr, n);
        assert_int_not_equal(x224_parse_cr(copy, n, &cr), CREDSSP_OK);
        free(copy);
    }
    for (size_t i = 0; i < sizeof(mstsc_cr); i++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t copy[sizeof(mstsc_cr)];

            memcpy(copy, mstsc_cr, sizeof(copy));
            copy[i] ^= (uint8_t)(1u << bit);
            (void)x224_parse_cr(copy, sizeof(copy), &cr);   /* any defined answer */
        }
    }
}

static void
test_tpkt_frame_len(void **state)
{
    size_t n = 99;

    (void)state;
    assert_int_equal(x224_tpkt_frame_len(mstsc_cr, 3, 300, &n), CREDSSP_E_TRUNCATED);
    assert_int_equal(n, 0);
    assert_int_equal(x224_tpkt_frame_len(mstsc_cr, 4, 300, &n), CREDSSP_OK);
    assert_int_equal(n, 0x2B);
    assert_int_equal(x224_tpkt_frame_len(mstsc_cr, 4, 0x2A, &n), CREDSSP_E_TOO_LARGE);
    assert_int_equal(x224_tpkt_frame_len((const uint8_t *)"\x16\x03\x01\x00", 4, 300, &n),
                     CREDSSP_E_BAD_TAG);
    assert_int_equal(x224_tpkt_frame_len((const uint8_t *)"\x03\x00\x00\x06", 4, 300, &n),
                     CREDSSP_E_BAD_LENGTH);
}

/* x224_take_cr: wait while partial, the frame and what follows, refuse non-RDP. */
static void
test_take_cr(void **state)
{
    uint8_t buf[sizeof(mstsc_cr) + 3];
    struct x224_cr cr;
    size_t flen = 99;

    (void)state;
    for (size_t n = 0; n < sizeof(mstsc_cr); n++) {
        assert_int_equal(x224_take_cr(mstsc_cr, n, 512, &flen, &cr), CREDSSP_OK);
        assert_int_equal(flen, 0);                      /* not all there yet */
    }
    memcpy(buf, mstsc_cr, sizeof(mstsc_cr));
    memcpy(buf + sizeof(mstsc_cr), "\x16\x03\x01", 3);    /* ClientHello sent early */
    assert_int_equal(x224_take_cr(buf, sizeof(buf), 512, &flen, &cr), CREDSSP_OK);
    assert_int_equal(flen, sizeof(mstsc_cr));
    assert_true(cr.has_cookie);
    buf[0] = 0x16;                                      /* TLS first: not RDP */
    assert_int_not_equal(x224_take_cr(buf, sizeof(buf), 512, &flen, &cr), CREDSSP_OK);
    assert_int_equal(flen, 0);
}

static void
test_select(void **state)
{
    struct x224_policy pol = { .allow_hybrid_ex = true };
    struct x224_cr cr = { .requested = 0x0B, .has_neg_req = true };
    struct x224_answer a;

    (void)state;
    x224_select(&cr, &pol, &a);
    assert_false(a.failure);
    assert_int_equal(a.selected, X224_PROTOCOL_HYBRID_EX);
    pol.allow_hybrid_ex = false;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.selected, X224_PROTOCOL_HYBRID);
    cr.requested = X224_PROTOCOL_SSL;
    x224_select(&cr, &pol, &a);
    assert_true(a.failure);
    assert_int_equal(a.failure_code, X224_FAIL_HYBRID_REQUIRED);
    pol.allow_ssl = true;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.selected, X224_PROTOCOL_SSL);
    /* Restricted Admin / Remote Guard: confirmed only when asked and allowed */
    cr.requested = 0x03;
    cr.req_flags = X224_REQ_RESTRICTED_ADMIN | X224_REQ_REDIRECTED_AUTH;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.rsp_flags, 0);
    pol.allow_restricted_admin = true;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.rsp_flags, X224_RSP_RESTRICTED_ADMIN);
    pol.allow_remote_guard = true;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.rsp_flags, X224_RSP_RESTRICTED_ADMIN | X224_RSP_REDIRECTED_AUTH);
    cr.req_flags = 0;
    x224_select(&cr, &pol, &a);
    assert_int_equal(a.rsp_flags, 0);
}

/* Run a writer and compare with known bytes. */
static void
check_written(struct cssp_writer *w, const void *want, size_t n)
{
    uint8_t *out = NULL;
    size_t len = 0;

    assert_int_equal(cssp_writer_take(w, &out, &len), CREDSSP_OK);
    assert_int_equal(len, n);
    assert_memory_equal(out, want, n);
    free(out);
}

static void
test_writers(void **state)
{
    struct cssp_writer w;
    struct x224_answer rsp = { .selected = X224_PROTOCOL_HYBRID, .rsp_flags = 0x08 };
    struct x224_answer fail = { .failure = true, .failure_code = X224_FAIL_HYBRID_REQUIRED };

    (void)state;
    cssp_writer_init(&w, 64, false);
    x224_write_cc(&w, 0x0000, &rsp);
    check_written(&w, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x08\x08\x00\x02\x00\x00\x00",
                  19);
    /* the failure example of docs/PROTOCOL.md §8.1 */
    cssp_writer_init(&w, 64, false);
    x224_write_cc(&w, 0x0000, &fail);
    check_written(&w, "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00\x00",
                  19);
    cssp_writer_init(&w, 64, false);
    x224_write_dpum(&w, X224_DPUM_USER_REQUESTED);
    check_written(&w, "\x03\x00\x00\x09\x02\xf0\x80\x21\x80", 9);
    cssp_writer_init(&w, 64, false);
    x224_write_dpum(&w, X224_DPUM_PROVIDER_INITIATED);
    check_written(&w, "\x03\x00\x00\x09\x02\xf0\x80\x20\x80", 9);
    cssp_writer_init(&w, 64, false);
    x224_write_dr(&w, 0x0000, 0x1234);
    check_written(&w, "\x03\x00\x00\x0b\x06\x80\x00\x00\x12\x34\x00", 11);
    cssp_writer_init(&w, 64, false);
    x224_write_eua(&w, X224_EUA_ACCESS_DENIED);
    check_written(&w, "\x05\x00\x00\x00", 4);
    /* a writer too small fails, it does not overflow */
    cssp_writer_init(&w, 8, false);
    x224_write_cc(&w, 0, &rsp);
    assert_false(cssp_writer_ok(&w));
    cssp_writer_release(&w);
}

static void
test_protocol_names(void **state)
{
    (void)state;
    assert_string_equal(x224_protocol_name(X224_PROTOCOL_HYBRID_EX), "hybrid_ex");
    assert_string_equal(x224_protocol_name(X224_PROTOCOL_HYBRID), "hybrid");
    assert_string_equal(x224_protocol_name(X224_PROTOCOL_SSL), "ssl");
    assert_string_equal(x224_protocol_name(0x40), "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_mstsc),
        cmocka_unit_test(test_parse_variants),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_truncations_and_flips),
        cmocka_unit_test(test_tpkt_frame_len),
        cmocka_unit_test(test_take_cr),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_protocol_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
