/*
 * test_tscred_limits.c - TSCredentials at its limits (acceptor/codec/tscred.c):
 * the string caps of every credential structure on decode and encode, the
 * Remote Guard package caps, non-ASCII round trips, encode errors, bad
 * arguments, cleanup after a failure deep inside, and - with the allocator
 * wrapped (alloc_track.h) - no block holding the password ever released
 * unwiped, on decode, encode or error.  Known answers, the mutation sweep
 * and hostile structures are in test_tscred.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_track.h"
#include "codec_test.h"
#include "der.h"
#include "tscred.h"

/* A writable copy of a string literal, for the char * members of the structs. */
#define MUT(lit) ((char[]){lit})

/* UTF-16LE "x" * units */
static uint8_t *
utf16_x(size_t units)
{
    uint8_t *p = malloc(2 * units + 1);

    assert_non_null(p);
    for (size_t i = 0; i < units; i++) {
        p[2 * i] = 'x';
        p[2 * i + 1] = 0;
    }
    return p;
}

/*
 * TSCredentials(password) built directly with the DER writer, bypassing the
 * encoder's caps: domain, user and password of the given UTF-16 byte sizes.
 */
static uint8_t *
raw_password_creds(size_t dom, size_t user, size_t pw, size_t *len_out)
{
    uint8_t *x = utf16_x((dom > user ? (dom > pw ? dom : pw) : (user > pw ? user : pw)) / 2 + 1);
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t seq, a, o, in;

    cssp_writer_init(&w, SIZE_MAX, false);
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, 1);
    a = cssp_der_begin(&w, CSSP_DER_CTX(1));
    o = cssp_der_begin(&w, CSSP_DER_OCTET_STRING);
    in = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_octets(&w, 0, x, dom);
    cssp_der_write_explicit_octets(&w, 1, x, user);
    cssp_der_write_explicit_octets(&w, 2, x, pw);
    cssp_der_end(&w, in);
    cssp_der_end(&w, o);
    cssp_der_end(&w, a);
    cssp_der_end(&w, seq);
    assert_int_equal(cssp_writer_take(&w, &out, len_out), CREDSSP_OK);
    free(x);
    return out;
}

static credssp_error
decode_raw_password(size_t dom, size_t user, size_t pw)
{
    struct cssp_ts_credentials c;
    size_t len;
    uint8_t *buf = raw_password_creds(dom, user, pw, &len);
    credssp_error err = cssp_ts_credentials_decode(buf, len, &c);

    if (err == CREDSSP_OK) {
        assert_int_equal(strlen(c.password.domain), dom / 2);
        assert_int_equal(strlen(c.password.user), user / 2);
        assert_int_equal(credssp_secret_len(c.password.password), pw / 2);
    }
    assert_true(rt_ok(rt_tscredentials(buf, len, NULL)));
    cssp_ts_credentials_clear(&c);
    free(buf);
    return err;
}

static credssp_error
encode_password(size_t dom_units, size_t user_units, size_t pw_units)
{
    struct cssp_ts_credentials c = {0}, back;
    size_t max = dom_units > user_units ? dom_units : user_units;
    char *s = malloc((max > pw_units ? max : pw_units) + 1);
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    credssp_error err;

    assert_non_null(s);
    c.cred_type = CSSP_CREDTYPE_PASSWORD;
    memset(s, 'y', max > pw_units ? max : pw_units);
    c.password.domain = strndup(s, dom_units);
    c.password.user = strndup(s, user_units);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, s, pw_units, &c.password.password),
                     CREDSSP_OK);
    err = cssp_ts_credentials_encode(&c, &enc, &enc_len);
    if (err == CREDSSP_OK) {
        assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &back), CREDSSP_OK);
        assert_string_equal(back.password.domain, c.password.domain);
        assert_string_equal(back.password.user, c.password.user);
        assert_true(credssp_secret_equal(back.password.password, c.password.password));
        cssp_ts_credentials_clear(&back);
    } else {
        assert_null(enc);
    }
    cssp_wipe_free(enc, enc_len);
    cssp_ts_credentials_clear(&c);
    free(s);
    return err;
}

