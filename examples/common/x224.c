/*
 * x224.c - TPKT / X.224 connection negotiation for the example server.
 *
 * T.123 section 8 (TPKT header), X.224 class 0 TPDUs (CR 0xE0, CC 0xD0,
 * DT 0xF0, DR 0x80), MS-RDPBCGR 2.2.1.1 (Client X.224 Connection Request:
 * routingToken / cookie, RDP_NEG_REQ, RDP_NEG_CORRELATION_INFO),
 * MS-RDPBCGR 2.2.1.2 (Server X.224 Connection Confirm: RDP_NEG_RSP,
 * RDP_NEG_FAILURE), MS-RDPBCGR 2.2.10.2 (Early User Authorization Result) and
 * the T.125 DisconnectProviderUltimatum in its ALIGNED PER form
 * (MS-RDPBCGR 2.2.2.3: 0x21 0x80 for rn-user-requested).
 *
 * All parsing goes through struct cssp_reader; nothing indexes the wire
 * buffer directly, every length is checked against its cap, and an unknown or
 * malformed element is a defined error, never a guess.
 */
#include <string.h>

#include "x224.h"

#define TPKT_VERSION 3u
#define X224_CODE_CR 0xE0u
#define X224_CODE_CC 0xD0u
#define X224_CODE_DT 0xF0u
#define X224_CODE_DR 0x80u
#define X224_CC_SRC_REF 0x1234u   /* any value; Windows uses 0x1234 too */

#define NEG_TYPE_REQ 0x01u
#define NEG_TYPE_RSP 0x02u
#define NEG_TYPE_FAILURE 0x03u
#define NEG_TYPE_CORRELATION 0x06u
#define NEG_LEN 8u
#define CORRELATION_LEN 36u

#define MCS_DPUM_CHOICE 8u        /* DomainMCSPDU disconnectProviderUltimatum */

/*
 * Check the 4-byte TPKT header at the start of a stream and return the frame
 * length it announces.
 */
credssp_error
x224_tpkt_frame_len(const uint8_t *data, size_t len, size_t cap, size_t *frame_len_out)
{
    struct cssp_reader r;
    uint8_t version, reserved;
    uint16_t tlen;

    *frame_len_out = 0;
    if (len < X224_TPKT_HEADER)
        return CREDSSP_E_TRUNCATED;
    cssp_reader_init(&r, data, X224_TPKT_HEADER);
    version = cssp_read_u8(&r);
    reserved = cssp_read_u8(&r);
    tlen = cssp_read_u16be(&r);
    if (!cssp_reader_ok(&r))
        return r.err;
    if (version != TPKT_VERSION || reserved != 0)
        return CREDSSP_E_BAD_TAG;
    if (tlen < X224_TPKT_MIN)
        return CREDSSP_E_BAD_LENGTH;
    if (tlen > cap)
        return CREDSSP_E_TOO_LARGE;
    *frame_len_out = tlen;
    return CREDSSP_OK;
}

/*
 * Read the optional routingToken or cookie: "Cookie: " ... CR LF.  A cookie
 * "Cookie: mstshash=<id>" keeps the (truncated) id; anything else that starts
 * with "Cookie: " is a load-balancer routing token and is only noted.
 */
static credssp_error
read_token(struct cssp_reader *r, struct x224_cr *out)
{
    static const char prefix[] = "Cookie: ";
    static const char hash[] = "mstshash=";
    const size_t plen = sizeof(prefix) - 1;
    const size_t hlen = sizeof(hash) - 1;
    char line[X224_MAX_CR_FRAME];
    size_t n = 0;
    bool crlf = false;

    while (cssp_reader_ok(r) && r->left > 0 && n < sizeof(line)) {
        uint8_t c = cssp_read_u8(r);

        if (c == '\r') {
            if (cssp_read_u8(r) != '\n')
                return cssp_reader_ok(r) ? CREDSSP_E_BAD_STRING : r->err;
            crlf = true;
            break;
        }
        if (c == '\0' || c == '\n')
            return CREDSSP_E_BAD_STRING;
        line[n++] = (char)c;
    }
    if (!cssp_reader_ok(r))
        return r->err;
    if (!crlf)
        return CREDSSP_E_TRUNCATED;
    if (n < plen || memcmp(line, prefix, plen) != 0)
        return CREDSSP_E_BAD_TAG;
    if (n >= plen + hlen && memcmp(line + plen, hash, hlen) == 0) {
        size_t idlen = n - plen - hlen;

        if (idlen > X224_MAX_COOKIE)
            idlen = X224_MAX_COOKIE;
        memcpy(out->cookie, line + plen + hlen, idlen);
        out->cookie[idlen] = '\0';
        out->has_cookie = true;
    } else {
        out->has_routing_token = true;
    }
    return CREDSSP_OK;
}

