/*
 * test_mcs.c - examples/common/mcs.c: classification of the client's MCS
 * PDUs (MS-RDPBCGR 2.2.1.3 Connect Initial with CS_NET, 2.2.1.5 Erect Domain,
 * 2.2.1.6 Attach User Request, 2.2.1.8 Channel Join Request), the PDUs the
 * server writes (2.2.1.4, 2.2.1.7, 2.2.1.9), defined errors and truncations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcs.h"

/*
 * A Connect Initial shaped like FreeRDP's: BER selectors, upwardFlag, three
 * (empty) DomainParameters, then GCC ConnectData with the "Duca" key and two
 * client blocks: a dummy CS_CORE and CS_NET with 3 channels.
 */
static size_t
make_connect_initial(uint8_t *out, uint32_t channels)
{
    uint8_t blocks[160], gcc[192], ci[256];
    size_t nb = 0, ng = 0, nc = 0, n = 0;

    /* CS_CORE (0xC001), 8 bytes */
    memcpy(blocks + nb, "\x01\xc0\x08\x00\x04\x00\x08\x00", 8);
    nb += 8;
    /* CS_NET (0xC003): header, channelCount, 12-byte CHANNEL_DEF each */
    blocks[nb++] = 0x03;
    blocks[nb++] = 0xc0;
    blocks[nb++] = (uint8_t)(8 + 12 * (channels < 8 ? channels : 8));
    blocks[nb++] = 0;
    blocks[nb++] = (uint8_t)channels;
    blocks[nb++] = (uint8_t)(channels >> 8);
    blocks[nb++] = (uint8_t)(channels >> 16);
    blocks[nb++] = (uint8_t)(channels >> 24);
    for (uint32_t i = 0; i < channels && i < 8; i++) {
        memcpy(blocks + nb, "rdpsnd\0\0\0\0\0\0", 12);
        nb += 12;
    }
    memcpy(gcc, "\x00\x05\x00\x14\x7c\x00\x01", 7);
    ng = 7;
    gcc[ng++] = (uint8_t)(12 + 1 + nb);             /* connectPDU length */
    memcpy(gcc + ng, "\x00\x08\x00\x10\x00\x01\xc0\x00" "Duca", 12);
    ng += 12;
    gcc[ng++] = (uint8_t)nb;
    memcpy(gcc + ng, blocks, nb);
    ng += nb;

    memcpy(ci, "\x04\x01\x01\x04\x01\x01\x01\x01\xff\x30\x00\x30\x00\x30\x00", 15);
    nc = 15;
    ci[nc++] = 0x04;
    if (ng >= 0x80)
        ci[nc++] = 0x81;
    ci[nc++] = (uint8_t)ng;
    memcpy(ci + nc, gcc, ng);
    nc += ng;

    memcpy(out, "\x03\x00\x00\x00\x02\xf0\x80\x7f\x65", 9);
    n = 9;
    out[n++] = 0x81;
    out[n++] = (uint8_t)nc;
    memcpy(out + n, ci, nc);
    n += nc;
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    return n;
}

static void
test_connect_initial(void **state)
{
    uint8_t f[512];
    size_t n = make_connect_initial(f, 3);
    struct mcs_pdu pdu;

    (void)state;
    assert_int_equal(mcs_parse(f, n, &pdu), CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_CONNECT_INITIAL);
    assert_int_equal(pdu.channel_count, 3);
    /* every truncation is an error (the TPKT length no longer matches) */
    for (size_t k = 0; k < n; k++) {
        uint8_t *copy = malloc(k ? k : 1);

        memcpy(copy, f, k);
        assert_int_not_equal(mcs_parse(copy, k, &pdu), CREDSSP_OK);
        free(copy);
    }
    /* a bit flip anywhere: a defined answer, never a crash */
    for (size_t k = 0; k < n; k++) {
        for (int b = 0; b < 8; b++) {
            uint8_t copy[512];

            memcpy(copy, f, n);
            copy[k] ^= (uint8_t)(1u << b);
            (void)mcs_parse(copy, n, &pdu);
        }
    }
    /* a channelCount above the cap of 31 */
    n = make_connect_initial(f, 40);
    assert_int_equal(mcs_parse(f, n, &pdu), CREDSSP_E_TOO_LARGE);
}

