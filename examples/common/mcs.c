/*
 * mcs.c - minimal T.125 MCS domain set-up for the --ending mcs path.
 *
 * MS-RDPBCGR 2.2.1.3 / 2.2.1.4 (Connect Initial / Response, BER per T.125
 * with the T.124 GCC Conference Create Request / Response in ALIGNED PER),
 * 2.2.1.5 (Erect Domain Request), 2.2.1.6 / 2.2.1.7 (Attach User Request /
 * Confirm), 2.2.1.8 / 2.2.1.9 (Channel Join Request / Confirm).  The layout
 * of the server data follows the annotated example of MS-RDPBCGR 4.1.4.
 * Client PDUs are read with the bounded reader, capped, never guessed at.
 */
#include <string.h>

#include "mcs.h"

#define TPKT_VERSION 3u
#define X224_DT 0xF0u

/* DomainMCSPDU CHOICE indexes (T.125) */
#define MCS_ERECT 1u
#define MCS_DPUM 8u
#define MCS_AURQ 10u
#define MCS_AUCF 11u
#define MCS_CJRQ 14u
#define MCS_CJCF 15u
#define MCS_SDRQ 25u

/* GCC user data block types (MS-RDPBCGR 2.2.1.3.1 / 2.2.1.4.1) */
#define CS_NET 0xC003u
#define SC_CORE 0x0C01u
#define SC_SECURITY 0x0C02u
#define SC_NET 0x0C03u
#define RDP_VERSION_5_PLUS 0x00080004u

/* T.124 object identifier 0.0.20.124.0.1, PER-encoded with its length */
static const uint8_t t124_oid[] = { 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01 };
/* ConferenceCreateRequest up to the client H.221 key "Duca" (4.1.3) */
static const uint8_t ccrq_head[] = { 0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00,
                                     'D', 'u', 'c', 'a' };
/* ConferenceCreateResponse up to the server H.221 key "McDn" (4.1.4) */
static const uint8_t ccrsp_head[] = { 0x14, 0x76, 0x0a, 0x01, 0x01, 0x00, 0x01, 0xc0, 0x00,
                                      'M', 'c', 'D', 'n' };
/* DomainParameters of the 4.1.4 example */
static const uint8_t domain_params[] = {
    0x30, 0x1a, 0x02, 0x01, 0x22, 0x02, 0x01, 0x03, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
    0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02
};

/* BER definite length (short form, 0x81 or 0x82). */
static size_t
ber_len(struct cssp_reader *r)
{
    uint8_t b = cssp_read_u8(r);

    if (b < 0x80)
        return b;
    if (b == 0x81)
        return cssp_read_u8(r);
    if (b == 0x82)
        return cssp_read_u16be(r);
    cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
    return 0;
}

/* Enter a BER element with a one-byte tag: child = its contents. */
static bool
ber_enter(struct cssp_reader *r, uint8_t tag, struct cssp_reader *child)
{
    size_t len;

    if (cssp_read_u8(r) != tag)
        return cssp_reader_fail(r, CREDSSP_E_BAD_TAG);
    len = ber_len(r);
    if (!cssp_reader_ok(r))
        return false;
    return cssp_reader_sub(r, len, child);
}

/* ALIGNED PER length determinant (no fragmentation). */
static size_t
per_len(struct cssp_reader *r)
{
    uint8_t b = cssp_read_u8(r);

    if ((b & 0x80) == 0)
        return b;
    if ((b & 0xC0) == 0xC0) {
        cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
        return 0;
    }
    return ((size_t)(b & 0x3F) << 8) | cssp_read_u8(r);
}

/* Expect exact bytes (fixed PER prefixes). */
static bool
expect(struct cssp_reader *r, const uint8_t *want, size_t n)
{
    const uint8_t *p = cssp_read_bytes(r, n);

    if (p == NULL)
        return false;
    if (memcmp(p, want, n) != 0)
        return cssp_reader_fail(r, CREDSSP_E_BAD_TAG);
    return true;
}

/*
 * Connect Initial (MS-RDPBCGR 2.2.1.3): skip to the GCC client data blocks
 * and read CS_NET channelCount.
 */
