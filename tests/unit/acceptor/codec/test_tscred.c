/*
 * test_tscred.c - TSCredentials and the credential structures (acceptor/codec/tscred.c).
 *
 * Known-answer vectors (tests/data/tscred_*.hex, including the MS-CSSP
 * section 4 smart-card sample) decode to the expected fields and re-encode
 * byte for byte; every vector survives the mutation sweep under the
 * round-trip property; the fuzz seeds match the vectors; hostile envelopes,
 * password, smart-card and Remote Guard structures map to their errors.
 * Caps, encode errors and wiping are in test_tscred_limits.c.
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
#include "tscred.h"

/* A writable copy of a string literal, for the char * members of the structs. */
#define MUT(lit) ((char[]){lit})

static const char *const vector_names[] = {
    "tscred_password.hex",
    "tscred_restricted_admin.hex",
    "tscred_restricted_admin_empty_seq.hex",
    "tscred_smartcard_mscssp.hex",
    "tscred_smartcard_full.hex",
    "tscred_remote_guard_none.hex",
    "tscred_remote_guard_empty.hex",
    "tscred_remote_guard_one.hex",
    "tscred_remote_guard_multiple.hex",
};

static void
assert_secret(const credssp_secret *s, credssp_secret_kind kind, const void *want, size_t len)
{
    assert_non_null(s);
    assert_int_equal(credssp_secret_get_kind(s), kind);
    assert_int_equal(credssp_secret_len(s), len);
    if (len != 0)
        assert_memory_equal(credssp_secret_data(s), want, len);
    if (kind == CREDSSP_SECRET_PASSWORD || kind == CREDSSP_SECRET_PIN)
        assert_int_equal(credssp_secret_data(s)[len], 0);
}

/* Decode a vector and check that it re-encodes to exactly the same bytes. */
static uint8_t *
decode_vector(const char *name, struct cssp_ts_credentials *c, size_t *len_out)
{
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    uint8_t *buf = must_load(name, len_out);

    assert_int_equal(cssp_ts_credentials_decode(buf, *len_out, c), CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_encode(c, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, *len_out);
    assert_memory_equal(enc, buf, enc_len);
    cssp_wipe_free(enc, enc_len);
    return buf;
}

static void
test_kat_password(void **state)
{
    struct cssp_ts_credentials c, built = {0};
    uint8_t *enc = NULL;
    size_t len, enc_len = 0;
    uint8_t *buf = decode_vector("tscred_password.hex", &c, &len);

    (void)state;
    assert_int_equal(len, 0x4f);
    assert_int_equal(c.cred_type, CSSP_CREDTYPE_PASSWORD);
    assert_string_equal(c.password.domain, "domain name");
    assert_string_equal(c.password.user, "username");
    assert_secret(c.password.password, CREDSSP_SECRET_PASSWORD, "password", 8);
    assert_false(c.password.restricted_admin);
    cssp_ts_credentials_clear(&c);

    /* Built by hand, the encoder gives the vector's bytes. */
    built.cred_type = CSSP_CREDTYPE_PASSWORD;
    built.password.domain = MUT("domain name");
    built.password.user = MUT("username");
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_PASSWORD, "password", 8, &built.password.password),
        CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    cssp_wipe_free(enc, enc_len);
    credssp_secret_free(built.password.password);
    free(buf);
}

static void
check_restricted_admin(const struct cssp_ts_credentials *c)
{
    assert_int_equal(c->cred_type, CSSP_CREDTYPE_PASSWORD);
    assert_true(c->password.restricted_admin);
    assert_string_equal(c->password.domain, "");
    assert_string_equal(c->password.user, "");
    assert_secret(c->password.password, CREDSSP_SECRET_PASSWORD, "", 0);
}

