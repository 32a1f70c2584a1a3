/*
 * mcsfix.c - TPKT / X.224 DT framing helpers and the Server MCS Connect
 * Response rewrite of credssp-gateway.
 *
 * T.123 section 8 (TPKT: 03 00 LL LL), X.224 Data TPDU (LI 2, F0, EOT 80),
 * T.125 section 11 (DomainMCSPDU, ALIGNED PER: choice << 2 in the first
 * octet), T.125 Connect-Response in BER ([APPLICATION 102] { result
 * ENUMERATED, calledConnectId INTEGER, domainParameters SEQUENCE, userData
 * OCTET STRING }, X.690), MS-RDPBCGR 2.2.1.4 (T.124 ConferenceCreateResponse
 * in PER, h221NonStandard key "McDn"), 2.2.1.3.1 (TS_UD_HEADER) and 2.2.1.4.2
 * (TS_UD_SC_CORE: version, clientRequestedProtocols, earlyCapabilityFlags).
 *
 * Lengths are BER (long form with one or two octets; xrdp writes 0x82 for
 * every length >= 0x80, so non-minimal forms are accepted) or PER.  Every
 * value is read through the bounded reader; what follows a complete value is
 * an error, never ignored.
 */
#include <string.h>

#include "mcsfix.h"

#define TPKT_VERSION 3u
#define X224_DT_LI 2u
#define X224_CODE_DT 0xF0u
#define X224_EOT 0x80u

#define BER_TAG_APPLICATION_LONG 0x7Fu  /* [APPLICATION n], n >= 31 */
#define MCS_CONNECT_RESPONSE 0x66u      /* 102 */
#define BER_ENUMERATED 0x0Au
#define BER_INTEGER 0x02u
#define BER_SEQUENCE 0x30u
#define BER_OCTET_STRING 0x04u

#define GCC_CREATE_RESPONSE 0x14u       /* ConnectGCCPDU conferenceCreateResponse */
#define GCC_MAX_TAG_LEN 4u
#define UD_SC_CORE 0x0C01u
#define UD_SC_CORE_MIN 12u              /* header + version + clientRequestedProtocols */
#define UD_HEADER 4u

/* T.124 Key object identifier t124 (0.0.20.124.0.1), PER: length 5 + OID. */
static const uint8_t t124_key[] = { 0x00, 0x05, 0x00, 0x14, 0x7C, 0x00, 0x01 };
static const uint8_t server_h221_key[] = { 'M', 'c', 'D', 'n' };

/* TPKT header, then the X.224 Data TPDU header. */
credssp_error
gw_read_dt_header(struct cssp_reader *r, size_t len)
{
    uint8_t version = cssp_read_u8(r);
    uint8_t reserved = cssp_read_u8(r);
    uint16_t tlen = cssp_read_u16be(r);
    uint8_t li = cssp_read_u8(r);
    uint8_t code = cssp_read_u8(r);
    uint8_t eot = cssp_read_u8(r);

    if (!cssp_reader_ok(r))
        return r->err;
    if (version != TPKT_VERSION || reserved != 0)
        return CREDSSP_E_BAD_TAG;
    if (tlen != len)
        return CREDSSP_E_BAD_LENGTH;
    if (li != X224_DT_LI || code != X224_CODE_DT || eot != X224_EOT)
        return CREDSSP_E_UNEXPECTED;
    return CREDSSP_OK;
}

/* ALIGNED PER length determinant: 0xxxxxxx, or 10xxxxxx xxxxxxxx. */
size_t
gw_per_read_length(struct cssp_reader *r)
{
    uint8_t b = cssp_read_u8(r);

    if ((b & 0x80u) == 0)
        return b;
    if ((b & 0xC0u) == 0x80u)
        return ((size_t)(b & 0x3Fu) << 8) | cssp_read_u8(r);
    cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);   /* fragmented form: never in RDP */
    return 0;
}

