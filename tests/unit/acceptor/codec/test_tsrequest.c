/*
 * test_tsrequest.c - TSRequest / NegoData codec and framing (acceptor/codec/tsrequest.c).
 *
 * Known-answer vectors (tests/data/tsrequest_*.hex) decode to the expected
 * fields and re-encode byte for byte; every vector survives the full
 * mutation sweep (mutate.h) under the round-trip property (roundtrip.h);
 * hand-made hostile messages map to their specific errors; the size cap is
 * tested at the limit and one byte over; random structures round-trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_test.h"
#include "der.h"
#include "tsrequest.h"

static const char *const vector_names[] = {
    "tsrequest_freerdp_negotiate.hex",   "tsrequest_mstsc_win7.hex",  "tsrequest_pyspnego_all.hex",
    "tsrequest_error_logon_failure.hex", "tsrequest_error_5byte.hex",
};

/* Decode, check the re-encoding is byte-identical, return the request. */
static void
decode_and_reencode(const uint8_t *buf, size_t len, struct cssp_ts_request *req)
{
    uint8_t *enc = NULL;
    size_t enc_len = 0;

    assert_int_equal(cssp_ts_request_decode(buf, len, req), CREDSSP_OK);
    assert_int_equal(cssp_ts_request_encode(req, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    free(enc);
}

static void
test_kat_freerdp(void **state)
{
    struct cssp_ts_request req;
    size_t len;
    uint8_t *buf = must_load("tsrequest_freerdp_negotiate.hex", &len);

    (void)state;
    assert_int_equal(len, 93);
    decode_and_reencode(buf, len, &req);
    assert_int_equal(req.version, 6);
    assert_int_equal(req.nego_token_len, 40);
    assert_ptr_equal(req.nego_token, buf + 17); /* a view into the input */
    assert_memory_equal(req.nego_token, "NTLMSSP\0\1\0\0\0", 12);
    assert_null(req.auth_info);
    assert_null(req.pub_key_auth);
    assert_false(req.has_error_code);
    assert_int_equal(req.client_nonce_len, 32);
    assert_int_equal(req.client_nonce[0], 0xa0);
    assert_int_equal(req.client_nonce[31], 0xbf);
    free(buf);
}

static void
test_kat_mstsc_win7(void **state)
{
    struct cssp_ts_request req;
    size_t len;
    uint8_t *buf = must_load("tsrequest_mstsc_win7.hex", &len);

    (void)state;
    assert_int_equal(len, 0x39);
    decode_and_reencode(buf, len, &req);
    assert_int_equal(req.version, 2);
    assert_int_equal(req.nego_token_len, 40);
    assert_memory_equal(req.nego_token + 12, "\xb7\x82\x08\xe2", 4);
    assert_null(req.client_nonce);
    assert_int_equal(req.client_nonce_len, 0);
    free(buf);
}

static void
test_kat_pyspnego_all_fields(void **state)
{
    struct cssp_ts_request req, built = {0};
    uint8_t *enc = NULL;
    size_t len, enc_len;
    uint8_t *buf = must_load("tsrequest_pyspnego_all.hex", &len);

    (void)state;
    decode_and_reencode(buf, len, &req);
    assert_int_equal(req.version, 6);
    assert_int_equal(req.nego_token_len, 3);
    assert_memory_equal(req.nego_token, "123", 3);
    assert_int_equal(req.auth_info_len, 9);
    assert_memory_equal(req.auth_info, "auth info", 9);
    assert_int_equal(req.pub_key_auth_len, 12);
    assert_memory_equal(req.pub_key_auth, "pub key auth", 12);
    assert_true(req.has_error_code);
    assert_int_equal(req.error_code, 10);
    /* a nonce of the wrong length is decoded; the engine refuses it */
    assert_int_equal(req.client_nonce_len, 12);
    assert_memory_equal(req.client_nonce, "client nonce", 12);

    /* The encoder builds the same bytes from plain fields. */
    built.version = 6;
    built.nego_token = (const uint8_t *)"123";
    built.nego_token_len = 3;
    built.auth_info = (const uint8_t *)"auth info";
    built.auth_info_len = 9;
    built.pub_key_auth = (const uint8_t *)"pub key auth";
    built.pub_key_auth_len = 12;
    built.has_error_code = true;
    built.error_code = 10;
    built.client_nonce = (const uint8_t *)"client nonce";
    built.client_nonce_len = 12;
    assert_int_equal(cssp_ts_request_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    free(enc);
    free(buf);
}

static void
test_kat_error_code(void **state)
{
    struct cssp_ts_request req, built = {0};
    uint8_t *enc = NULL;
    size_t len, len5, enc_len;
    uint8_t *buf = must_load("tsrequest_error_logon_failure.hex", &len);
    uint8_t *buf5 = must_load("tsrequest_error_5byte.hex", &len5);

    (void)state;
    decode_and_reencode(buf, len, &req);
    assert_int_equal(req.version, 6);
    assert_true(req.has_error_code);
    assert_int_equal(req.error_code, 0xC000006Du);
    assert_null(req.nego_token);
    assert_null(req.client_nonce);

    built.version = 6;
    built.has_error_code = true;
    built.error_code = 0xC000006Du;
    assert_int_equal(cssp_ts_request_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, 15);
    assert_memory_equal(enc, buf, 15);
    free(enc);

    /* The 5-byte positive form decodes to the same value, re-encodes as 4 bytes. */
    assert_int_equal(cssp_ts_request_decode(buf5, len5, &req), CREDSSP_OK);
    assert_true(req.has_error_code);
    assert_int_equal(req.error_code, 0xC000006Du);
    assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    assert_int_equal(rt_tsrequest(buf5, len5, NULL), RT_ACCEPTED_ALT_FORM);
    free(enc);
    free(buf);
    free(buf5);
}

/* Every vector, every mutation: a defined error, or a value that re-encodes to itself. */
static void
test_mutation_sweep(void **state)
{
    (void)state;
    sweep_vectors(vector_names, CSSP_COUNT(vector_names), rt_tsrequest);
}

struct bad_case {
    const char *what;
    const char *hex;
    credssp_error err;
};

static void
run_cases(const struct bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct cssp_ts_request req;
        uint8_t *buf = NULL;
        size_t len = 0;
        credssp_error err;

        assert_true(vector_parse(cases[i].hex, &buf, &len));
        err = cssp_ts_request_decode(buf, len, &req);
        if (err != cases[i].err)
            fail_msg("%s: got %s, want %s", cases[i].what, credssp_error_name(err),
                     credssp_error_name(cases[i].err));
        assert_true(rt_ok(rt_tsrequest(buf, len, NULL)));
        free(buf);
    }
}

static void
test_hostile_structure(void **state)
{
    static const struct bad_case cases[] = {
        /* reference: a minimal valid message */
        {"minimal", "30 05 a0 03 02 01 06", CREDSSP_OK},
        {"empty input", "", CREDSSP_E_TRUNCATED},
        {"wrong outer tag", "31 05 a0 03 02 01 06", CREDSSP_E_BAD_TAG},
        {"outer [0] instead of SEQUENCE", "a0 05 a0 03 02 01 06", CREDSSP_E_BAD_TAG},
        /* version */
        {"no version", "30 00", CREDSSP_E_BAD_VERSION},
        {"negoTokens before version", "30 0c a1 0a 30 08 30 06 a0 04 04 02 4e 54",
         CREDSSP_E_BAD_VERSION},
        {"version 0", "30 05 a0 03 02 01 00", CREDSSP_E_BAD_VERSION},
        {"version 256", "30 06 a0 04 02 02 01 00", CREDSSP_E_BAD_VERSION},
        {"version -1", "30 05 a0 03 02 01 ff", CREDSSP_E_BAD_VERSION},
        {"version 255", "30 06 a0 04 02 02 00 ff", CREDSSP_OK},
        {"version non-minimal", "30 06 a0 04 02 02 00 06", CREDSSP_E_BAD_INTEGER},
        {"version empty INTEGER", "30 04 a0 02 02 00", CREDSSP_E_BAD_INTEGER},
        {"version 9-byte INTEGER", "30 0d a0 0b 02 09 01 00 00 00 00 00 00 00 00",
         CREDSSP_E_BAD_INTEGER},
        {"version as OCTET STRING", "30 05 a0 03 04 01 06", CREDSSP_E_BAD_TAG},
        /* order, duplicates, unknown tags */
        {"version twice", "30 0a a0 03 02 01 06 a0 03 02 01 06", CREDSSP_E_BAD_TAG},
        {"authInfo twice", "30 0f a0 03 02 01 06 a2 03 04 01 41 a2 03 04 01 42", CREDSSP_E_BAD_TAG},
        {"pubKeyAuth before authInfo", "30 0f a0 03 02 01 06 a3 03 04 01 41 a2 03 04 01 42",
         CREDSSP_E_BAD_TAG},
        {"clientNonce before errorCode", "30 0f a0 03 02 01 06 a5 03 04 01 41 a4 03 02 01 01",
         CREDSSP_E_BAD_TAG},
        {"unknown [6]", "30 0a a0 03 02 01 06 a6 03 04 01 41", CREDSSP_E_BAD_TAG},
        {"unknown [31] high tag", "30 0a a0 03 02 01 06 bf 1f 02 04 00", CREDSSP_E_BAD_TAG},
        {"primitive [2]", "30 08 a0 03 02 01 06 82 01 41", CREDSSP_E_BAD_TAG},
        {"bare OCTET STRING in the SEQUENCE", "30 08 a0 03 02 01 06 04 01 41", CREDSSP_E_BAD_TAG},
        {"stray zero byte in the SEQUENCE", "30 06 a0 03 02 01 06 00", CREDSSP_E_BAD_TAG},
        /* lengths */
        {"non-minimal outer length", "30 81 05 a0 03 02 01 06", CREDSSP_E_BAD_LENGTH},
        {"non-minimal [0] length", "30 06 a0 81 03 02 01 06", CREDSSP_E_BAD_LENGTH},
        {"non-minimal INTEGER length", "30 06 a0 04 02 81 01 06", CREDSSP_E_BAD_LENGTH},
        {"leading zero length octet", "30 82 00 05 a0 03 02 01 06", CREDSSP_E_BAD_LENGTH},
        {"indefinite outer", "30 80 a0 03 02 01 06 00 00", CREDSSP_E_BAD_LENGTH},
        {"indefinite [2]", "30 0c a0 03 02 01 06 a2 80 04 01 41 00 00", CREDSSP_E_BAD_LENGTH},
        {"length of length 5", "30 0c a0 03 02 01 06 a2 85 00 00 00 00 03", CREDSSP_E_BAD_LENGTH},
        {"outer length over the cap", "30 83 01 00 00", CREDSSP_E_TOO_LARGE},
        {"outer 4-byte length", "30 84 00 01 00 00", CREDSSP_E_BAD_LENGTH},
        {"token length past the end", "30 0a a0 03 02 01 06 a2 03 04 09 41", CREDSSP_E_TRUNCATED},
        {"field length past the SEQUENCE", "30 07 a0 03 02 01 06 a2 03 04 01 41",
         CREDSSP_E_TRUNCATED},
        /* trailing bytes at each level */
        {"after the TSRequest", "30 05 a0 03 02 01 06 00", CREDSSP_E_TRAILING},
        {"inside version [0]", "30 06 a0 04 02 01 06 00", CREDSSP_E_TRAILING},
        {"inside authInfo [2]", "30 0b a0 03 02 01 06 a2 04 04 01 41 00", CREDSSP_E_TRAILING},
        {"inside errorCode [4]", "30 0b a0 03 02 01 06 a4 04 02 01 01 00", CREDSSP_E_TRAILING},
        {"inside negoTokens [1]", "30 10 a0 03 02 01 06 a1 09 30 06 30 04 a0 02 04 00 00",
         CREDSSP_E_TRAILING},
        {"inside negoToken [0]", "30 10 a0 03 02 01 06 a1 09 30 07 30 05 a0 03 04 00 00",
         CREDSSP_E_TRAILING},
        {"inside NegoDataItem", "30 10 a0 03 02 01 06 a1 09 30 07 30 05 a0 02 04 00 00",
         CREDSSP_E_BAD_TAG},
        {"inside NegoData after the item", "30 10 a0 03 02 01 06 a1 09 30 07 30 04 a0 02 04 00 00",
         CREDSSP_E_BAD_TAG},
        /* NegoData */
        {"empty NegoData", "30 09 a0 03 02 01 06 a1 02 30 00", CREDSSP_E_BAD_LENGTH},
        {"empty [1]", "30 07 a0 03 02 01 06 a1 00", CREDSSP_E_TRUNCATED},
        {"empty NegoDataItem", "30 0b a0 03 02 01 06 a1 04 30 02 30 00", CREDSSP_E_TRUNCATED},
        {"two NegoDataItems",
         "30 15 a0 03 02 01 06 a1 0e 30 0c 30 04 a0 02 04 00 30 04 a0 02 04 00",
         CREDSSP_E_UNEXPECTED},
        {"NegoDataItem with [1]", "30 0f a0 03 02 01 06 a1 08 30 06 30 04 a1 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"negoToken as INTEGER", "30 10 a0 03 02 01 06 a1 09 30 07 30 05 a0 03 02 01 00",
         CREDSSP_E_BAD_TAG},
        {"NegoData as SET", "30 0f a0 03 02 01 06 a1 08 31 06 30 04 a0 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"empty negoToken", "30 0f a0 03 02 01 06 a1 08 30 06 30 04 a0 02 04 00", CREDSSP_OK},
        /* errorCode forms */
        {"errorCode 5-byte form", "30 0e a0 03 02 01 06 a4 07 02 05 00 c0 00 00 6d", CREDSSP_OK},
        {"errorCode 5-byte non-minimal", "30 0e a0 03 02 01 06 a4 07 02 05 00 40 00 00 6d",
         CREDSSP_E_BAD_INTEGER},
        {"errorCode 6 bytes", "30 0f a0 03 02 01 06 a4 08 02 06 00 00 c0 00 00 6d",
         CREDSSP_E_BAD_INTEGER},
        {"errorCode over 32 bits", "30 0e a0 03 02 01 06 a4 07 02 05 01 00 00 00 00",
         CREDSSP_E_BAD_INTEGER},
        {"errorCode non-minimal negative", "30 0d a0 03 02 01 06 a4 06 02 04 ff ff ff ff",
         CREDSSP_E_BAD_INTEGER},
        /* nonces of any length are decoded (the engine checks 32) */
        {"empty nonce", "30 09 a0 03 02 01 06 a5 02 04 00", CREDSSP_OK},
        {"one-byte nonce", "30 0a a0 03 02 01 06 a5 03 04 01 00", CREDSSP_OK},
    };

    (void)state;
    run_cases(cases, CSSP_COUNT(cases));
}

static void
test_nonce_lengths(void **state)
{
    uint8_t nonce[33];
    struct cssp_ts_request req = {0}, back;
    uint8_t *enc = NULL;
    size_t enc_len = 0;

    (void)state;
    memset(nonce, 0x5c, sizeof(nonce));
    for (size_t n = 0; n <= sizeof(nonce); n++) {
        req.version = 5;
        req.client_nonce = nonce;
        req.client_nonce_len = n;
        assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_OK);
        assert_int_equal(cssp_ts_request_decode(enc, enc_len, &back), CREDSSP_OK);
        assert_non_null(back.client_nonce);
        assert_int_equal(back.client_nonce_len, n);
        free(enc);
    }
}

/* Build a TSRequest { version 6, authInfo [2] of n bytes } without the encoder's checks. */
static uint8_t *
raw_auth_info_request(size_t n, size_t *len_out)
{
    struct cssp_writer w;
    uint8_t *data = calloc(1, n + 1);
    uint8_t *out = NULL;
    size_t seq;

    assert_non_null(data);
    cssp_writer_init(&w, SIZE_MAX, false);
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, 6);
    cssp_der_write_explicit_octets(&w, 2, data, n);
    cssp_der_end(&w, seq);
    assert_int_equal(cssp_writer_take(&w, &out, len_out), CREDSSP_OK);
    free(data);
    return out;
}

static void
test_size_cap(void **state)
{
    /* 30 82 LL LL, a0 03 02 01 06, a2 82 LL LL, 04 82 LL LL: 17 bytes around n */
    const size_t max_n = CSSP_MAX_TSREQUEST - 17;
    struct cssp_ts_request req = {0}, back;
    uint8_t *data = calloc(1, CSSP_MAX_TOKEN + 1);
    uint8_t *enc = NULL, *raw;
    size_t enc_len = 0, raw_len, frame = 0;

    (void)state;
    assert_non_null(data);
    req.version = 6;
    req.auth_info = data;
    /* the largest message: exactly CSSP_MAX_TSREQUEST bytes */
    req.auth_info_len = max_n;
    assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, CSSP_MAX_TSREQUEST);
    assert_memory_equal(enc, "\x30\x82\xff\xff", 4);
    assert_int_equal(cssp_ts_request_decode(enc, enc_len, &back), CREDSSP_OK);
    assert_int_equal(back.auth_info_len, max_n);
    assert_int_equal(cssp_ts_request_frame(enc, enc_len, CSSP_MAX_TSREQUEST, &frame), CREDSSP_OK);
    assert_int_equal(frame, CSSP_MAX_TSREQUEST);
    free(enc);
    /* one byte more does not fit */
    req.auth_info_len = max_n + 1;
    assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_E_TOO_LARGE);
    assert_null(enc);
    assert_int_equal(enc_len, 0);
    raw = raw_auth_info_request(max_n + 1, &raw_len);
    /* 65536 content bytes need 30 83 01 00 00: two bytes over */
    assert_int_equal(raw_len, CSSP_MAX_TSREQUEST + 2);
    assert_int_equal(cssp_ts_request_decode(raw, raw_len, &back), CREDSSP_E_TOO_LARGE);
    assert_int_equal(cssp_ts_request_frame(raw, raw_len, SIZE_MAX, &frame), CREDSSP_E_TOO_LARGE);
    free(raw);
    /* a field over its own cap is refused by the encoder before anything else */
    req.auth_info_len = CSSP_MAX_TOKEN + 1;
    assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_E_TOO_LARGE);
    req.auth_info_len = 0;
    req.pub_key_auth = NULL;
    req.pub_key_auth_len = 3; /* NULL with a length */
    assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_E_INVALID_ARG);
    free(data);
}