static void
test_kat_restricted_admin(void **state)
{
    struct cssp_ts_credentials c, built = {0};
    uint8_t *enc = NULL, *alt;
    size_t len, alt_len, enc_len = 0;
    uint8_t *buf = decode_vector("tscred_restricted_admin.hex", &c, &len);

    (void)state;
    check_restricted_admin(&c);
    cssp_ts_credentials_clear(&c);

    /* 30 00 decodes to the same, and re-encodes as the three-empty-strings form. */
    alt = must_load("tscred_restricted_admin_empty_seq.hex", &alt_len);
    assert_int_equal(cssp_ts_credentials_decode(alt, alt_len, &c), CREDSSP_OK);
    check_restricted_admin(&c);
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    cssp_wipe_free(enc, enc_len);
    cssp_ts_credentials_clear(&c);
    assert_int_equal(rt_tscredentials(alt, alt_len, NULL), RT_ACCEPTED_ALT_FORM);

    /* restricted_admin wins over whatever the strings hold. */
    built.cred_type = CSSP_CREDTYPE_PASSWORD;
    built.password.restricted_admin = true;
    built.password.domain = MUT("ignored");
    built.password.user = MUT("ignored");
    assert_int_equal(cssp_ts_credentials_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    cssp_wipe_free(enc, enc_len);
    free(alt);
    free(buf);
}

static void
test_kat_smartcard(void **state)
{
    struct cssp_ts_credentials c, built = {0};
    uint8_t *enc = NULL;
    size_t len, enc_len = 0;
    uint8_t *buf = decode_vector("tscred_smartcard_mscssp.hex", &c, &len);

    (void)state;
    assert_int_equal(len, 275); /* MS-CSSP section 4 */
    assert_int_equal(c.cred_type, CSSP_CREDTYPE_SMARTCARD);
    assert_secret(c.smartcard.pin, CREDSSP_SECRET_PIN, "bbbbbbbbbbbb", 12);
    assert_int_equal(c.smartcard.csp.key_spec, 1);
    assert_null(c.smartcard.csp.card_name);
    assert_string_equal(c.smartcard.csp.reader_name, "OMNIKEY CardMan 3x21 0");
    assert_string_equal(c.smartcard.csp.container_name, "le-MSSmartcardUser-8bda019f-1266--53268");
    assert_string_equal(c.smartcard.csp.csp_name, "Microsoft Base Smart Card Crypto Provider");
    assert_null(c.smartcard.user_hint);
    assert_null(c.smartcard.domain_hint);
    /* nothing of the other credential kinds is set */
    assert_null(c.password.password);
    assert_null(c.remote_guard.logon.cred_buffer);
    cssp_ts_credentials_clear(&c);

    built.cred_type = CSSP_CREDTYPE_SMARTCARD;
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_PIN, "bbbbbbbbbbbb", 12, &built.smartcard.pin),
        CREDSSP_OK);
    built.smartcard.csp.key_spec = 1;
    built.smartcard.csp.reader_name = MUT("OMNIKEY CardMan 3x21 0");
    built.smartcard.csp.container_name = MUT("le-MSSmartcardUser-8bda019f-1266--53268");
    built.smartcard.csp.csp_name = MUT("Microsoft Base Smart Card Crypto Provider");
    assert_int_equal(cssp_ts_credentials_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    cssp_wipe_free(enc, enc_len);
    credssp_secret_free(built.smartcard.pin);
    free(buf);

    buf = decode_vector("tscred_smartcard_full.hex", &c, &len);
    assert_string_equal(c.smartcard.csp.card_name, "Card Name");
    assert_string_equal(c.smartcard.user_hint, "user_hint");
    assert_string_equal(c.smartcard.domain_hint, "domain_hint");
    cssp_ts_credentials_clear(&c);
    free(buf);
}

static void
check_package(const struct cssp_rg_package *p, const char *name, const char *buf, size_t len)
{
    assert_string_equal(p->package_name, name);
    assert_secret(p->cred_buffer, CREDSSP_SECRET_BLOB, buf, len);
}

