/*
 * x224c.h - the client side of RDP connection negotiation for credssp-bench:
 * the X.224 Connection Request with RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1,
 * 2.2.1.1.1) and the Connection Confirm with RDP_NEG_RSP / RDP_NEG_FAILURE
 * (2.2.1.2, 2.2.1.2.1, 2.2.1.2.2) in a TPKT (T.123 section 8).
 */
#ifndef CSSP_BENCH_X224C_H
#define CSSP_BENCH_X224C_H

#include <stddef.h>
#include <stdint.h>

#include "credssp.h"

#define BENCH_PROTOCOL_SSL 0x00000001u
#define BENCH_PROTOCOL_HYBRID 0x00000002u
#define BENCH_CR_MAX 64u    /* our Connection Request fits */
#define BENCH_CC_MAX 64u    /* the longest Connection Confirm we read */

/* What the Connection Confirm said. */
struct bench_cc {
    int failed;             /* RDP_NEG_FAILURE */
    uint32_t selected;      /* selectedProtocol, or the failureCode */
};

/* Build the Connection Request asking for requested; *len_out bytes in buf. */
credssp_error bench_x224_cr(uint32_t requested, uint8_t *buf, size_t cap, size_t *len_out);

/*
 * Parse a Connection Confirm from the first len received bytes.
 * CREDSSP_E_TRUNCATED: wait for more.  On success *frame_out is its length
 * (bytes after it belong to TLS).
 */
credssp_error bench_x224_cc(const uint8_t *p, size_t len, size_t *frame_out,
                            struct bench_cc *cc_out);

#endif /* CSSP_BENCH_X224C_H */