/* Size of the PER length determinant for len. */
size_t
gw_per_length_size(size_t len)
{
    return len < 0x80u ? 1u : 2u;
}

/* Write a PER length determinant. */
void
gw_per_write_length(struct cssp_writer *w, size_t len)
{
    if (len < 0x80u) {
        cssp_write_u8(w, (uint8_t)len);
    } else if (len <= 0x3FFFu) {
        cssp_write_u8(w, (uint8_t)(0x80u | (len >> 8)));
        cssp_write_u8(w, (uint8_t)(len & 0xFFu));
    } else {
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    }
}

/* BER length (X.690 8.1.3): short form, or long form of one or two octets. */
static size_t
ber_read_length(struct cssp_reader *r)
{
    uint8_t b = cssp_read_u8(r);

    if (b < 0x80u)
        return b;
    if (b == 0x81u)
        return cssp_read_u8(r);
    if (b == 0x82u)
        return cssp_read_u16be(r);
    cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);   /* indefinite, or longer than a TPKT */
    return 0;
}

/* One BER TLV with a one-octet tag: check the tag, hand out a view of the value. */
static bool
ber_read_value(struct cssp_reader *r, uint8_t tag, size_t max, struct cssp_reader *value_out)
{
    size_t n;

    if (cssp_read_u8(r) != tag)
        return cssp_reader_ok(r) ? cssp_reader_fail(r, CREDSSP_E_BAD_TAG) : false;
    n = ber_read_length(r);
    if (cssp_reader_ok(r) && n > max)
        return cssp_reader_fail(r, CREDSSP_E_TOO_LARGE);
    return cssp_reader_sub(r, n, value_out);
}

/*
 * T.124 ConferenceCreateResponse (PER) up to the server data blocks:
 * key t124, connectPDU length (to be ignored, MS-RDPBCGR 4.1.4), choice,
 * nodeID, tag, result, one userData entry with h221NonStandard "McDn", and
 * the blocks' PER length.  *blocks_out is a view of exactly those blocks.
 */
static credssp_error
read_gcc_response(struct cssp_reader *u, struct cssp_reader *blocks_out)
{
    const uint8_t *key;
    size_t taglen, keylen, blen;

    key = cssp_read_bytes(u, sizeof(t124_key));
    (void)gw_per_read_length(u);                 /* connectPDU length: ignored */
    if (!cssp_reader_ok(u))
        return u->err;
    if (memcmp(key, t124_key, sizeof(t124_key)) != 0)
        return CREDSSP_E_BAD_TAG;
    if (cssp_read_u8(u) != GCC_CREATE_RESPONSE)
        return cssp_reader_ok(u) ? CREDSSP_E_BAD_TAG : u->err;
    (void)cssp_read_u16be(u);                    /* nodeID */
    taglen = cssp_read_u8(u);                    /* tag: unconstrained INTEGER */
    if (cssp_reader_ok(u) && (taglen == 0 || taglen > GCC_MAX_TAG_LEN))
        return CREDSSP_E_BAD_LENGTH;
    (void)cssp_read_bytes(u, taglen);
    if (cssp_read_u8(u) != 0)                    /* result: success */
        return cssp_reader_ok(u) ? CREDSSP_E_UNEXPECTED : u->err;
    if (cssp_read_u8(u) != 1)                    /* userData: one set member */
        return cssp_reader_ok(u) ? CREDSSP_E_UNEXPECTED : u->err;
    (void)cssp_read_u8(u);                       /* value present, key choice h221 */
    keylen = (size_t)cssp_read_u8(u) + 4u;       /* OCTET STRING (SIZE (4..255)) */
    key = cssp_read_bytes(u, keylen);
    if (!cssp_reader_ok(u))
        return u->err;
    if (keylen != sizeof(server_h221_key) || memcmp(key, server_h221_key, keylen) != 0)
        return CREDSSP_E_BAD_TAG;
    blen = gw_per_read_length(u);
    if (!cssp_reader_sub(u, blen, blocks_out))
        return u->err;
    if (!cssp_reader_end(u))
        return u->err;
    return CREDSSP_OK;
}

