/*
 * test_token_sniff.c - the negoToken sniffer (acceptor/codec/token_sniff.c).
 *
 * Known-answer tokens (tests/data/sniff_*.hex: impacket 0.10's 32-byte
 * NEGOTIATE and its AUTHENTICATE, FreeRDP's NEGOTIATE, SPNEGO NegTokenInit /
 * NegTokenResp and a raw Kerberos token built from RFC 4178 4.2 and RFC 2743
 * 3.1) give the expected kind, mechanisms, message type and names; hostile
 * variants (truncations, huge lengths and offsets, wrong OIDs, fields out of
 * order, trailing garbage, too many mechanisms) give their defined answer;
 * and every mutant of every vector (mutate.h: each a heap copy of exactly its
 * length, so ASan sees any over-read) gets a defined answer whose name views
 * lie inside the token.  The fuzz seeds are the vectors byte for byte.
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
#include "token_sniff.h"

static const char *const vector_names[] = {
    "sniff_impacket_negotiate.hex",  "sniff_freerdp_negotiate.hex",
    "sniff_impacket_authenticate.hex", "sniff_spnego_init_ntlm.hex",
    "sniff_spnego_init_krb5.hex",    "sniff_spnego_resp_authenticate.hex",
    "sniff_spnego_resp_full.hex",    "sniff_krb5_raw.hex",
};

/* Offsets in the impacket AUTHENTICATE (MS-NLMP 2.2.1.3). */
#define DOMAIN_FIELDS 28
#define USER_FIELDS 36
#define FLAGS_AT 60

static void
put_u16le(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void
put_u32le(uint8_t *p, uint32_t v)
{
    put_u16le(p, (uint16_t)v);
    put_u16le(p + 2, (uint16_t)(v >> 16));
}

/* The names of tok decoded, or fail the test. */
static void
expect_names(const uint8_t *tok, size_t len, const char *domain, const char *user)
{
    struct cssp_ntlm_names n;
    char *d = NULL, *u = NULL;

    assert_int_equal(cssp_sniff_ntlm_names(tok, len, &n), CREDSSP_OK);
    assert_true(n.found);
    assert_int_equal(cssp_sniff_ntlm_name(n.domain, n.domain_len, n.unicode, &d), CREDSSP_OK);
    assert_int_equal(cssp_sniff_ntlm_name(n.user, n.user_len, n.unicode, &u), CREDSSP_OK);
    assert_string_equal(d, domain);
    assert_string_equal(u, user);
    free(d);
    free(u);
}

static void
expect_no_names(const uint8_t *tok, size_t len, credssp_error want)
{
    struct cssp_ntlm_names n;

    assert_int_equal(cssp_sniff_ntlm_names(tok, len, &n), want);
    assert_false(n.found);
    assert_null(n.user);
    assert_null(n.domain);
}

static void
test_kind(void **state)
{
    static const enum cssp_token_kind want[] = {
        CSSP_TOKEN_NTLM,   CSSP_TOKEN_NTLM,   CSSP_TOKEN_NTLM,    CSSP_TOKEN_SPNEGO,
        CSSP_TOKEN_SPNEGO, CSSP_TOKEN_UNKNOWN, CSSP_TOKEN_UNKNOWN, CSSP_TOKEN_KERBEROS,
    };
    uint8_t *buf;
    size_t len;

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(vector_names); i++) {
        buf = must_load(vector_names[i], &len);
        assert_int_equal(cssp_sniff_kind(buf, len), want[i]);
        /* a byte after the RFC 2743 framing: no longer a framed token */
        if (want[i] == CSSP_TOKEN_SPNEGO || want[i] == CSSP_TOKEN_KERBEROS) {
            uint8_t *more = malloc(len + 1);

            memcpy(more, buf, len);
            more[len] = 0;
            assert_int_equal(cssp_sniff_kind(more, len + 1), CSSP_TOKEN_UNKNOWN);
            free(more);
        }
        free(buf);
    }
    assert_int_equal(cssp_sniff_kind(NULL, 0), CSSP_TOKEN_UNKNOWN);
    assert_int_equal(cssp_sniff_kind((const uint8_t *)"NTLMSSP\0\1\0\0", 11), CSSP_TOKEN_UNKNOWN);
    /* the outer length may be non-minimal (as the dispatcher always took) */
    assert_int_equal(cssp_sniff_kind((const uint8_t *)"\x60\x81\x08\x06\x06\x2b\x06\x01\x05\x05\x02",
                                     11),
                     CSSP_TOKEN_SPNEGO);
    /* an unknown OID, a length past the end, an indefinite length */
    assert_int_equal(cssp_sniff_kind((const uint8_t *)"\x60\x08\x06\x06\x2b\x06\x01\x05\x05\x03", 10),
                     CSSP_TOKEN_UNKNOWN);
    assert_int_equal(cssp_sniff_kind((const uint8_t *)"\x60\x84\x7f\xff\xff\xff\x06\x00", 8),
                     CSSP_TOKEN_UNKNOWN);
    assert_int_equal(cssp_sniff_kind((const uint8_t *)"\x60\x80\x06\x00\x00\x00", 6),
                     CSSP_TOKEN_UNKNOWN);
}