/*
 * Read the variable part of the CR: [token] [RDP_NEG_REQ [CORRELATION_INFO]],
 * nothing else, nothing after.
 */
static credssp_error
read_variable_part(struct cssp_reader *var, struct x224_cr *out)
{
    credssp_error ret;

    if (var->left > 0 && cssp_reader_peek_u8(var) == (uint8_t)'C') {
        ret = read_token(var, out);
        if (ret != CREDSSP_OK)
            return ret;
    }
    if (var->left > 0) {
        uint8_t flags;
        uint16_t length;
        uint32_t requested;

        if (cssp_read_u8(var) != NEG_TYPE_REQ)   /* type first: a defined error */
            return CREDSSP_E_BAD_TAG;
        flags = cssp_read_u8(var);
        length = cssp_read_u16le(var);
        requested = cssp_read_u32le(var);
        if (!cssp_reader_ok(var))
            return var->err;
        if (length != NEG_LEN)
            return CREDSSP_E_BAD_LENGTH;
        out->has_neg_req = true;
        out->req_flags = flags;
        out->requested = requested;
    }
    if (out->has_neg_req && var->left > 0 &&
        cssp_reader_peek_u8(var) == NEG_TYPE_CORRELATION) {
        uint8_t type = cssp_read_u8(var);
        uint16_t length;
        const uint8_t *id;

        (void)cssp_read_u8(var);            /* flags: MUST be 0, not relied on */
        length = cssp_read_u16le(var);
        if (!cssp_reader_ok(var))
            return var->err;
        if (type != NEG_TYPE_CORRELATION)
            return CREDSSP_E_BAD_TAG;
        if (length != CORRELATION_LEN)
            return CREDSSP_E_BAD_LENGTH;
        id = cssp_read_bytes(var, sizeof(out->correlation_id));
        (void)cssp_read_bytes(var, 16);     /* reserved */
        if (!cssp_reader_ok(var))
            return var->err;
        memcpy(out->correlation_id, id, sizeof(out->correlation_id));
        out->has_correlation = true;
    }
    if (!cssp_reader_end(var))
        return var->err;
    return CREDSSP_OK;
}

/*
 * Parse a whole TPKT frame holding an X.224 Connection Request
 * (MS-RDPBCGR 2.2.1.1).  *out is reset first and only meaningful on success.
 */
credssp_error
x224_parse_cr(const uint8_t *frame, size_t len, struct x224_cr *out)
{
    struct cssp_reader r, var;
    uint8_t version, reserved, li, code, cls;
    uint16_t tlen;
    credssp_error ret;

    memset(out, 0, sizeof(*out));
    if (frame == NULL || len > X224_MAX_CR_FRAME)
        return frame == NULL ? CREDSSP_E_INVALID_ARG : CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, frame, len);
    version = cssp_read_u8(&r);
    reserved = cssp_read_u8(&r);
    tlen = cssp_read_u16be(&r);
    li = cssp_read_u8(&r);
    code = cssp_read_u8(&r);
    (void)cssp_read_u16be(&r);              /* DST-REF: 0 in a CR, not relied on */
    out->src_ref = cssp_read_u16be(&r);
    cls = cssp_read_u8(&r);
    if (!cssp_reader_ok(&r))
        return r.err;
    if (version != TPKT_VERSION || reserved != 0)
        return CREDSSP_E_BAD_TAG;
    if (tlen != len || (size_t)li + 5 != len)
        return CREDSSP_E_BAD_LENGTH;
    if (code != X224_CODE_CR || (cls & 0xF0u) != 0)   /* class 0 only */
        return CREDSSP_E_BAD_TAG;
    if (!cssp_reader_sub(&r, r.left, &var))
        return r.err;
    ret = read_variable_part(&var, out);
    if (ret != CREDSSP_OK) {
        memset(out, 0, sizeof(*out));
        return ret;
    }
    return CREDSSP_OK;
}

credssp_error
x224_take_cr(const uint8_t *data, size_t len, size_t cap, size_t *frame_len_out,
             struct x224_cr *out)
{
    size_t flen = 0;
    credssp_error ret = x224_tpkt_frame_len(data, len, cap, &flen);

    *frame_len_out = 0;
    if (ret == CREDSSP_E_TRUNCATED || (ret == CREDSSP_OK && len < flen))
        return CREDSSP_OK;                      /* not all there yet */
    if (ret == CREDSSP_OK)
        ret = x224_parse_cr(data, flen, out);
    if (ret == CREDSSP_OK)
        *frame_len_out = flen;
    return ret;
}