static void
test_domain_pdus(void **state)
{
    struct mcs_pdu pdu;

    (void)state;
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x0c\x02\xf0\x80\x04\x01\x00\x01\x00",
                               12, &pdu), CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_ERECT_DOMAIN);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x08\x02\xf0\x80\x28", 8, &pdu),
                     CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_ATTACH_USER_REQUEST);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x0c\x02\xf0\x80\x38\x00\x06\x03\xeb",
                               12, &pdu), CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_CHANNEL_JOIN_REQUEST);
    assert_int_equal(pdu.channel_id, 1003);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x0a\x02\xf0\x80\x38\x00\x06",
                               10, &pdu), CREDSSP_E_TRUNCATED);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x09\x02\xf0\x80\x21\x80", 9, &pdu),
                     CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_DISCONNECT_ULTIMATUM);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x0c\x02\xf0\x80\x64\x00\x06\x03\xeb",
                               12, &pdu), CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_SEND_DATA_REQUEST);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x08\x02\xf0\x80\x2c", 8, &pdu),
                     CREDSSP_OK);
    assert_int_equal(pdu.kind, MCS_OTHER);
    /* not a DT TPDU, bad TPKT length */
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x08\x02\xe0\x80\x28", 8, &pdu),
                     CREDSSP_E_BAD_TAG);
    assert_int_equal(mcs_parse((const uint8_t *)"\x03\x00\x00\x09\x02\xf0\x80\x28", 8, &pdu),
                     CREDSSP_E_BAD_LENGTH);
}

/* Take a writer's bytes. */
static uint8_t *
take(struct cssp_writer *w, size_t *len)
{
    uint8_t *out = NULL;

    assert_int_equal(cssp_writer_take(w, &out, len), CREDSSP_OK);
    return out;
}

static void
test_writers(void **state)
{
    struct cssp_writer w;
    uint8_t *out;
    size_t len;

    (void)state;
    cssp_writer_init(&w, 64, false);
    mcs_write_attach_user_confirm(&w);
    out = take(&w, &len);
    assert_int_equal(len, 11);
    assert_memory_equal(out, "\x03\x00\x00\x0b\x02\xf0\x80\x2e\x00\x00\x06", 11);
    free(out);
    cssp_writer_init(&w, 64, false);
    mcs_write_channel_join_confirm(&w, 1003);
    out = take(&w, &len);
    assert_int_equal(len, 15);
    assert_memory_equal(out, "\x03\x00\x00\x0f\x02\xf0\x80\x3e\x00\x00\x06\x03\xeb\x03\xeb", 15);
    free(out);

    /* Connect Response: framing, lengths and the server blocks */
    for (unsigned ch = 0; ch <= MCS_MAX_CHANNELS + 2; ch++) {
        unsigned used = ch > MCS_MAX_CHANNELS ? MCS_MAX_CHANNELS : ch;
        size_t net = 8 + 2 * used + ((used & 1) ? 2 : 0);
        const uint8_t *p;

        cssp_writer_init(&w, 512, false);
        mcs_write_connect_response(&w, 0x0000000b, ch);
        out = take(&w, &len);
        assert_int_equal((size_t)((out[2] << 8) | out[3]), len);   /* TPKT length */
        assert_memory_equal(out + 4, "\x02\xf0\x80\x7f\x66", 5);
        /* SC_CORE ... SC_NET are the last 28 + net bytes */
        p = out + len - (16 + 12 + net);
        assert_memory_equal(p, "\x01\x0c\x10\x00\x04\x00\x08\x00\x0b\x00\x00\x00", 12);
        assert_memory_equal(p + 16, "\x02\x0c\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12);
        assert_int_equal(p[28], 0x03);
        assert_int_equal(p[29], 0x0c);
        assert_int_equal(p[30], net);
        assert_int_equal(p[32] | (p[33] << 8), 1003);
        assert_int_equal(p[34] | (p[35] << 8), used);
        if (used > 0)
            assert_int_equal(p[36] | (p[37] << 8), 1004);
        free(out);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_initial),
        cmocka_unit_test(test_domain_pdus),
        cmocka_unit_test(test_writers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