static credssp_error
parse_connect_initial(struct cssp_reader *r, struct mcs_pdu *out)
{
    struct cssp_reader ci, skip, ud, blocks;
    static const uint8_t skipped[] = { 0x04, 0x04, 0x01, 0x30, 0x30, 0x30 };
    size_t n;

    if (cssp_read_u8(r) != 0x65)                 /* [APPLICATION 101] after 0x7F */
        return cssp_reader_ok(r) ? CREDSSP_E_BAD_TAG : r->err;
    n = ber_len(r);
    if (!cssp_reader_ok(r) || !cssp_reader_sub(r, n, &ci))
        return r->err;
    for (size_t i = 0; i < sizeof(skipped); i++) {
        if (!ber_enter(&ci, skipped[i], &skip))   /* selectors, upwardFlag, parameters */
            return ci.err;
    }
    if (!ber_enter(&ci, 0x04, &ud))              /* userData: GCC ConnectData */
        return ci.err;
    if (cssp_read_u8(&ud) != 0x00 || !expect(&ud, t124_oid, sizeof(t124_oid)))
        return cssp_reader_ok(&ud) ? CREDSSP_E_BAD_TAG : ud.err;
    (void)per_len(&ud);                          /* connectPDU length */
    if (!expect(&ud, ccrq_head, sizeof(ccrq_head)))
        return ud.err;
    n = per_len(&ud);
    if (!cssp_reader_ok(&ud) || !cssp_reader_sub(&ud, n, &blocks))
        return ud.err;
    out->channel_count = 0;
    while (blocks.left > 0) {
        struct cssp_reader blk;
        uint16_t type = cssp_read_u16le(&blocks);
        uint16_t blen = cssp_read_u16le(&blocks);

        if (!cssp_reader_ok(&blocks))
            return blocks.err;
        if (blen < 4)
            return CREDSSP_E_BAD_LENGTH;
        if (!cssp_reader_sub(&blocks, blen - 4u, &blk))
            return blocks.err;
        if (type == CS_NET) {
            uint32_t count = cssp_read_u32le(&blk);

            if (!cssp_reader_ok(&blk))
                return blk.err;
            if (count > MCS_MAX_CHANNELS)
                return CREDSSP_E_TOO_LARGE;
            out->channel_count = count;
        }
    }
    return CREDSSP_OK;
}

/* Classify one TPKT frame. */
credssp_error
mcs_parse(const uint8_t *frame, size_t len, struct mcs_pdu *out)
{
    struct cssp_reader r;
    uint8_t first, choice;

    memset(out, 0, sizeof(*out));
    out->kind = MCS_OTHER;
    if (len > MCS_MAX_FRAME)
        return CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, frame, len);
    if (cssp_read_u8(&r) != TPKT_VERSION || cssp_read_u8(&r) != 0 ||
        cssp_read_u16be(&r) != len)
        return cssp_reader_ok(&r) ? CREDSSP_E_BAD_LENGTH : r.err;
    if (cssp_read_u8(&r) != 2 || cssp_read_u8(&r) != X224_DT || cssp_read_u8(&r) != 0x80)
        return cssp_reader_ok(&r) ? CREDSSP_E_BAD_TAG : r.err;
    first = cssp_read_u8(&r);
    if (!cssp_reader_ok(&r))
        return r.err;
    if (first == 0x7F) {
        out->kind = MCS_CONNECT_INITIAL;
        return parse_connect_initial(&r, out);
    }
    choice = first >> 2;
    switch (choice) {
    case MCS_ERECT:
        out->kind = MCS_ERECT_DOMAIN;
        break;
    case MCS_AURQ:
        out->kind = MCS_ATTACH_USER_REQUEST;
        break;
    case MCS_CJRQ:
        out->kind = MCS_CHANNEL_JOIN_REQUEST;
        (void)cssp_read_u16be(&r);               /* initiator */
        out->channel_id = cssp_read_u16be(&r);
        break;
    case MCS_SDRQ:
        out->kind = MCS_SEND_DATA_REQUEST;
        break;
    case MCS_DPUM:
        out->kind = MCS_DISCONNECT_ULTIMATUM;
        break;
    default:
        break;
    }
    return cssp_reader_ok(&r) ? CREDSSP_OK : r.err;
}

/* BER length in the shortest form. */
static void
ber_write_len(struct cssp_writer *w, size_t n)
{
    if (n < 0x80) {
        cssp_write_u8(w, (uint8_t)n);
    } else if (n <= 0xFF) {
        cssp_write_u8(w, 0x81);
        cssp_write_u8(w, (uint8_t)n);
    } else {
        cssp_write_u8(w, 0x82);
        cssp_write_u16be(w, (uint16_t)n);
    }
}

static size_t
ber_len_size(size_t n)
{
    return n < 0x80 ? 1 : (n <= 0xFF ? 2 : 3);
}