static void
test_ntlm_type_and_short_negotiate(void **state)
{
    uint8_t *neg, *frdp, *auth;
    size_t neg_len, frdp_len, auth_len;
    uint32_t type = 99;

    (void)state;
    neg = must_load("sniff_impacket_negotiate.hex", &neg_len);
    frdp = must_load("sniff_freerdp_negotiate.hex", &frdp_len);
    auth = must_load("sniff_impacket_authenticate.hex", &auth_len);
    assert_int_equal(cssp_sniff_ntlm_type(neg, neg_len, &type), CREDSSP_OK);
    assert_int_equal(type, CSSP_NTLM_NEGOTIATE);
    assert_int_equal(cssp_sniff_ntlm_type(auth, auth_len, &type), CREDSSP_OK);
    assert_int_equal(type, CSSP_NTLM_AUTHENTICATE);
    assert_int_equal(cssp_sniff_ntlm_type(neg, 11, &type), CREDSSP_E_TRUNCATED);
    assert_int_equal(type, 0);
    assert_int_equal(cssp_sniff_ntlm_type(frdp + 1, frdp_len - 1, &type), CREDSSP_E_BAD_TOKEN);

    /* the padding shim: only impacket's 32-byte NEGOTIATE without VERSION */
    assert_true(cssp_sniff_short_negotiate(neg, neg_len));
    assert_false(cssp_sniff_short_negotiate(frdp, frdp_len));
    assert_false(cssp_sniff_short_negotiate(frdp, 32));        /* VERSION flag set */
    assert_false(cssp_sniff_short_negotiate(neg, 31));
    assert_false(cssp_sniff_short_negotiate(auth, 32));        /* an AUTHENTICATE */
    neg[15] |= 0x02;                                           /* NTLMSSP_NEGOTIATE_VERSION */
    assert_false(cssp_sniff_short_negotiate(neg, neg_len));
    free(neg);
    free(frdp);
    free(auth);
}