static void
test_kat_remote_guard(void **state)
{
    struct cssp_ts_credentials c, built = {0};
    struct cssp_rg_package supp[2] = {{0}};
    uint8_t *enc = NULL;
    size_t len, enc_len = 0;
    uint8_t *buf;

    (void)state;
    buf = decode_vector("tscred_remote_guard_none.hex", &c, &len);
    assert_int_equal(c.cred_type, CSSP_CREDTYPE_REMOTE_GUARD);
    check_package(&c.remote_guard.logon, "Package 1", "123", 3);
    assert_false(c.remote_guard.has_supplemental);
    assert_int_equal(c.remote_guard.n_supplemental, 0);
    assert_null(c.remote_guard.supplemental);
    cssp_ts_credentials_clear(&c);
    free(buf);

    buf = decode_vector("tscred_remote_guard_empty.hex", &c, &len);
    assert_true(c.remote_guard.has_supplemental);
    assert_int_equal(c.remote_guard.n_supplemental, 0);
    cssp_ts_credentials_clear(&c);
    free(buf);

    buf = decode_vector("tscred_remote_guard_one.hex", &c, &len);
    check_package(&c.remote_guard.logon, "Kerberos",
                  "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"
                  "\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18",
                  24);
    assert_int_equal(c.remote_guard.n_supplemental, 1);
    assert_string_equal(c.remote_guard.supplemental[0].package_name, "NTLM");
    assert_int_equal(credssp_secret_len(c.remote_guard.supplemental[0].cred_buffer), 24);
    assert_memory_equal(credssp_secret_data(c.remote_guard.supplemental[0].cred_buffer),
                        "\x02\x00\xff\xff", 4);
    cssp_ts_credentials_clear(&c);
    free(buf);

    buf = decode_vector("tscred_remote_guard_multiple.hex", &c, &len);
    check_package(&c.remote_guard.logon, "Package 1", "123", 3);
    assert_true(c.remote_guard.has_supplemental);
    assert_int_equal(c.remote_guard.n_supplemental, 2);
    check_package(&c.remote_guard.supplemental[0], "Package 2", "456", 3);
    check_package(&c.remote_guard.supplemental[1], "Package 3", "789", 3);
    cssp_ts_credentials_clear(&c);

    built.cred_type = CSSP_CREDTYPE_REMOTE_GUARD;
    built.remote_guard.logon.package_name = MUT("Package 1");
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_BLOB, "123", 3, &built.remote_guard.logon.cred_buffer),
        CREDSSP_OK);
    supp[0].package_name = MUT("Package 2");
    supp[1].package_name = MUT("Package 3");
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_BLOB, "456", 3, &supp[0].cred_buffer),
                     CREDSSP_OK);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_BLOB, "789", 3, &supp[1].cred_buffer),
                     CREDSSP_OK);
    built.remote_guard.supplemental = supp;
    built.remote_guard.n_supplemental = 2; /* has_supplemental implied */
    assert_int_equal(cssp_ts_credentials_encode(&built, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(enc_len, len);
    assert_memory_equal(enc, buf, len);
    cssp_wipe_free(enc, enc_len);
    credssp_secret_free(built.remote_guard.logon.cred_buffer);
    credssp_secret_free(supp[0].cred_buffer);
    credssp_secret_free(supp[1].cred_buffer);
    free(buf);
}

/* Every vector, every mutation: a defined error, or a value that re-encodes to itself. */
static void
test_mutation_sweep(void **state)
{
    (void)state;
    sweep_vectors(vector_names, CSSP_COUNT(vector_names), rt_tscredentials);
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
        struct cssp_ts_credentials c;
        uint8_t *buf = NULL;
        size_t len = 0;
        credssp_error err;

        assert_true(vector_parse(cases[i].hex, &buf, &len));
        err = cssp_ts_credentials_decode(buf, len, &c);
        if (err != cases[i].err)
            fail_msg("%s: got %s, want %s", cases[i].what, credssp_error_name(err),
                     credssp_error_name(cases[i].err));
        cssp_ts_credentials_clear(&c);
        assert_true(rt_ok(rt_tscredentials(buf, len, NULL)));
        free(buf);
    }
}

