/*
 * test_rgcred.c - the KERB_TICKET_LOGON of a Remote Guard logon (MS-CSSP
 * 2.2.1.2.3, note <22>; acceptor/codec/rgcred.c): a well-formed buffer, every
 * truncation, bad message types and flags, regions outside the buffer,
 * overflowing 64-bit offsets, overlapping regions, wrong ticket tags and
 * lengths, a byte-flip sweep, the result accessor, and the TSCredentials
 * seeds of tests/fuzz/corpus/tscredentials through the codec and the
 * accessor (no crash, errors only as errors).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "result_fixture.h"
#include "rgcred.h"
#include "tscred.h"

#define ST_LEN 20u
#define TGT_LEN 30u

/* A valid buffer: header, Ticket (0x61) at 32, KRB-CRED (0x76) after it. */
static size_t
make(uint8_t *b, uint32_t type, uint32_t flags, uint64_t st_off, uint64_t tgt_off)
{
    size_t n = 32 + ST_LEN + TGT_LEN;

    memset(b, 0, n);
    b[0] = (uint8_t)type;
    b[4] = (uint8_t)flags;
    b[8] = ST_LEN;
    b[12] = TGT_LEN;
    for (int i = 0; i < 8; i++) {
        b[16 + i] = (uint8_t)(st_off >> (8 * i));
        b[24 + i] = (uint8_t)(tgt_off >> (8 * i));
    }
    b[32] = 0x61;
    b[33] = ST_LEN - 2;
    b[32 + ST_LEN] = 0x76;
    b[33 + ST_LEN] = TGT_LEN - 2;
    return n;
}

static void
test_valid(void **state)
{
    uint8_t b[128];
    size_t n = make(b, 10, 1, 32, 32 + ST_LEN);
    struct cssp_kerb_ticket_logon k;

    (void)state;
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_OK);
    assert_int_equal(k.service_ticket_len, ST_LEN);
    assert_int_equal(k.tgt_len, TGT_LEN);
    assert_int_equal(k.flags, 1);
    /* Without a TGT (length and offset 0). */
    b[12] = 0;
    memset(b + 24, 0, 8);
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, 32 + ST_LEN, &k), CREDSSP_OK);
    assert_int_equal(k.tgt_len, 0);
}

static void
test_malformed(void **state)
{
    uint8_t b[128];
    size_t n;
    struct cssp_kerb_ticket_logon k;

    (void)state;
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(cssp_kerb_ticket_logon_parse(b, i, &k), CREDSSP_E_TRUNCATED);
    for (size_t i = 32; i < n; i++)
        assert_int_not_equal(cssp_kerb_ticket_logon_parse(b, i, &k), CREDSSP_OK);
    n = make(b, 11, 0, 32, 32 + ST_LEN);
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_UNEXPECTED);
    n = make(b, 10, 2, 32, 32 + ST_LEN);
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_UNEXPECTED);
    n = make(b, 10, 0, 16, 32 + ST_LEN);                    /* inside the header */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    n = make(b, 10, 0, 32, 200);                            /* past the end */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    n = make(b, 10, 0, UINT64_MAX - 4, 32 + ST_LEN);        /* offset + length overflows */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    n = make(b, 10, 0, 32, 32 + ST_LEN - 4);                /* overlapping regions */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    b[12] = 0;                                              /* no TGT, but an offset */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    b[8] = 0;                                               /* no service ticket */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_UNEXPECTED);
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    b[32] = 0x30;                                           /* not a Ticket */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_TAG);
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    b[32 + ST_LEN] = 0x61;                                  /* TGT not a KRB-CRED */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_TAG);
    n = make(b, 10, 0, 32, 32 + ST_LEN);
    b[33] = ST_LEN - 3;                                     /* DER shorter than its region */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    b[33] = ST_LEN;                                         /* DER longer than its region */
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, &k), CREDSSP_E_BAD_LENGTH);
    assert_int_equal(cssp_kerb_ticket_logon_parse(NULL, 4, &k), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_kerb_ticket_logon_parse(b, n, NULL), CREDSSP_E_INVALID_ARG);
}