static void
test_api_arguments(void **state)
{
    struct cssp_ts_request req;
    uint8_t *enc = (uint8_t *)1;
    size_t len = 1, frame = 9;

    (void)state;
    memset(&req, 0xff, sizeof(req));
    assert_int_equal(cssp_ts_request_decode(NULL, 5, &req), CREDSSP_E_INVALID_ARG);
    assert_int_equal(req.version, 0); /* zeroed even then */
    assert_int_equal(cssp_ts_request_decode(NULL, 0, &req), CREDSSP_E_TRUNCATED);
    assert_int_equal(cssp_ts_request_decode((const uint8_t *)"", 0, NULL), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_ts_request_encode(NULL, &enc, &len), CREDSSP_E_INVALID_ARG);
    assert_null(enc);
    assert_int_equal(len, 0);
    assert_int_equal(cssp_ts_request_encode(&req, NULL, &len), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_ts_request_encode(&req, &enc, NULL), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_ts_request_frame(NULL, 0, 100, NULL), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_ts_request_frame(NULL, 3, 100, &frame), CREDSSP_E_INVALID_ARG);
    assert_int_equal(frame, 0);
}

struct frame_case {
    const char *hex;
    size_t max;
    credssp_error err;
    size_t frame;
};

static void
test_frame(void **state)
{
    static const struct frame_case cases[] = {
        {"", 100, CREDSSP_OK, 0},
        {"30", 100, CREDSSP_OK, 0},
        {"31", 100, CREDSSP_E_BAD_TAG, 0},
        {"a0 03", 100, CREDSSP_E_BAD_TAG, 0},
        {"30 05 a0 03 02 01", 100, CREDSSP_OK, 0},
        {"30 05 a0 03 02 01 06", 100, CREDSSP_OK, 7},
        {"30 05 a0 03 02 01 06 30 00", 100, CREDSSP_OK, 7}, /* next message follows */
        {"30 05 a0 03 02 01 06", 6, CREDSSP_E_TOO_LARGE, 0},
        {"30 00", 100, CREDSSP_OK, 2},
        {"30 81", 1000, CREDSSP_OK, 0},
        {"30 81 80", 1000, CREDSSP_OK, 0},
        {"30 81 7f", 1000, CREDSSP_E_BAD_LENGTH, 0},
        {"30 81 00", 1000, CREDSSP_E_BAD_LENGTH, 0},
        {"30 82 01", 1000, CREDSSP_OK, 0},
        {"30 82 00 ff", 1000, CREDSSP_E_BAD_LENGTH, 0},
        {"30 82 01 00", 1000, CREDSSP_OK, 0},
        {"30 82 01 00", 259, CREDSSP_E_TOO_LARGE, 0},
        {"30 82 ff ff", 65539, CREDSSP_OK, 0},
        {"30 82 ff ff", 65538, CREDSSP_E_TOO_LARGE, 0},
        {"30 80", 1000, CREDSSP_E_BAD_LENGTH, 0},
        {"30 83 01 00 00", SIZE_MAX, CREDSSP_E_TOO_LARGE, 0},
        {"30 84", SIZE_MAX, CREDSSP_E_TOO_LARGE, 0},
        {"30 85", SIZE_MAX, CREDSSP_E_BAD_LENGTH, 0},
        {"30 ff", SIZE_MAX, CREDSSP_E_BAD_LENGTH, 0},
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(cases); i++) {
        uint8_t *buf = NULL;
        size_t len = 0, frame = 77;
        credssp_error err;

        assert_true(vector_parse(cases[i].hex, &buf, &len));
        err = cssp_ts_request_frame(buf, len, cases[i].max, &frame);
        if (err != cases[i].err || frame != cases[i].frame)
            fail_msg("frame case %zu: got %s/%zu", i, credssp_error_name(err), frame);
        free(buf);
    }
}