static void
test_spnego_mechs(void **state)
{
    /* [APPLICATION 0] { SPNEGO, [0] { SEQUENCE { [0] { SEQUENCE { <list> } } } } } */
    static const uint8_t empty[] = { 0x60, 0x10, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
                                     0xa0, 0x06, 0x30, 0x04, 0xa0, 0x02, 0x30, 0x00 };
    static const uint8_t other[] = { 0x60, 0x15, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
                                     0xa0, 0x0b, 0x30, 0x09, 0xa0, 0x07, 0x30, 0x05,
                                     0x06, 0x03, 0x2b, 0x06, 0x01 };
    static const uint8_t nonminimal[] = { 0x60, 0x11, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05,
                                          0x02, 0xa0, 0x81, 0x06, 0x30, 0x04, 0xa0, 0x02, 0x30,
                                          0x00 };
    enum { LIST = 3 * (CSSP_SNIFF_MAX_MECHS + 1) };   /* short-form lengths only */
    uint8_t many[18 + LIST];
    uint8_t *buf;
    size_t len;
    unsigned mechs = 7;

    (void)state;
    buf = must_load("sniff_spnego_init_ntlm.hex", &len);
    assert_int_equal(cssp_sniff_spnego_mechs(buf, len, &mechs), CREDSSP_OK);
    assert_int_equal(mechs, CREDSSP_MECH_NTLM);
    free(buf);
    buf = must_load("sniff_spnego_init_krb5.hex", &len);
    assert_int_equal(cssp_sniff_spnego_mechs(buf, len, &mechs), CREDSSP_OK);
    assert_int_equal(mechs, CREDSSP_MECH_KERBEROS | CREDSSP_MECH_NTLM);
    assert_int_equal(cssp_sniff_spnego_mechs(buf, len - 1, &mechs), CREDSSP_E_TRUNCATED);
    assert_int_equal(mechs, 0);
    free(buf);
    buf = must_load("sniff_krb5_raw.hex", &len);              /* framed, not SPNEGO */
    assert_int_equal(cssp_sniff_spnego_mechs(buf, len, &mechs), CREDSSP_E_BAD_TOKEN);
    free(buf);
    assert_int_equal(cssp_sniff_spnego_mechs(empty, sizeof(empty), &mechs), CREDSSP_OK);
    assert_int_equal(mechs, 0);
    assert_int_equal(cssp_sniff_spnego_mechs(other, sizeof(other), &mechs), CREDSSP_OK);
    assert_int_equal(mechs, CSSP_SNIFF_MECH_OTHER);
    assert_int_equal(cssp_sniff_spnego_mechs(nonminimal, sizeof(nonminimal), &mechs),
                     CREDSSP_E_BAD_LENGTH);

    /* one OID more than the cap: 33 x 06 01 2b */
    assert_true(LIST + 16 < 0x80);
    memcpy(many, "\x60\x00\x06\x06\x2b\x06\x01\x05\x05\x02\xa0\x00\x30\x00\xa0\x00\x30\x00", 18);
    many[1] = LIST + 16;
    many[11] = LIST + 6;
    many[13] = LIST + 4;
    many[15] = LIST + 2;
    many[17] = LIST;
    for (size_t i = 0; i < CSSP_SNIFF_MAX_MECHS + 1; i++)
        memcpy(many + 18 + 3 * i, "\x06\x01\x2b", 3);
    assert_int_equal(cssp_sniff_spnego_mechs(many, sizeof(many), &mechs), CREDSSP_E_TOO_LARGE);
    assert_int_equal(mechs, 0);
}

static void
test_names(void **state)
{
    uint8_t *buf;
    size_t len;

    (void)state;
    buf = must_load("sniff_impacket_authenticate.hex", &len);
    expect_names(buf, len, "TESTDOM", "alice");
    free(buf);
    buf = must_load("sniff_spnego_resp_authenticate.hex", &len);
    expect_names(buf, len, "TESTDOM", "alice");
    /* trailing garbage after the NegTokenResp: SPNEGO's to judge, no names */
    buf = realloc(buf, len + 1);
    buf[len] = 0;
    expect_no_names(buf, len + 1, CREDSSP_OK);
    free(buf);
    buf = must_load("sniff_spnego_resp_full.hex", &len);
    expect_names(buf, len, "TESTDOM", "alice");
    free(buf);
    /* other messages and tokens carry no AUTHENTICATE */
    buf = must_load("sniff_impacket_negotiate.hex", &len);
    expect_no_names(buf, len, CREDSSP_OK);
    free(buf);
    buf = must_load("sniff_spnego_init_ntlm.hex", &len);
    expect_no_names(buf, len, CREDSSP_OK);
    free(buf);
    expect_no_names(NULL, 0, CREDSSP_OK);
}