/* Smart card with a PIN of pin_units and a reader name of name_units UTF-16 units. */
static credssp_error
roundtrip_smartcard(size_t pin_units, size_t name_units)
{
    struct cssp_ts_credentials c = {0}, back;
    size_t max = pin_units > name_units ? pin_units : name_units;
    char *s = malloc(max + 1);
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    credssp_error err;

    assert_non_null(s);
    memset(s, '7', max);
    s[max] = '\0';
    c.cred_type = CSSP_CREDTYPE_SMARTCARD;
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PIN, s, pin_units, &c.smartcard.pin),
                     CREDSSP_OK);
    c.smartcard.csp.key_spec = 2;
    c.smartcard.csp.reader_name = strndup(s, name_units);
    err = cssp_ts_credentials_encode(&c, &enc, &enc_len);
    if (err == CREDSSP_OK) {
        assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &back), CREDSSP_OK);
        assert_true(credssp_secret_equal(back.smartcard.pin, c.smartcard.pin));
        assert_string_equal(back.smartcard.csp.reader_name, c.smartcard.csp.reader_name);
        assert_int_equal(back.smartcard.csp.key_spec, 2);
        cssp_ts_credentials_clear(&back);
    }
    cssp_wipe_free(enc, enc_len);
    cssp_ts_credentials_clear(&c);
    free(s);
    return err;
}

static void
test_string_caps(void **state)
{
    const size_t n = CSSP_MAX_NAME_BYTES, p = CSSP_MAX_SECRET_BYTES;

    (void)state;
    /* decoder: at the cap, and one UTF-16 unit over */
    assert_int_equal(decode_raw_password(n, n, p), CREDSSP_OK);
    assert_int_equal(decode_raw_password(n + 2, 0, 0), CREDSSP_E_TOO_LARGE);
    assert_int_equal(decode_raw_password(0, n + 2, 0), CREDSSP_E_TOO_LARGE);
    assert_int_equal(decode_raw_password(0, 0, p + 2), CREDSSP_E_TOO_LARGE);
    /* encoder: the same caps, counted in UTF-16 bytes */
    assert_int_equal(encode_password(n / 2, n / 2, p / 2), CREDSSP_OK);
    assert_int_equal(encode_password(n / 2 + 1, 0, 0), CREDSSP_E_TOO_LARGE);
    assert_int_equal(encode_password(0, n / 2 + 1, 0), CREDSSP_E_TOO_LARGE);
    assert_int_equal(encode_password(0, 0, p / 2 + 1), CREDSSP_E_TOO_LARGE);
    /* the PIN shares the secret cap, CSP names the name cap */
    assert_int_equal(roundtrip_smartcard(p / 2, n / 2), CREDSSP_OK);
    assert_int_equal(roundtrip_smartcard(p / 2 + 1, 0), CREDSSP_E_TOO_LARGE);
    assert_int_equal(roundtrip_smartcard(0, n / 2 + 1), CREDSSP_E_TOO_LARGE);
}

/* Remote Guard with n supplemental packages, each with a buffer of buf_len bytes. */
static credssp_error
encode_rg(size_t n, size_t logon_len, size_t buf_len, uint8_t **enc, size_t *enc_len)
{
    struct cssp_ts_credentials c = {0};
    struct cssp_rg_package *supp = calloc(n + 1, sizeof(*supp));
    uint8_t *data = calloc(1, logon_len > buf_len ? logon_len + 1 : buf_len + 1);
    char kerberos[] = "Kerberos", ntlm[] = "NTLM";
    credssp_error err;

    assert_non_null(supp);
    assert_non_null(data);
    c.cred_type = CSSP_CREDTYPE_REMOTE_GUARD;
    c.remote_guard.logon.package_name = kerberos;
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_BLOB, data, logon_len, &c.remote_guard.logon.cred_buffer),
        CREDSSP_OK);
    for (size_t i = 0; i < n; i++) {
        supp[i].package_name = ntlm;
        assert_int_equal(
            credssp_secret_new(CREDSSP_SECRET_BLOB, data, buf_len, &supp[i].cred_buffer),
            CREDSSP_OK);
    }
    c.remote_guard.has_supplemental = true;
    c.remote_guard.supplemental = supp;
    c.remote_guard.n_supplemental = n;
    err = cssp_ts_credentials_encode(&c, enc, enc_len);
    for (size_t i = 0; i < n; i++)
        credssp_secret_free(supp[i].cred_buffer);
    credssp_secret_free(c.remote_guard.logon.cred_buffer);
    free(supp);
    free(data);
    return err;
}

