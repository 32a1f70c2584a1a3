/*
 * x224.h - the RDP connection-negotiation PDUs the example server speaks.
 *
 * T.123 section 8 (TPKT), X.224 / ISO 8073 class 0 (CR, CC, DT, DR TPDUs),
 * MS-RDPBCGR 2.2.1.1 (X.224 Connection Request with cookie / routing token,
 * RDP_NEG_REQ 2.2.1.1.1, RDP_NEG_CORRELATION_INFO 2.2.1.1.2),
 * MS-RDPBCGR 2.2.1.2 (X.224 Connection Confirm with RDP_NEG_RSP 2.2.1.2.1 or
 * RDP_NEG_FAILURE 2.2.1.2.2), MS-RDPBCGR 2.2.10.2 (Early User Authorization
 * Result) and T.125 DisconnectProviderUltimatum (MS-RDPBCGR 2.2.2.3).
 *
 * Every byte from the network is read through the bounded reader of
 * base/buf.h; every PDU is built with the bounded writer.
 */
#ifndef CSSP_EXAMPLE_X224_H
#define CSSP_EXAMPLE_X224_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* TPKT: version 3, 16-bit big-endian length including the 4-byte header. */
#define X224_TPKT_HEADER 4u
#define X224_TPKT_MIN 7u
/* A CR's LI is one byte, so a Connection Request frame is at most 4 + 1 + 254. */
#define X224_MAX_CR_FRAME 259u
#define X224_MAX_COOKIE 127u     /* bytes of the mstshash identifier we keep */

/* requestedProtocols / selectedProtocol (MS-RDPBCGR 2.2.1.1.1) */
#define X224_PROTOCOL_RDP 0x00000000u
#define X224_PROTOCOL_SSL 0x00000001u
#define X224_PROTOCOL_HYBRID 0x00000002u
#define X224_PROTOCOL_RDSTLS 0x00000004u
#define X224_PROTOCOL_HYBRID_EX 0x00000008u

/* RDP_NEG_REQ flags */
#define X224_REQ_RESTRICTED_ADMIN 0x01u
#define X224_REQ_REDIRECTED_AUTH 0x02u
#define X224_REQ_CORRELATION_INFO 0x08u

/* RDP_NEG_RSP flags */
#define X224_RSP_RESTRICTED_ADMIN 0x08u
#define X224_RSP_REDIRECTED_AUTH 0x10u

/* RDP_NEG_FAILURE failureCode */
#define X224_FAIL_SSL_REQUIRED 1u
#define X224_FAIL_HYBRID_REQUIRED 5u

/* Early User Authorization Result (MS-RDPBCGR 2.2.10.2) */
#define X224_EUA_SUCCESS 0x00000000u
#define X224_EUA_ACCESS_DENIED 0x00000005u

/* DisconnectProviderUltimatum reasons (T.125 Reason) */
#define X224_DPUM_PROVIDER_INITIATED 1u
#define X224_DPUM_USER_REQUESTED 3u

/* What a Connection Request said. */
struct x224_cr {
    uint16_t src_ref;               /* echoed as DST-REF in the confirm */
    bool has_cookie;                /* "Cookie: mstshash=<id>\r\n" */
    bool has_routing_token;         /* any other "Cookie: ...\r\n" token */
    char cookie[X224_MAX_COOKIE + 1]; /* the id (truncated, NUL-terminated, raw bytes) */
    bool has_neg_req;
    uint8_t req_flags;
    uint32_t requested;             /* requestedProtocols (0 without RDP_NEG_REQ) */
    bool has_correlation;
    uint8_t correlation_id[16];
};

/* The server's policy for the negotiation. */
struct x224_policy {
    bool allow_hybrid_ex;           /* answer HYBRID_EX when asked (EUA PDU supported) */
    bool allow_ssl;                 /* select plain SSL (only the --tls-only baseline) */
    bool allow_restricted_admin;
    bool allow_remote_guard;
};

/* The server's answer: an RDP_NEG_RSP or an RDP_NEG_FAILURE. */
struct x224_answer {
    bool failure;
    uint32_t selected;              /* selectedProtocol when !failure */
    uint8_t rsp_flags;
    uint32_t failure_code;          /* when failure */
};

/*
 * Look at the start of a stream: 0 and *frame_len_out = the full TPKT length
 * once the 4-byte header is there, or CREDSSP_E_TRUNCATED while it is not.
 * A bad version or a length outside [7, cap] is CREDSSP_E_BAD_TAG /
 * CREDSSP_E_BAD_LENGTH.
 */
credssp_error x224_tpkt_frame_len(const uint8_t *data, size_t len, size_t cap,
                                  size_t *frame_len_out);

/* Parse one complete TPKT frame holding an X.224 Connection Request. */
credssp_error x224_parse_cr(const uint8_t *frame, size_t len, struct x224_cr *out);

/*
 * The first bytes a client sent (len of them, in a buffer of cap): the
 * Connection Request once it is complete, *frame_len_out its length (bytes
 * after it are the ClientHello, sent early).  CREDSSP_OK with *frame_len_out
 * 0 while more is needed; an error means the peer does not speak RDP.
 */
credssp_error x224_take_cr(const uint8_t *data, size_t len, size_t cap, size_t *frame_len_out,
                           struct x224_cr *out);

/* Choose the protocol and flags for a request under a policy (never fails). */
void x224_select(const struct x224_cr *cr, const struct x224_policy *pol,
                 struct x224_answer *out);

/* TPKT + X.224 Connection Confirm + RDP_NEG_RSP or RDP_NEG_FAILURE (19 bytes). */
void x224_write_cc(struct cssp_writer *w, uint16_t dst_ref, const struct x224_answer *ans);
/* TPKT + X.224 Data + MCS DisconnectProviderUltimatum(reason) (9 bytes). */
void x224_write_dpum(struct cssp_writer *w, uint8_t reason);
/* TPKT + X.224 Disconnect Request (11 bytes). */
void x224_write_dr(struct cssp_writer *w, uint16_t dst_ref, uint16_t src_ref);
/* The 4-byte Early User Authorization Result PDU (no TPKT). */
void x224_write_eua(struct cssp_writer *w, uint32_t result);

/* "hybrid", "hybrid_ex", "ssl", "rdp" or "unknown". */
const char *x224_protocol_name(uint32_t selected);

#endif /* CSSP_EXAMPLE_X224_H */