/*
 * Walk the TS_UD_HEADER blocks (2.2.1.3.1) and find the one TS_UD_SC_CORE;
 * *pos_out is the address of its clientRequestedProtocols field.
 */
static credssp_error
find_sc_core(struct cssp_reader *blocks, const uint8_t **pos_out, uint32_t *old_out)
{
    unsigned found = 0;

    while (cssp_reader_ok(blocks) && blocks->left > 0) {
        struct cssp_reader body;
        uint16_t type = cssp_read_u16le(blocks);
        uint16_t blen = cssp_read_u16le(blocks);

        if (cssp_reader_ok(blocks) && blen < UD_HEADER)
            return CREDSSP_E_BAD_LENGTH;
        if (!cssp_reader_sub(blocks, (size_t)blen - UD_HEADER, &body))
            return blocks->err;
        if (type != UD_SC_CORE)
            continue;
        if (blen < UD_SC_CORE_MIN)
            return CREDSSP_E_BAD_LENGTH;
        (void)cssp_read_u32le(&body);            /* version */
        *pos_out = body.p;
        *old_out = cssp_read_u32le(&body);
        if (!cssp_reader_ok(&body))
            return body.err;
        found++;
    }
    if (!cssp_reader_ok(blocks))
        return blocks->err;
    return found == 1 ? CREDSSP_OK : CREDSSP_E_UNEXPECTED;
}

/* Rewrite TS_UD_SC_CORE.clientRequestedProtocols in a Connect Response frame. */
credssp_error
gw_mcs_fix_connect_response(const uint8_t *frame, size_t len, uint32_t requested,
                            struct cssp_writer *w, uint32_t *old_out)
{
    struct cssp_reader r, resp, v, user, blocks;
    const uint8_t *pos = NULL;
    credssp_error ret;
    size_t off, n;

    *old_out = 0;
    if (frame == NULL || len > GW_TPKT_MAX)
        return frame == NULL ? CREDSSP_E_INVALID_ARG : CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, frame, len);
    ret = gw_read_dt_header(&r, len);
    if (ret != CREDSSP_OK)
        return ret;
    if (cssp_read_u8(&r) != BER_TAG_APPLICATION_LONG || cssp_read_u8(&r) != MCS_CONNECT_RESPONSE)
        return cssp_reader_ok(&r) ? CREDSSP_E_UNEXPECTED : r.err;
    n = ber_read_length(&r);
    if (!cssp_reader_sub(&r, n, &resp) || !cssp_reader_end(&r))
        return r.err;
    if (ber_read_value(&resp, BER_ENUMERATED, 4, &v) && (v.left != 1 || cssp_read_u8(&v) != 0))
        return CREDSSP_E_UNEXPECTED;            /* result: rt-successful only */
    (void)ber_read_value(&resp, BER_INTEGER, 4, &v);          /* calledConnectId */
    (void)ber_read_value(&resp, BER_SEQUENCE, 64, &v);        /* domainParameters */
    (void)ber_read_value(&resp, BER_OCTET_STRING, GW_TPKT_MAX, &user);
    if (!cssp_reader_ok(&resp) || !cssp_reader_end(&resp))
        return resp.err;
    ret = read_gcc_response(&user, &blocks);
    if (ret == CREDSSP_OK)
        ret = find_sc_core(&blocks, &pos, old_out);
    if (ret != CREDSSP_OK)
        return ret;
    off = (size_t)(pos - frame);
    cssp_write_bytes(w, frame, off);
    cssp_write_u32le(w, requested);
    cssp_write_bytes(w, pos + 4, len - off - 4);
    return cssp_writer_ok(w) ? CREDSSP_OK : w->err;
}