static void
test_remote_guard_caps(void **state)
{
    struct cssp_ts_credentials c;
    uint8_t *enc = NULL;
    size_t enc_len = 0;

    (void)state;
    /* 16 supplemental creds: fine; 17: too many (for the encoder ...) */
    assert_int_equal(encode_rg(CSSP_MAX_RG_SUPPLEMENTAL, 10, 10, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &c), CREDSSP_OK);
    assert_int_equal(c.remote_guard.n_supplemental, CSSP_MAX_RG_SUPPLEMENTAL);
    cssp_ts_credentials_clear(&c);
    cssp_wipe_free(enc, enc_len);
    assert_int_equal(encode_rg(CSSP_MAX_RG_SUPPLEMENTAL + 1, 10, 10, &enc, &enc_len),
                     CREDSSP_E_TOO_LARGE);
    /* ... and for the decoder, on a message built with one more item spliced in */
    {
        struct cssp_writer w;
        uint8_t *raw = NULL;
        size_t raw_len = 0, seq, a, o, in, s1, s2;
        uint8_t pkg[] = {0x30, 0x08, 0xa0, 0x02, 0x04, 0x00, 0xa1, 0x02, 0x04, 0x00};

        cssp_writer_init(&w, SIZE_MAX, false);
        seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        cssp_der_write_explicit_int(&w, 0, 6);
        a = cssp_der_begin(&w, CSSP_DER_CTX(1));
        o = cssp_der_begin(&w, CSSP_DER_OCTET_STRING);
        in = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        s1 = cssp_der_begin(&w, CSSP_DER_CTX(0));
        cssp_write_bytes(&w, pkg, sizeof(pkg));
        cssp_der_end(&w, s1);
        s1 = cssp_der_begin(&w, CSSP_DER_CTX(1));
        s2 = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        for (size_t i = 0; i < CSSP_MAX_RG_SUPPLEMENTAL + 1; i++)
            cssp_write_bytes(&w, pkg, sizeof(pkg));
        cssp_der_end(&w, s2);
        cssp_der_end(&w, s1);
        cssp_der_end(&w, in);
        cssp_der_end(&w, o);
        cssp_der_end(&w, a);
        cssp_der_end(&w, seq);
        assert_int_equal(cssp_writer_take(&w, &raw, &raw_len), CREDSSP_OK);
        assert_int_equal(cssp_ts_credentials_decode(raw, raw_len, &c), CREDSSP_E_TOO_LARGE);
        free(raw);
    }
    /* credBuffer at its cap, and one byte over */
    assert_int_equal(encode_rg(0, CSSP_MAX_RG_BUFFER, 0, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &c), CREDSSP_OK);
    assert_int_equal(credssp_secret_len(c.remote_guard.logon.cred_buffer), CSSP_MAX_RG_BUFFER);
    cssp_ts_credentials_clear(&c);
    /* turn the buffer one byte longer by hand: the decoder refuses it */
    {
        size_t k = enc_len - CSSP_MAX_RG_BUFFER; /* offset of the buffer bytes */
        uint8_t *big = malloc(enc_len + 1);

        assert_non_null(big);
        memcpy(big, enc, enc_len);
        big[enc_len] = 0;
        /* every length on the path grows by one; all are 82 LL LL here */
        for (size_t i = 0; i + 3 < k; i++) {
            if (big[i + 1] == 0x82) {
                size_t l = ((size_t)big[i + 2] << 8 | big[i + 3]) + 1;

                big[i + 2] = (uint8_t)(l >> 8);
                big[i + 3] = (uint8_t)l;
                i += 3;
            }
        }
        assert_int_equal(cssp_ts_credentials_decode(big, enc_len + 1, &c), CREDSSP_E_TOO_LARGE);
        assert_true(rt_ok(rt_tscredentials(big, enc_len + 1, NULL)));
        free(big);
    }
    cssp_wipe_free(enc, enc_len);
    assert_int_equal(encode_rg(0, CSSP_MAX_RG_BUFFER + 1, 0, &enc, &enc_len), CREDSSP_E_TOO_LARGE);
    /* the whole TSCredentials is capped too: two full buffers do not fit in 64 KiB */
    assert_int_equal(encode_rg(1, CSSP_MAX_RG_BUFFER, CSSP_MAX_RG_BUFFER, &enc, &enc_len),
                     CREDSSP_E_TOO_LARGE);
}