/* The TSCredentials envelope. */
static void
test_hostile_envelope(void **state)
{
    static const struct bad_case cases[] = {
        {"reference", "30 0b a0 03 02 01 01 a1 04 04 02 30 00", CREDSSP_OK},
        {"empty", "", CREDSSP_E_TRUNCATED},
        {"credType 0", "30 0b a0 03 02 01 00 a1 04 04 02 30 00", CREDSSP_E_BAD_CRED_TYPE},
        {"credType 3", "30 0b a0 03 02 01 03 a1 04 04 02 30 00", CREDSSP_E_BAD_CRED_TYPE},
        {"credType 7", "30 0b a0 03 02 01 07 a1 04 04 02 30 00", CREDSSP_E_BAD_CRED_TYPE},
        {"credType -1", "30 0b a0 03 02 01 ff a1 04 04 02 30 00", CREDSSP_E_BAD_CRED_TYPE},
        {"credType 2^32+1", "30 0f a0 07 02 05 01 00 00 00 01 a1 04 04 02 30 00",
         CREDSSP_E_BAD_CRED_TYPE},
        {"credType non-minimal", "30 0c a0 04 02 02 00 01 a1 04 04 02 30 00",
         CREDSSP_E_BAD_INTEGER},
        {"credType missing", "30 06 a1 04 04 02 30 00", CREDSSP_E_BAD_TAG},
        {"credentials missing", "30 05 a0 03 02 01 01", CREDSSP_E_TRUNCATED},
        {"credentials not OCTET STRING", "30 0b a0 03 02 01 01 a1 04 30 02 30 00",
         CREDSSP_E_BAD_TAG},
        {"fields swapped", "30 0b a1 04 04 02 30 00 a0 03 02 01 01", CREDSSP_E_BAD_TAG},
        {"extra field [2]", "30 0f a0 03 02 01 01 a1 04 04 02 30 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"credType twice", "30 10 a0 03 02 01 01 a0 03 02 01 01 a1 04 04 02 30 00",
         CREDSSP_E_BAD_TAG},
        {"trailing after TSCredentials", "30 0b a0 03 02 01 01 a1 04 04 02 30 00 00",
         CREDSSP_E_TRAILING},
        {"trailing inside [0]", "30 0c a0 04 02 01 01 00 a1 04 04 02 30 00", CREDSSP_E_TRAILING},
        {"trailing inside [1]", "30 0c a0 03 02 01 01 a1 05 04 02 30 00 00", CREDSSP_E_TRAILING},
        {"trailing inside credentials", "30 0c a0 03 02 01 01 a1 05 04 03 30 00 00",
         CREDSSP_E_TRAILING},
        {"inner not a SEQUENCE", "30 0b a0 03 02 01 01 a1 04 04 02 31 00", CREDSSP_E_BAD_TAG},
        {"inner empty", "30 09 a0 03 02 01 01 a1 02 04 00", CREDSSP_E_TRUNCATED},
        {"inner truncated", "30 0b a0 03 02 01 01 a1 04 04 02 30 01", CREDSSP_E_TRUNCATED},
        {"inner indefinite", "30 0d a0 03 02 01 01 a1 06 04 04 30 80 00 00", CREDSSP_E_BAD_LENGTH},
        {"outer non-minimal", "30 81 0b a0 03 02 01 01 a1 04 04 02 30 00", CREDSSP_E_BAD_LENGTH},
        {"outer indefinite", "30 80 a0 03 02 01 01 a1 04 04 02 30 00 00 00", CREDSSP_E_BAD_LENGTH},
        {"length of length 5", "30 85 00 00 00 00 0b", CREDSSP_E_BAD_LENGTH},
        {"outer over the cap", "30 83 01 00 00", CREDSSP_E_TOO_LARGE},
        /* a password inner structure under credType 2 and 6 */
        {"password creds as smart card",
         "30 17 a0 03 02 01 02 a1 10 04 0e 30 0c a0 02 04 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"password creds as remote guard",
         "30 17 a0 03 02 01 06 a1 10 04 0e 30 0c a0 02 04 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
    };

    (void)state;
    run_cases(cases, CSSP_COUNT(cases));
}

/* TSPasswordCreds, with the envelope 30 L a0 03 02 01 01 a1 L 04 L around it. */
static void
test_hostile_password(void **state)
{
    static const struct bad_case cases[] = {
        {"domain a (1 unit)",
         "30 19 a0 03 02 01 01 a1 12 04 10 30 0e a0 04 04 02 61 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_OK},
        {"odd-length domain",
         "30 18 a0 03 02 01 01 a1 11 04 0f 30 0d a0 03 04 01 61 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_STRING},
        {"U+0000 in user",
         "30 1b a0 03 02 01 01 a1 14 04 12 30 10 a0 02 04 00 a1 06 04 04 61 00 00 00 a2 02 04 00",
         CREDSSP_E_BAD_STRING},
        {"lone high surrogate in password",
         "30 19 a0 03 02 01 01 a1 12 04 10 30 0e a0 02 04 00 a1 02 04 00 a2 04 04 02 3d d8",
         CREDSSP_E_BAD_STRING},
        {"lone low surrogate in password",
         "30 19 a0 03 02 01 01 a1 12 04 10 30 0e a0 02 04 00 a1 02 04 00 a2 04 04 02 00 dc",
         CREDSSP_E_BAD_STRING},
        {"reversed pair in user",
         "30 1b a0 03 02 01 01 a1 14 04 12 30 10 a0 02 04 00 a1 06 04 04 00 dc 3d d8 a2 02 04 00",
         CREDSSP_E_BAD_STRING},
        {"password missing", "30 13 a0 03 02 01 01 a1 0c 04 0a 30 08 a0 02 04 00 a1 02 04 00",
         CREDSSP_E_TRUNCATED},
        {"user missing", "30 13 a0 03 02 01 01 a1 0c 04 0a 30 08 a0 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"domain and user swapped",
         "30 17 a0 03 02 01 01 a1 10 04 0e 30 0c a1 02 04 00 a0 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"extra [3]",
         "30 1b a0 03 02 01 01 a1 14 04 12 30 10 a0 02 04 00 a1 02 04 00 a2 02 04 00 a3 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"password twice",
         "30 1b a0 03 02 01 01 a1 14 04 12 30 10 a0 02 04 00 a1 02 04 00 a2 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"trailing inside [2]",
         "30 18 a0 03 02 01 01 a1 11 04 0f 30 0d a0 02 04 00 a1 02 04 00 a2 03 04 00 00",
         CREDSSP_E_TRAILING},
        {"trailing after TSPasswordCreds",
         "30 18 a0 03 02 01 01 a1 11 04 0f 30 0c a0 02 04 00 a1 02 04 00 a2 02 04 00 00",
         CREDSSP_E_TRAILING},
        {"domain as INTEGER",
         "30 17 a0 03 02 01 01 a1 10 04 0e 30 0c a0 02 02 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"non-minimal string length",
         "30 18 a0 03 02 01 01 a1 11 04 0f 30 0d a0 03 04 81 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_LENGTH},
    };

    (void)state;
    run_cases(cases, CSSP_COUNT(cases));
}

static void
test_hostile_smartcard_and_rg(void **state)
{
    static const struct bad_case cases[] = {
        /* 30 L a0 03 02 01 02 a1 L 04 L 30 L { pin, cspData } */
        {"minimal smart card",
         "30 18 a0 03 02 01 02 a1 11 04 0f 30 0d a0 02 04 00 a1 07 30 05 a0 03 02 01 01",
         CREDSSP_OK},
        {"keySpec 2^31",
         "30 1c a0 03 02 01 02 a1 15 04 13 30 11 a0 02 04 00 a1 0b 30 09 a0 07 02 05 00 80 00 00 "
         "00",
         CREDSSP_E_BAD_INTEGER},
        {"keySpec -2^31",
         "30 1b a0 03 02 01 02 a1 14 04 12 30 10 a0 02 04 00 a1 0a 30 08 a0 06 02 04 80 00 00 00",
         CREDSSP_OK},
        {"cspData missing", "30 0f a0 03 02 01 02 a1 08 04 06 30 04 a0 02 04 00",
         CREDSSP_E_TRUNCATED},
        {"keySpec missing", "30 13 a0 03 02 01 02 a1 0c 04 0a 30 08 a0 02 04 00 a1 02 30 00",
         CREDSSP_E_TRUNCATED},
        {"cspData fields out of order",
         "30 20 a0 03 02 01 02 a1 19 04 17 30 15 a0 02 04 00 a1 0f 30 0d a0 03 02 01 01 a3 02 04 "
         "00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"unknown cspData [5]",
         "30 1c a0 03 02 01 02 a1 15 04 13 30 11 a0 02 04 00 a1 0b 30 09 a0 03 02 01 01 a5 02 04 "
         "00",
         CREDSSP_E_BAD_TAG},
        {"trailing inside cspData [1]",
         "30 19 a0 03 02 01 02 a1 12 04 10 30 0e a0 02 04 00 a1 08 30 05 a0 03 02 01 01 00",
         CREDSSP_E_TRAILING},
        {"hints reversed",
         "30 20 a0 03 02 01 02 a1 19 04 17 30 15 a0 02 04 00 a1 07 30 05 a0 03 02 01 01 a3 02 04 "
         "00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"lone surrogate in PIN",
         "30 1a a0 03 02 01 02 a1 13 04 11 30 0f a0 04 04 02 3d d8 a1 07 30 05 a0 03 02 01 01",
         CREDSSP_E_BAD_STRING},
        /* 30 L a0 03 02 01 06 a1 L 04 L 30 L { logonCred [0], supplementalCreds [1] } */
        {"minimal remote guard",
         "30 17 a0 03 02 01 06 a1 10 04 0e 30 0c a0 0a 30 08 a0 02 04 00 a1 02 04 00", CREDSSP_OK},
        {"empty supplemental",
         "30 1b a0 03 02 01 06 a1 14 04 12 30 10 a0 0a 30 08 a0 02 04 00 a1 02 04 00 a1 02 30 00",
         CREDSSP_OK},
        {"supplemental item not SEQUENCE",
         "30 1d a0 03 02 01 06 a1 16 04 14 30 12 a0 0a 30 08 a0 02 04 00 a1 02 04 00 a1 04 30 02 "
         "04 00",
         CREDSSP_E_BAD_TAG},
        {"supplemental item truncated",
         "30 1d a0 03 02 01 06 a1 16 04 14 30 12 a0 0a 30 08 a0 02 04 00 a1 02 04 00 a1 04 30 02 "
         "30 05",
         CREDSSP_E_TRUNCATED},
        {"supplemental item empty",
         "30 1d a0 03 02 01 06 a1 16 04 14 30 12 a0 0a 30 08 a0 02 04 00 a1 02 04 00 a1 04 30 02 "
         "30 00",
         CREDSSP_E_TRUNCATED},
        {"logonCred missing", "30 0b a0 03 02 01 06 a1 04 04 02 30 00", CREDSSP_E_TRUNCATED},
        {"credBuffer missing", "30 13 a0 03 02 01 06 a1 0c 04 0a 30 08 a0 06 30 04 a0 02 04 00",
         CREDSSP_E_TRUNCATED},
        {"packageName odd",
         "30 18 a0 03 02 01 06 a1 11 04 0f 30 0d a0 0b 30 09 a0 03 04 01 41 a1 02 04 00",
         CREDSSP_E_BAD_STRING},
        {"trailing in logonCred [0]",
         "30 18 a0 03 02 01 06 a1 11 04 0f 30 0d a0 0b 30 08 a0 02 04 00 a1 02 04 00 00",
         CREDSSP_E_TRAILING},
        {"extra field in package",
         "30 1b a0 03 02 01 06 a1 14 04 12 30 10 a0 0e 30 0c a0 02 04 00 a1 02 04 00 a2 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"supplemental before logon",
         "30 1b a0 03 02 01 06 a1 14 04 12 30 10 a1 02 30 00 a0 0a 30 08 a0 02 04 00 a1 02 04 00",
         CREDSSP_E_BAD_TAG},
        {"trailing in supplemental [1]",
         "30 1c a0 03 02 01 06 a1 15 04 13 30 11 a0 0a 30 08 a0 02 04 00 a1 02 04 00 a1 03 30 00 "
         "00",
         CREDSSP_E_TRAILING},
    };

    (void)state;
    run_cases(cases, CSSP_COUNT(cases));
}


static void
test_seeds_match_vectors(void **state)
{
    (void)state;
    check_seeds(vector_names, CSSP_COUNT(vector_names), "tscredentials", "tscred_");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kat_password),
        cmocka_unit_test(test_kat_restricted_admin),
        cmocka_unit_test(test_kat_smartcard),
        cmocka_unit_test(test_kat_remote_guard),
        cmocka_unit_test(test_mutation_sweep),
        cmocka_unit_test(test_seeds_match_vectors),
        cmocka_unit_test(test_hostile_envelope),
        cmocka_unit_test(test_hostile_password),
        cmocka_unit_test(test_hostile_smartcard_and_rg),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