/*
 * The selection rule of docs/PROTOCOL.md §8.1: HYBRID_EX when asked and allowed,
 * else HYBRID, else (baseline mode only) SSL, else HYBRID_REQUIRED_BY_SERVER.
 * Restricted Admin / Remote Guard are confirmed only when asked and allowed.
 */
void
x224_select(const struct x224_cr *cr, const struct x224_policy *pol, struct x224_answer *out)
{
    memset(out, 0, sizeof(*out));
    if (pol->allow_hybrid_ex && (cr->requested & X224_PROTOCOL_HYBRID_EX) != 0)
        out->selected = X224_PROTOCOL_HYBRID_EX;
    else if ((cr->requested & X224_PROTOCOL_HYBRID) != 0)
        out->selected = X224_PROTOCOL_HYBRID;
    else if (pol->allow_ssl && (cr->requested & X224_PROTOCOL_SSL) != 0)
        out->selected = X224_PROTOCOL_SSL;
    else {
        out->failure = true;
        out->failure_code = X224_FAIL_HYBRID_REQUIRED;
        return;
    }
    if (pol->allow_restricted_admin && (cr->req_flags & X224_REQ_RESTRICTED_ADMIN) != 0)
        out->rsp_flags |= X224_RSP_RESTRICTED_ADMIN;
    if (pol->allow_remote_guard && (cr->req_flags & X224_REQ_REDIRECTED_AUTH) != 0)
        out->rsp_flags |= X224_RSP_REDIRECTED_AUTH;
}

/*
 * TPKT + X.224 CC (LI 14) + RDP_NEG_RSP / RDP_NEG_FAILURE: always 19 bytes.
 * RDP_NEG_FAILURE carries flags 0 (FreeRDP rejects anything else).
 */
void
x224_write_cc(struct cssp_writer *w, uint16_t dst_ref, const struct x224_answer *ans)
{
    cssp_write_u8(w, TPKT_VERSION);
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, 19);
    cssp_write_u8(w, 14);                   /* LI: 6 fixed + 8 negotiation bytes */
    cssp_write_u8(w, X224_CODE_CC);
    cssp_write_u16be(w, dst_ref);
    cssp_write_u16be(w, X224_CC_SRC_REF);
    cssp_write_u8(w, 0);                    /* class 0 */
    if (ans->failure) {
        cssp_write_u8(w, NEG_TYPE_FAILURE);
        cssp_write_u8(w, 0);
        cssp_write_u16le(w, NEG_LEN);
        cssp_write_u32le(w, ans->failure_code);
    } else {
        cssp_write_u8(w, NEG_TYPE_RSP);
        cssp_write_u8(w, ans->rsp_flags);
        cssp_write_u16le(w, NEG_LEN);
        cssp_write_u32le(w, ans->selected);
    }
}

/*
 * TPKT + X.224 DT + DisconnectProviderUltimatum: ALIGNED PER, a 6-bit CHOICE
 * index (8) followed by the 3-bit reason, padded to two octets.
 */
void
x224_write_dpum(struct cssp_writer *w, uint8_t reason)
{
    reason &= 0x07u;
    cssp_write_u8(w, TPKT_VERSION);
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, 9);
    cssp_write_u8(w, 2);                    /* LI of a DT TPDU */
    cssp_write_u8(w, X224_CODE_DT);
    cssp_write_u8(w, 0x80);                 /* EOT */
    cssp_write_u8(w, (uint8_t)((MCS_DPUM_CHOICE << 2) | (reason >> 1)));
    cssp_write_u8(w, (uint8_t)((reason & 1u) << 7));
}

/* TPKT + X.224 Disconnect Request (LI 6, reason 0 "not specified"). */
void
x224_write_dr(struct cssp_writer *w, uint16_t dst_ref, uint16_t src_ref)
{
    cssp_write_u8(w, TPKT_VERSION);
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, 11);
    cssp_write_u8(w, 6);
    cssp_write_u8(w, X224_CODE_DR);
    cssp_write_u16be(w, dst_ref);
    cssp_write_u16be(w, src_ref);
    cssp_write_u8(w, 0);
}

/* Early User Authorization Result: a bare little-endian 32-bit value. */
void
x224_write_eua(struct cssp_writer *w, uint32_t result)
{
    cssp_write_u32le(w, result);
}

/* Short protocol name for reports. */
const char *
x224_protocol_name(uint32_t selected)
{
    switch (selected) {
    case X224_PROTOCOL_HYBRID_EX:
        return "hybrid_ex";
    case X224_PROTOCOL_HYBRID:
        return "hybrid";
    case X224_PROTOCOL_SSL:
        return "ssl";
    case X224_PROTOCOL_RDP:
        return "rdp";
    default:
        return "unknown";
    }
}