/* TPKT header and X.224 DT for a body of n bytes. */
static void
write_dt(struct cssp_writer *w, size_t n)
{
    cssp_write_u8(w, TPKT_VERSION);
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, (uint16_t)(n + 7));
    cssp_write_u8(w, 2);
    cssp_write_u8(w, X224_DT);
    cssp_write_u8(w, 0x80);
}

/*
 * Connect Response: result rt-successful, the 4.1.4 domain parameters, and a
 * GCC Conference Create Response with SC_CORE (echoing the requested
 * protocols, which clients check against what they sent), SC_SECURITY (no RDP
 * encryption: TLS / CredSSP carry security) and SC_NET (I/O channel 1003 and
 * one id per requested static channel, from 1004).
 */
void
mcs_write_connect_response(struct cssp_writer *w, uint32_t requested_protocols,
                           unsigned channel_count)
{
    size_t net, ud, ccrsp, gcc, content;

    if (channel_count > MCS_MAX_CHANNELS)
        channel_count = MCS_MAX_CHANNELS;
    net = 8 + 2u * channel_count + ((channel_count & 1u) ? 2u : 0u);
    ud = 16 + 12 + net;
    ccrsp = sizeof(ccrsp_head) + 1 + ud;                 /* ud < 128: 1-byte PER length */
    gcc = 1 + sizeof(t124_oid) + 1 + ccrsp;              /* ccrsp < 128 */
    content = 3 + 3 + sizeof(domain_params) + 1 + ber_len_size(gcc) + gcc;

    write_dt(w, 2 + ber_len_size(content) + content);
    cssp_write_u8(w, 0x7F);                              /* [APPLICATION 102] */
    cssp_write_u8(w, 0x66);
    ber_write_len(w, content);
    cssp_write_bytes(w, "\x0a\x01\x00", 3);              /* result rt-successful */
    cssp_write_bytes(w, "\x02\x01\x00", 3);              /* calledConnectId 0 */
    cssp_write_bytes(w, domain_params, sizeof(domain_params));
    cssp_write_u8(w, 0x04);                              /* userData OCTET STRING */
    ber_write_len(w, gcc);
    cssp_write_u8(w, 0x00);                              /* ConnectData: t124 key */
    cssp_write_bytes(w, t124_oid, sizeof(t124_oid));
    cssp_write_u8(w, (uint8_t)ccrsp);                    /* connectPDU length */
    cssp_write_bytes(w, ccrsp_head, sizeof(ccrsp_head));
    cssp_write_u8(w, (uint8_t)ud);
    cssp_write_u16le(w, SC_CORE);
    cssp_write_u16le(w, 16);
    cssp_write_u32le(w, RDP_VERSION_5_PLUS);
    cssp_write_u32le(w, requested_protocols);
    cssp_write_u32le(w, 0);                              /* earlyCapabilityFlags */
    cssp_write_u16le(w, SC_SECURITY);
    cssp_write_u16le(w, 12);
    cssp_write_u32le(w, 0);                              /* ENCRYPTION_METHOD_NONE */
    cssp_write_u32le(w, 0);                              /* ENCRYPTION_LEVEL_NONE */
    cssp_write_u16le(w, SC_NET);
    cssp_write_u16le(w, (uint16_t)net);
    cssp_write_u16le(w, MCS_GLOBAL_CHANNEL);
    cssp_write_u16le(w, (uint16_t)channel_count);
    for (unsigned i = 0; i < channel_count; i++)
        cssp_write_u16le(w, (uint16_t)(MCS_GLOBAL_CHANNEL + 1 + i));
    if (channel_count & 1u)
        cssp_write_u16le(w, 0);                          /* pad to a multiple of 4 */
}

/* Attach User Confirm: result 0, initiator = MCS_USER_ID (PER: minus 1001). */
void
mcs_write_attach_user_confirm(struct cssp_writer *w)
{
    write_dt(w, 4);
    cssp_write_u8(w, (MCS_AUCF << 2) | 0x02);            /* initiator present */
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, MCS_USER_ID - 1001u);
}

/* Channel Join Confirm: result 0, initiator, requested and joined channel. */
void
mcs_write_channel_join_confirm(struct cssp_writer *w, uint16_t channel_id)
{
    write_dt(w, 8);
    cssp_write_u8(w, (MCS_CJCF << 2) | 0x02);            /* channelId present */
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, MCS_USER_ID - 1001u);
    cssp_write_u16be(w, channel_id);
    cssp_write_u16be(w, channel_id);
}