/* Fed byte by byte, every vector frames at exactly its own length. */
static void
test_frame_prefixes(void **state)
{
    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(vector_names); i++) {
        size_t len;
        uint8_t *buf = must_load(vector_names[i], &len);
        uint8_t *more = malloc(len + 3);

        assert_non_null(more);
        for (size_t n = 0; n < len; n++) {
            size_t frame = 5;

            assert_int_equal(cssp_ts_request_frame(buf, n, CSSP_MAX_TSREQUEST, &frame), CREDSSP_OK);
            assert_int_equal(frame, 0);
        }
        memcpy(more, buf, len);
        memcpy(more + len, "\x30\x01\x02", 3);
        for (size_t extra = 0; extra <= 3; extra++) {
            size_t frame = 0;

            assert_int_equal(cssp_ts_request_frame(more, len + extra, CSSP_MAX_TSREQUEST, &frame),
                             CREDSSP_OK);
            assert_int_equal(frame, len);
        }
        free(more);
        free(buf);
    }
}

/* Deterministic xorshift so failures reproduce. */
static uint32_t
rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static size_t
rnd_len(uint32_t *s)
{
    switch (rnd(s) % 6) {
    case 0:
        return 0;
    case 1:
        return 1 + rnd(s) % 127;
    case 2:
        return 127 + rnd(s) % 3; /* around the short/long boundary */
    case 3:
        return 255 + rnd(s) % 3;
    case 4:
        return 1 + rnd(s) % 2000;
    default:
        return 1 + rnd(s) % 15000;
    }
}