/* NegTokenResp { responseToken [2] = auth [, negState [0] after it] } in minimal DER. */
static uint8_t *
build_resp(const uint8_t *auth, size_t auth_len, bool state_last, size_t *len_out)
{
    struct cssp_writer w;
    size_t resp, seq, state;
    uint8_t *tok = NULL;

    cssp_writer_init(&w, CSSP_MAX_TOKEN, false);
    resp = cssp_der_begin(&w, CSSP_DER_CTX(1));
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_octets(&w, 2, auth, auth_len);
    if (state_last) {
        state = cssp_der_begin(&w, CSSP_DER_CTX(0));
        cssp_write_bytes(&w, "\x0a\x01\x01", 3);   /* ENUMERATED accept-incomplete */
        cssp_der_end(&w, state);
    }
    cssp_der_end(&w, seq);
    cssp_der_end(&w, resp);
    assert_int_equal(cssp_writer_take(&w, &tok, len_out), CREDSSP_OK);
    return tok;
}

/* A NegTokenResp whose fields are out of order: [2] responseToken before [0] negState. */
static void
test_names_out_of_order(void **state)
{
    uint8_t *auth, *tok;
    size_t auth_len, len;

    (void)state;
    auth = must_load("sniff_impacket_authenticate.hex", &auth_len);
    tok = build_resp(auth, auth_len, true, &len);
    expect_no_names(tok, len, CREDSSP_OK);
    free(tok);
    tok = build_resp(auth, auth_len, false, &len);   /* the same without negState */
    expect_names(tok, len, "TESTDOM", "alice");
    free(tok);
    free(auth);
}

static void
test_names_hostile(void **state)
{
    uint8_t *buf;
    size_t len;

    (void)state;
    buf = must_load("sniff_impacket_authenticate.hex", &len);
    /* the user field one byte past the end */
    put_u32le(buf + USER_FIELDS + 4, (uint32_t)(len - 9));
    expect_no_names(buf, len, CREDSSP_E_BAD_TOKEN);
    /* an offset near 4 GiB (no wrap-around) */
    put_u32le(buf + USER_FIELDS + 4, 0xfffffffeu);
    expect_no_names(buf, len, CREDSSP_E_BAD_TOKEN);
    /* an offset exactly at the end with length 0: an empty name, inside */
    put_u16le(buf + USER_FIELDS, 0);
    put_u32le(buf + USER_FIELDS + 4, (uint32_t)len);
    expect_names(buf, len, "TESTDOM", "");
    free(buf);

    buf = must_load("sniff_impacket_authenticate.hex", &len);
    /* a domain longer than the cap, though inside a big enough message */
    buf = realloc(buf, 64 + CSSP_NTLM_NAME_MAX + 2);
    memset(buf + 64, 'A', CSSP_NTLM_NAME_MAX + 2);
    put_u16le(buf + DOMAIN_FIELDS, CSSP_NTLM_NAME_MAX + 2);
    put_u32le(buf + DOMAIN_FIELDS + 4, 64);
    expect_no_names(buf, 64 + CSSP_NTLM_NAME_MAX + 2, CREDSSP_E_BAD_TOKEN);
    put_u16le(buf + DOMAIN_FIELDS, CSSP_NTLM_NAME_MAX);       /* at the cap: read */
    put_u16le(buf + USER_FIELDS, 2);
    put_u32le(buf + USER_FIELDS + 4, 64);
    {
        struct cssp_ntlm_names n;

        assert_int_equal(cssp_sniff_ntlm_names(buf, 64 + CSSP_NTLM_NAME_MAX + 2, &n), CREDSSP_OK);
        assert_true(n.found);
        assert_int_equal(n.domain_len, CSSP_NTLM_NAME_MAX);
        assert_ptr_equal(n.domain, buf + 64);
    }
    /* a header shorter than 64 bytes is no AUTHENTICATE we read */
    expect_no_names(buf, 63, CREDSSP_OK);
    /* OEM names (no NTLMSSP_NEGOTIATE_UNICODE) */
    buf[FLAGS_AT] &= (uint8_t)~0x01u;
    put_u16le(buf + USER_FIELDS, 3);
    put_u16le(buf + DOMAIN_FIELDS, 0);
    expect_names(buf, 64 + CSSP_NTLM_NAME_MAX + 2, "", "AAA");
    free(buf);
}