static void
test_non_ascii_roundtrip(void **state)
{
    struct cssp_ts_credentials c = {0}, back;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    static const char pw[] = "p\xc3\xa4ss \xe2\x82\xac \xf0\x9f\x98\x80";

    (void)state;
    c.cred_type = CSSP_CREDTYPE_PASSWORD;
    c.password.domain = MUT("\xc3\x86\xc3\x98\xc3\x85");
    c.password.user = MUT("J\xc3\xbcrgen");
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_PASSWORD, pw, sizeof(pw) - 1, &c.password.password),
        CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &back), CREDSSP_OK);
    assert_string_equal(back.password.domain, c.password.domain);
    assert_string_equal(back.password.user, c.password.user);
    assert_true(credssp_secret_equal(back.password.password, c.password.password));
    cssp_ts_credentials_clear(&back);
    cssp_wipe_free(enc, enc_len);
    credssp_secret_free(c.password.password);
}

static void
test_encode_errors(void **state)
{
    struct cssp_ts_credentials c = {0};
    uint8_t *enc = (uint8_t *)1;
    size_t enc_len = 1;

    (void)state;
    assert_int_equal(cssp_ts_credentials_encode(NULL, &enc, &enc_len), CREDSSP_E_INVALID_ARG);
    assert_null(enc);
    assert_int_equal(enc_len, 0);
    assert_int_equal(cssp_ts_credentials_encode(&c, NULL, &enc_len), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, NULL), CREDSSP_E_INVALID_ARG);
    c.cred_type = 5;
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_E_BAD_CRED_TYPE);
    assert_null(enc);
    c.cred_type = CSSP_CREDTYPE_PASSWORD;
    c.password.user = MUT("bad \xc0\x80 utf-8");
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_E_BAD_STRING);
    c.password.user = NULL; /* NULL strings are written as empty ones */
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_OK);
    cssp_wipe_free(enc, enc_len);
    memset(&c, 0, sizeof(c));
    c.cred_type = CSSP_CREDTYPE_REMOTE_GUARD;
    c.remote_guard.n_supplemental = 1; /* but no array */
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_E_INVALID_ARG);
}

static void
test_decode_arguments_and_clear(void **state)
{
    struct cssp_ts_credentials c;
    uint8_t big[CSSP_MAX_TOKEN + 1] = {0x30};

    (void)state;
    memset(&c, 0xff, sizeof(c));
    assert_int_equal(cssp_ts_credentials_decode(NULL, 3, &c), CREDSSP_E_INVALID_ARG);
    assert_null(c.password.domain); /* zeroed before anything else */
    assert_int_equal(cssp_ts_credentials_decode(big, sizeof(big), &c), CREDSSP_E_TOO_LARGE);
    assert_int_equal(cssp_ts_credentials_decode(big, 1, NULL), CREDSSP_E_INVALID_ARG);
    cssp_ts_credentials_clear(NULL);
    cssp_ts_credentials_clear(&c);
    cssp_ts_credentials_clear(&c); /* twice: harmless */
}

/* A failure deep inside leaves nothing allocated and the output zeroed. */
static void
test_partial_decode_cleanup(void **state)
{
    static const char *const hex[] = {
        /* valid logon + 2 supplemental, the second with an odd package name */
        "30 3b a0 03 02 01 06 a1 34 04 32 30 30 a0 0c 30 0a a0 04 04 02 41 00 a1 02 04 00"
        " a1 20 30 1e 30 0c a0 04 04 02 42 00 a1 04 04 02 01 02 30 0e a0 05 04 03 43 00 44"
        " a1 05 04 03 01 02 03",
        /* smart card: PIN and strings decoded, then a bad domainHint */
        "30 2e a0 03 02 01 02 a1 27 04 25 30 23 a0 04 04 02 31 00 a1 0f 30 0d a0 03 02 01 01"
        " a1 06 04 04 41 00 42 00 a2 04 04 02 41 00 a3 04 04 02 00 00",
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(hex); i++) {
        struct cssp_ts_credentials c, zero;
        uint8_t *buf = NULL;
        size_t len = 0;

        memset(&zero, 0, sizeof(zero));
        assert_true(vector_parse(hex[i], &buf, &len));
        assert_int_equal(cssp_ts_credentials_decode(buf, len, &c), CREDSSP_E_BAD_STRING);
        assert_memory_equal(&c, &zero, sizeof(c));
        free(buf);
    }
}