static void
test_random_roundtrip(void **state)
{
    uint8_t *pool = malloc(15000 + 16); /* fields start at pool + 0..9 */
    uint32_t seed = 0x12345678;

    (void)state;
    assert_non_null(pool);
    for (size_t i = 0; i < 15000 + 16; i++)
        pool[i] = (uint8_t)(i * 31 + 7);
    for (int iter = 0; iter < 3000; iter++) {
        struct cssp_ts_request req = {0}, back;
        uint8_t *enc = NULL, *enc2 = NULL;
        size_t enc_len = 0, enc2_len = 0;
        uint32_t present = rnd(&seed);

        req.version = 1 + rnd(&seed) % 255;
        if (present & 1) {
            req.nego_token = pool + rnd(&seed) % 10;
            req.nego_token_len = rnd_len(&seed);
        }
        if (present & 2) {
            req.auth_info = pool + rnd(&seed) % 10;
            req.auth_info_len = rnd_len(&seed);
        }
        if (present & 4) {
            req.pub_key_auth = pool + rnd(&seed) % 10;
            req.pub_key_auth_len = rnd_len(&seed);
        }
        if (present & 8) {
            req.has_error_code = true;
            req.error_code = rnd(&seed);
        }
        if (present & 16) {
            req.client_nonce = pool;
            req.client_nonce_len = (present & 32) ? 32 : rnd_len(&seed);
        }
        assert_int_equal(cssp_ts_request_encode(&req, &enc, &enc_len), CREDSSP_OK);
        assert_int_equal(cssp_ts_request_decode(enc, enc_len, &back), CREDSSP_OK);
        assert_int_equal(back.version, req.version);
        assert_int_equal(back.has_error_code, req.has_error_code);
        assert_int_equal(back.error_code, req.error_code);
        assert_int_equal(back.nego_token_len, req.nego_token_len);
        assert_int_equal(back.nego_token == NULL, req.nego_token == NULL);
        assert_int_equal(back.auth_info_len, req.auth_info_len);
        assert_int_equal(back.pub_key_auth_len, req.pub_key_auth_len);
        assert_int_equal(back.client_nonce_len, req.client_nonce_len);
        if (req.auth_info_len != 0)
            assert_memory_equal(back.auth_info, req.auth_info, req.auth_info_len);
        assert_int_equal(cssp_ts_request_encode(&back, &enc2, &enc2_len), CREDSSP_OK);
        assert_int_equal(enc2_len, enc_len);
        assert_memory_equal(enc2, enc, enc_len);
        free(enc);
        free(enc2);
    }
    free(pool);
}

static void
test_seeds_match_vectors(void **state)
{
    (void)state;
    check_seeds(vector_names, CSSP_COUNT(vector_names), "tsrequest", "tsrequest_");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kat_freerdp),
        cmocka_unit_test(test_kat_mstsc_win7),
        cmocka_unit_test(test_kat_pyspnego_all_fields),
        cmocka_unit_test(test_kat_error_code),
        cmocka_unit_test(test_mutation_sweep),
        cmocka_unit_test(test_seeds_match_vectors),
        cmocka_unit_test(test_hostile_structure),
        cmocka_unit_test(test_nonce_lengths),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_api_arguments),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_frame_prefixes),
        cmocka_unit_test(test_random_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