static void
test_flip_sweep(void **state)
{
    uint8_t b[128];
    size_t n = make(b, 10, 0, 32, 32 + ST_LEN);
    struct cssp_kerb_ticket_logon k, zero;

    (void)state;
    memset(&zero, 0, sizeof(zero));
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            if (cssp_kerb_ticket_logon_parse(b, n, &k) != CREDSSP_OK)
                assert_memory_equal(&k, &zero, sizeof(k));
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
}

static void
test_accessor(void **state)
{
    uint8_t b[128];
    size_t n = make(b, 10, 0, 32, 32 + ST_LEN);
    uint32_t type = 0, flags = 9, st = 0, tgt = 0;
    struct credssp_result *r;

    (void)state;
    r = fixture_remote_guard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "Kerberos", b, n);
    assert_int_equal(credssp_result_rg_ticket_logon(r, &type, &flags, &st, &tgt), CREDSSP_OK);
    assert_int_equal(type, 10);
    assert_int_equal(flags, 0);
    assert_int_equal(st, ST_LEN);
    assert_int_equal(tgt, TGT_LEN);
    assert_int_equal(credssp_result_rg_package_count(r), 1);
    assert_string_equal(credssp_result_rg_package_name(r, 0), "Kerberos");
    assert_int_equal(credssp_result_rg_buffer_len(r, 0), n);
    credssp_result_free(r);
    r = fixture_remote_guard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "NTLM", b, n);
    assert_int_equal(credssp_result_rg_ticket_logon(r, NULL, NULL, NULL, NULL),
                     CREDSSP_E_BAD_CRED_TYPE);
    credssp_result_free(r);
    r = fixture_remote_guard(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "Kerberos", b, 20);
    assert_int_equal(credssp_result_rg_ticket_logon(r, NULL, NULL, NULL, NULL),
                     CREDSSP_E_TRUNCATED);
    credssp_result_free(r);
    r = fixture_restricted(CREDSSP_MECH_NTLM, "TESTDOM\\alice");
    assert_int_equal(credssp_result_rg_ticket_logon(r, NULL, NULL, NULL, NULL),
                     CREDSSP_E_BAD_CRED_TYPE);
    credssp_result_free(r);
    assert_int_equal(credssp_result_rg_ticket_logon(NULL, NULL, NULL, NULL, NULL),
                     CREDSSP_E_INVALID_ARG);
}

/* Every seed: decode; a Remote Guard result's ticket logon parses or fails cleanly. */
static void
test_corpus(void **state)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    DIR *d;
    struct dirent *e;
    unsigned seen = 0;

    (void)state;
    snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/tscredentials", top != NULL ? top : ".");
    d = opendir(path);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char file[4600];
        uint8_t buf[70000];
        size_t n;
        FILE *f;
        struct credssp_result *r = NULL;

        if (e->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        f = fopen(file, "rb");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        assert_int_equal(cssp_result_new(&r), CREDSSP_OK);
        if (cssp_ts_credentials_decode(buf, n, &r->creds) == CREDSSP_OK &&
            r->creds.cred_type == CSSP_CREDTYPE_REMOTE_GUARD) {
            uint32_t st = 0;
            credssp_error err;

            r->cred_type = CREDSSP_CRED_REMOTE_GUARD;
            err = credssp_result_rg_ticket_logon(r, NULL, NULL, &st, NULL);
            assert_true(err == CREDSSP_OK ? st > 0 : st == 0);
        }
        credssp_result_free(r);
        seen++;
    }
    closedir(d);
    assert_true(seen >= 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),      cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_flip_sweep), cmocka_unit_test(test_accessor),
        cmocka_unit_test(test_corpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