/* TSCredentials(password) whose TSPasswordCreds has an extra [3] after the password. */
static uint8_t *
password_then_junk(const uint8_t *pw16, size_t len, size_t *len_out)
{
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t seq, a, o, in;

    cssp_writer_init(&w, SIZE_MAX, true); /* it holds the password */
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, 1);
    a = cssp_der_begin(&w, CSSP_DER_CTX(1));
    o = cssp_der_begin(&w, CSSP_DER_OCTET_STRING);
    in = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_octets(&w, 0, "D\0", 2);
    cssp_der_write_explicit_octets(&w, 1, "u\0", 2);
    cssp_der_write_explicit_octets(&w, 2, pw16, len);
    cssp_der_write_explicit_octets(&w, 3, NULL, 0);
    cssp_der_end(&w, in);
    cssp_der_end(&w, o);
    cssp_der_end(&w, a);
    cssp_der_end(&w, seq);
    assert_int_equal(cssp_writer_take(&w, &out, len_out), CREDSSP_OK);
    return out;
}

/*
 * The password never reaches freed memory unwiped: decode a TSCredentials
 * holding it, encode it again (secure writer, with growth), release
 * everything, and also fail a decode after the password was decoded.  The
 * needles are the UTF-8 and the UTF-16LE forms.
 */
static void
test_password_never_left_in_freed_memory(void **state)
{
    static const char pw8[] = "Sup3r-S3cret-Passw0rd-0123456789";
    uint8_t pw16[2 * sizeof(pw8)];
    const void *needles[] = {pw8, pw16};
    const size_t lens[] = {sizeof(pw8) - 1, 2 * (sizeof(pw8) - 1)};
    struct cssp_ts_credentials c = {0}, back;
    struct alloc_track_stats st;
    uint8_t *enc = NULL, *bad;
    size_t enc_len = 0, bad_len = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(pw8); i++) {
        pw16[2 * i] = (uint8_t)pw8[i];
        pw16[2 * i + 1] = 0;
    }
    c.cred_type = CSSP_CREDTYPE_PASSWORD;
    c.password.domain = MUT("D");
    c.password.user = MUT("u");
    alloc_track_start(needles, lens, 2);
    assert_int_equal(
        credssp_secret_new(CREDSSP_SECRET_PASSWORD, pw8, sizeof(pw8) - 1, &c.password.password),
        CREDSSP_OK);
    assert_int_equal(cssp_ts_credentials_encode(&c, &enc, &enc_len), CREDSSP_OK);
    assert_true(alloc_track_holds_needle(enc, enc_len)); /* positive control */
    assert_int_equal(cssp_ts_credentials_decode(enc, enc_len, &back), CREDSSP_OK);
    assert_true(credssp_secret_equal(back.password.password, c.password.password));
    cssp_ts_credentials_clear(&back);
    /* an error after the password was decoded (an extra [3]): the cleanup path */
    bad = password_then_junk(pw16, lens[1], &bad_len);
    assert_int_equal(cssp_ts_credentials_decode(bad, bad_len, &back), CREDSSP_E_BAD_TAG);
    cssp_wipe_free(bad, bad_len);
    cssp_wipe_free(enc, enc_len);
    credssp_secret_free(c.password.password);
    st = alloc_track_stop();
    assert_true(st.mallocs > 5);
    assert_int_equal(st.reallocs, 0);
    assert_int_equal(st.leaked_needles, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_caps),
        cmocka_unit_test(test_remote_guard_caps),
        cmocka_unit_test(test_non_ascii_roundtrip),
        cmocka_unit_test(test_encode_errors),
        cmocka_unit_test(test_decode_arguments_and_clear),
        cmocka_unit_test(test_partial_decode_cleanup),
        cmocka_unit_test(test_password_never_left_in_freed_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
