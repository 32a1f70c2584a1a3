/*
 * x224c.c - X.224 Connection Request / Confirm for credssp-bench
 * (MS-RDPBCGR 2.2.1.1 and 2.2.1.2; docs/PROTOCOL.md §8.1).  Built with the
 * bounded writer and parsed with the bounded reader of base/buf.h.
 *
 *   CR: 03 00 LL LL | LI E0 0000 0000 00 | "Cookie: mstshash=bench\r\n" |
 *       01 00 08 00 requestedProtocols(LE32)
 *   CC: 03 00 00 13 | 0E D0 DST SRC 00 | 02 flags 08 00 selected(LE32)
 *                                      or 03 00 08 00 failureCode(LE32)
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "x224c.h"

#define TPKT_VERSION 3u
#define TPKT_HEADER 4u
#define X224_CR 0xE0u
#define X224_CC 0xD0u
#define X224_FIXED 6u        /* LI counts code, DST-REF, SRC-REF, class */
#define NEG_REQ 0x01u
#define NEG_RSP 0x02u
#define NEG_FAILURE 0x03u
#define NEG_LEN 8u

static const char cookie[] = "Cookie: mstshash=bench\r\n";

/* Build the Connection Request. */
credssp_error
bench_x224_cr(uint32_t requested, uint8_t *buf, size_t cap, size_t *len_out)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0, total = TPKT_HEADER + 1 + X224_FIXED + (sizeof(cookie) - 1) + NEG_LEN;
    credssp_error ret;

    *len_out = 0;
    cssp_writer_init(&w, BENCH_CR_MAX, false);
    cssp_write_u8(&w, TPKT_VERSION);
    cssp_write_u8(&w, 0);
    cssp_write_u16be(&w, (uint16_t)total);
    cssp_write_u8(&w, (uint8_t)(total - TPKT_HEADER - 1));   /* LI */
    cssp_write_u8(&w, X224_CR);
    cssp_write_u16be(&w, 0);                                  /* DST-REF */
    cssp_write_u16be(&w, 0);                                  /* SRC-REF */
    cssp_write_u8(&w, 0);                                     /* class 0 */
    cssp_write_bytes(&w, cookie, sizeof(cookie) - 1);
    cssp_write_u8(&w, NEG_REQ);
    cssp_write_u8(&w, 0);                                     /* flags */
    cssp_write_u16le(&w, NEG_LEN);
    cssp_write_u32le(&w, requested);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK && (len != total || len > cap))
        ret = CREDSSP_E_TOO_LARGE;
    if (ret == CREDSSP_OK) {
        memcpy(buf, pdu, len);
        *len_out = len;
    }
    free(pdu);
    return ret;
}

/* Parse the Connection Confirm. */
credssp_error
bench_x224_cc(const uint8_t *p, size_t len, size_t *frame_out, struct bench_cc *cc_out)
{
    struct cssp_reader r, body;
    uint16_t total;
    uint8_t li, type;

    *frame_out = 0;
    memset(cc_out, 0, sizeof(*cc_out));
    if (len < TPKT_HEADER)
        return CREDSSP_E_TRUNCATED;
    cssp_reader_init(&r, p, len);
    if (cssp_read_u8(&r) != TPKT_VERSION || cssp_read_u8(&r) != 0)
        return CREDSSP_E_UNEXPECTED;
    total = cssp_read_u16be(&r);
    if (total < TPKT_HEADER + 1 + X224_FIXED || total > BENCH_CC_MAX)
        return CREDSSP_E_UNEXPECTED;
    if (len < total)
        return CREDSSP_E_TRUNCATED;
    if (!cssp_reader_sub(&r, total - TPKT_HEADER, &body))
        return CREDSSP_E_UNEXPECTED;
    li = cssp_read_u8(&body);
    if ((size_t)li + 1 != (size_t)total - TPKT_HEADER || cssp_read_u8(&body) != X224_CC)
        return CREDSSP_E_UNEXPECTED;
    (void)cssp_read_u16be(&body);   /* DST-REF */
    (void)cssp_read_u16be(&body);   /* SRC-REF */
    (void)cssp_read_u8(&body);      /* class */
    if (li == X224_FIXED) {         /* no negotiation data: plain RDP */
        cc_out->selected = 0;
    } else {
        type = cssp_read_u8(&body);
        (void)cssp_read_u8(&body);  /* flags */
        if (cssp_read_u16le(&body) != NEG_LEN || (type != NEG_RSP && type != NEG_FAILURE))
            return CREDSSP_E_UNEXPECTED;
        cc_out->failed = type == NEG_FAILURE;
        cc_out->selected = cssp_read_u32le(&body);
    }
    if (!cssp_reader_end(&body))
        return CREDSSP_E_UNEXPECTED;
    *frame_out = total;
    return CREDSSP_OK;
}