static void
test_name_decode(void **state)
{
    char *s = NULL;

    (void)state;
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"bob", 3, false, &s), CREDSSP_OK);
    assert_string_equal(s, "bob");
    free(s);
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"b\x80", 2, false, &s),
                     CREDSSP_E_BAD_STRING);
    assert_null(s);
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"b\0b", 3, false, &s),
                     CREDSSP_E_BAD_STRING);
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"b\0c", 3, true, &s),
                     CREDSSP_E_BAD_STRING);
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"b\0\0\0", 4, true, &s),
                     CREDSSP_E_BAD_STRING);
    assert_int_equal(cssp_sniff_ntlm_name((const uint8_t *)"", CSSP_NTLM_NAME_MAX + 1, true, &s),
                     CREDSSP_E_TOO_LARGE);
    assert_null(s);
}

/* Every mutant: defined answers, and name views inside the mutant. */
static void
sniff_mutant(const uint8_t *buf, size_t len, void *ctx)
{
    struct cssp_ntlm_names n;
    enum cssp_token_kind kind = cssp_sniff_kind(buf, len);
    credssp_error ret;
    unsigned mechs;
    uint32_t type;
    size_t *found = ctx;

    assert_true(kind <= CSSP_TOKEN_KERBEROS);
    ret = cssp_sniff_ntlm_type(buf, len, &type);
    assert_true(ret == CREDSSP_OK || ret == CREDSSP_E_TRUNCATED || ret == CREDSSP_E_BAD_TOKEN);
    assert_true((ret == CREDSSP_OK) == (kind == CSSP_TOKEN_NTLM));
    ret = cssp_sniff_spnego_mechs(buf, len, &mechs);
    assert_true(ret == CREDSSP_OK || (ret >= CREDSSP_E_TRUNCATED && ret <= CREDSSP_E_BAD_TOKEN));
    assert_true(ret == CREDSSP_OK || mechs == 0);
    (void)cssp_sniff_short_negotiate(buf, len);
    ret = cssp_sniff_ntlm_names(buf, len, &n);
    assert_true(ret == CREDSSP_OK || ret == CREDSSP_E_BAD_TOKEN);
    if (n.found) {
        char *s = NULL;

        assert_true(n.user >= buf && n.user_len <= (size_t)(buf + len - n.user));
        assert_true(n.domain >= buf && n.domain_len <= (size_t)(buf + len - n.domain));
        if (cssp_sniff_ntlm_name(n.user, n.user_len, n.unicode, &s) == CREDSSP_OK)
            free(s);
        (*found)++;
    }
}

static void
test_mutants(void **state)
{
    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(vector_names); i++) {
        size_t len, found = 0, n;
        uint8_t *buf = must_load(vector_names[i], &len);

        n = mutate_truncations(buf, len, sniff_mutant, &found);
        n += mutate_all(buf, len, sniff_mutant, &found);
        print_message("%s: %zu mutants, %zu with names\n", vector_names[i], n, found);
        free(buf);
    }
}

static void
test_seeds(void **state)
{
    (void)state;
    check_seeds(vector_names, CSSP_COUNT(vector_names), "token_sniff", "sniff_");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind),
        cmocka_unit_test(test_ntlm_type_and_short_negotiate),
        cmocka_unit_test(test_spnego_mechs),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_names_out_of_order),
        cmocka_unit_test(test_names_hostile),
        cmocka_unit_test(test_name_decode),
        cmocka_unit_test(test_mutants),
        cmocka_unit_test(test_seeds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
