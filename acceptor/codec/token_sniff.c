/*
 * token_sniff.c - reading a client's negoToken far enough to dispatch it
 * (token_sniff.h), only through the bounded reader and strict DER.
 *
 * Layouts read (nothing else is looked at; the GSS mechanisms verify):
 *
 *   RFC 2743 §3.1 InitialContextToken: [APPLICATION 0] (0x60) IMPLICIT
 *     SEQUENCE { thisMech MechType (an OID), innerContextToken ANY }.  The
 *     framing must cover the token exactly: a byte after it is not a
 *     framed token (CREDSSP_E_TRAILING).  For the kind only, the outer length
 *     may be non-minimal (at most 4 octets, CSSP_READ_BER_LENGTHS), as the
 *     dispatcher has always accepted; everything inside is strict DER.
 *   RFC 4178 §4.2.1 / MS-SPNG §2.2.1 NegTokenInit, inner token of the SPNEGO
 *     OID: [0] SEQUENCE { mechTypes [0] SEQUENCE OF OID, reqFlags [1],
 *     mechToken [2], mechListMIC [3] }.  Only mechTypes is read (at most
 *     CSSP_SNIFF_MAX_MECHS OIDs of at most 64 bytes); the rest is SPNEGO's.
 *   RFC 4178 §4.2.2 NegTokenResp: [1] SEQUENCE { negState [0] ENUMERATED,
 *     supportedMech [1] OID, responseToken [2] OCTET STRING, mechListMIC [3]
 *     OCTET STRING }, all optional, in this order; nothing may follow the
 *     last field or the [1] value.
 *   MS-NLMP §2.2.1 every message: Signature "NTLMSSP\0" (8), MessageType (4, LE).
 *   MS-NLMP §2.2.1.1 NEGOTIATE_MESSAGE: NegotiateFlags at 12, DomainNameFields
 *     at 16, WorkstationFields at 24, Version at 32 only with
 *     NTLMSSP_NEGOTIATE_VERSION (0x02000000): 32 bytes without it.
 *   MS-NLMP §2.2.1.3 AUTHENTICATE_MESSAGE: 64-byte header; DomainNameFields at
 *     28, UserNameFields at 36 (each Len u16, MaxLen u16 - ignored on receipt -
 *     and BufferOffset u32 from the start of the message), NegotiateFlags at 60
 *     (NTLMSSP_NEGOTIATE_UNICODE 0x1: names in UTF-16LE, else OEM).  A name
 *     must lie inside the message and be at most CSSP_NTLM_NAME_MAX bytes.
 *     Payload bytes no field points at are not an error (§2.2: the payload is
 *     addressed by offsets), so trailing bytes are left to gss-ntlmssp.
 */
#include <stdlib.h>
#include <string.h>

#include "der.h"
#include "token_sniff.h"
#include "utf16.h"

#define NTLM_SIGNATURE "NTLMSSP\0"
#define NTLM_SIGNATURE_LEN 8u
#define NTLM_NEGOTIATE_VERSION 0x02000000u
#define NTLM_NEGOTIATE_UNICODE 0x00000001u
#define NTLM_SHORT_NEGOTIATE_LEN 32u
#define NTLM_AUTH_HEADER_LEN 64u
#define DER_OID 0x06
#define DER_ENUMERATED 0x0a
#define DER_APPLICATION_0 0x60
#define OID_MAX 64u

/* The OID of the mechanisms CredSSP knows, and their CREDSSP_MECH_* bit. */
static const struct {
    const char *der;
    size_t len;
    unsigned mech;
} known_mechs[] = {
    { CSSP_OID_NTLM, sizeof(CSSP_OID_NTLM) - 1, CREDSSP_MECH_NTLM },
    { CSSP_OID_KRB5, sizeof(CSSP_OID_KRB5) - 1, CREDSSP_MECH_KERBEROS },
    { CSSP_OID_MSKRB5, sizeof(CSSP_OID_MSKRB5) - 1, CREDSSP_MECH_KERBEROS },
};

/* An OID value (tag 06, at most OID_MAX bytes) as a view; false with a sticky error. */
static bool
read_oid(struct cssp_reader *r, const uint8_t **p_out, size_t *len_out)
{
    struct cssp_reader oid;

    *p_out = NULL;
    *len_out = 0;
    if (!cssp_der_read_tlv(r, DER_OID, OID_MAX, &oid))
        return false;
    *len_out = oid.left;
    *p_out = cssp_read_bytes(&oid, oid.left);
    return *p_out != NULL;
}

static bool
oid_is(const uint8_t *p, size_t len, const char *der, size_t der_len)
{
    return p != NULL && len == der_len && memcmp(p, der, len) == 0;
}

/*
 * Open the RFC 2743 §3.1 framing: the inner token after thisMech in *inner,
 * thisMech as a view.  The framing must end with the token.
 */
static credssp_error
open_framing(const uint8_t *tok, size_t len, unsigned flags, struct cssp_reader *inner,
             const uint8_t **mech_out, size_t *mech_len_out)
{
    struct cssp_reader r;

    cssp_reader_init(&r, tok, len);
    r.flags = flags;
    if (cssp_der_read_tlv(&r, DER_APPLICATION_0, CSSP_MAX_TOKEN, inner))
        cssp_reader_end(&r);
    if (cssp_reader_ok(&r))
        read_oid(inner, mech_out, mech_len_out);
    cssp_reader_merge(&r, inner);
    return r.err;
}

/* The CREDSSP_MECH_* bit of a mechanism OID (CSSP_SNIFF_MECH_OTHER if unknown). */
static unsigned
mech_bit(const uint8_t *oid, size_t len)
{
    for (size_t i = 0; i < CSSP_COUNT(known_mechs); i++) {
        if (oid_is(oid, len, known_mechs[i].der, known_mechs[i].len))
            return known_mechs[i].mech;
    }
    return CSSP_SNIFF_MECH_OTHER;
}

credssp_error
cssp_sniff_ntlm_type(const uint8_t *msg, size_t len, uint32_t *type_out)
{
    struct cssp_reader r;
    const uint8_t *sig;
    uint32_t type;

    *type_out = 0;
    cssp_reader_init(&r, msg, len);
    sig = cssp_read_bytes(&r, NTLM_SIGNATURE_LEN);
    type = cssp_read_u32le(&r);
    if (!cssp_reader_ok(&r))
        return r.err;
    if (memcmp(sig, NTLM_SIGNATURE, NTLM_SIGNATURE_LEN) != 0)
        return CREDSSP_E_BAD_TOKEN;
    *type_out = type;
    return CREDSSP_OK;
}

enum cssp_token_kind
cssp_sniff_kind(const uint8_t *tok, size_t len)
{
    struct cssp_reader inner;
    const uint8_t *mech;
    size_t mech_len;
    uint32_t type;

    if (cssp_sniff_ntlm_type(tok, len, &type) == CREDSSP_OK)
        return CSSP_TOKEN_NTLM;
    if (open_framing(tok, len, CSSP_READ_BER_LENGTHS, &inner, &mech, &mech_len) != CREDSSP_OK)
        return CSSP_TOKEN_UNKNOWN;
    if (oid_is(mech, mech_len, CSSP_OID_SPNEGO, sizeof(CSSP_OID_SPNEGO) - 1))
        return CSSP_TOKEN_SPNEGO;
    return mech_bit(mech, mech_len) == CREDSSP_MECH_KERBEROS ? CSSP_TOKEN_KERBEROS
                                                             : CSSP_TOKEN_UNKNOWN;
}

credssp_error
cssp_sniff_spnego_mechs(const uint8_t *tok, size_t len, unsigned *mechs_out)
{
    credssp_error ret;
    struct cssp_reader inner, init, seq, types, list;
    const uint8_t *oid;
    size_t oid_len;
    unsigned count = 0;

    *mechs_out = 0;
    cssp_reader_init(&init, NULL, 0);
    cssp_reader_init(&seq, NULL, 0);
    cssp_reader_init(&types, NULL, 0);
    cssp_reader_init(&list, NULL, 0);
    ret = open_framing(tok, len, 0, &inner, &oid, &oid_len);
    if (ret != CREDSSP_OK)
        return ret;
    if (!oid_is(oid, oid_len, CSSP_OID_SPNEGO, sizeof(CSSP_OID_SPNEGO) - 1))
        return CREDSSP_E_BAD_TOKEN;
    if (cssp_der_read_tlv(&inner, CSSP_DER_CTX(0), CSSP_MAX_TOKEN, &init) &&
        cssp_reader_end(&inner) &&
        cssp_der_read_tlv(&init, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &seq) &&
        cssp_reader_end(&init) &&
        cssp_der_read_tlv(&seq, CSSP_DER_CTX(0), CSSP_MAX_TOKEN, &types) &&
        cssp_der_read_tlv(&types, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &list) &&
        cssp_reader_end(&types)) {
        while (cssp_reader_ok(&list) && list.left > 0) {
            if (++count > CSSP_SNIFF_MAX_MECHS) {
                cssp_reader_fail(&list, CREDSSP_E_TOO_LARGE);
                break;
            }
            if (read_oid(&list, &oid, &oid_len))
                *mechs_out |= mech_bit(oid, oid_len);
        }
    }
    /* The first error on the way down is the answer. */
    cssp_reader_merge(&types, &list);
    cssp_reader_merge(&seq, &types);
    cssp_reader_merge(&init, &seq);
    cssp_reader_merge(&inner, &init);
    if (!cssp_reader_ok(&inner))
        *mechs_out = 0;
    return inner.err;
}

bool
cssp_sniff_short_negotiate(const uint8_t *tok, size_t len)
{
    struct cssp_reader r;
    uint32_t type, flags;

    if (len != NTLM_SHORT_NEGOTIATE_LEN ||
        cssp_sniff_ntlm_type(tok, len, &type) != CREDSSP_OK || type != CSSP_NTLM_NEGOTIATE)
        return false;
    cssp_reader_init(&r, tok, len);
    (void)cssp_read_bytes(&r, NTLM_SIGNATURE_LEN + 4);
    flags = cssp_read_u32le(&r);
    return cssp_reader_ok(&r) && (flags & NTLM_NEGOTIATE_VERSION) == 0;
}

/* Skip an optional [n] { tag ... } field of a NegTokenResp, checking its one value. */
static void
skip_optional(struct cssp_reader *seq, unsigned n, uint8_t tag, size_t max)
{
    struct cssp_reader wrap, value;

    if (cssp_der_peek_tag(seq) != CSSP_DER_CTX(n))
        return;
    if (cssp_der_read_tlv(seq, CSSP_DER_CTX(n), CSSP_MAX_TOKEN, &wrap) &&
        cssp_der_read_tlv(&wrap, tag, max, &value))
        cssp_reader_end(&wrap);
    cssp_reader_merge(seq, &wrap);
}

/* The responseToken of a NegTokenResp (RFC 4178 §4.2.2); *p_out NULL when absent. */
static credssp_error
response_token(const uint8_t *tok, size_t len, const uint8_t **p_out, size_t *len_out)
{
    struct cssp_reader r, resp, seq;
    const uint8_t *mic;
    size_t mic_len;

    *p_out = NULL;
    *len_out = 0;
    cssp_reader_init(&r, tok, len);
    if (!cssp_der_read_tlv(&r, CSSP_DER_CTX(1), CSSP_MAX_TOKEN, &resp) || !cssp_reader_end(&r) ||
        !cssp_der_read_tlv(&resp, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &seq) ||
        !cssp_reader_end(&resp)) {
        cssp_reader_merge(&r, &resp);
        return r.err;
    }
    skip_optional(&seq, 0, DER_ENUMERATED, 4);      /* negState */
    skip_optional(&seq, 1, DER_OID, OID_MAX);       /* supportedMech */
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(2))
        cssp_der_read_explicit_octets(&seq, 2, CSSP_MAX_TOKEN, p_out, len_out);
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(3))
        cssp_der_read_explicit_octets(&seq, 3, CSSP_MAX_TOKEN, &mic, &mic_len);
    if (!cssp_der_seq_end(&seq)) {
        *p_out = NULL;
        *len_out = 0;
    }
    return seq.err;
}

/* One AUTHENTICATE name field (Len, MaxLen, BufferOffset) as a view into msg. */
static bool
read_name_field(struct cssp_reader *hdr, const uint8_t *msg, size_t len, const uint8_t **p_out,
                size_t *len_out)
{
    struct cssp_reader all;
    uint16_t flen = cssp_read_u16le(hdr);
    uint32_t off;

    (void)cssp_read_u16le(hdr);   /* MaxLen: ignored on receipt (MS-NLMP 2.2.1.3) */
    off = cssp_read_u32le(hdr);
    if (!cssp_reader_ok(hdr) || flen > CSSP_NTLM_NAME_MAX)
        return false;
    cssp_reader_init(&all, msg, len);
    (void)cssp_read_bytes(&all, off);
    *p_out = cssp_read_bytes(&all, flen);
    *len_out = flen;
    return *p_out != NULL;
}

credssp_error
cssp_sniff_ntlm_names(const uint8_t *tok, size_t len, struct cssp_ntlm_names *out)
{
    struct cssp_reader hdr;
    const uint8_t *msg = tok;
    size_t msg_len = len;
    uint32_t type, flags;

    *out = (struct cssp_ntlm_names){ 0 };
    if (cssp_sniff_kind(tok, len) != CSSP_TOKEN_NTLM &&
        (response_token(tok, len, &msg, &msg_len) != CREDSSP_OK || msg == NULL))
        return CREDSSP_OK;   /* no NTLM message here */
    if (cssp_sniff_ntlm_type(msg, msg_len, &type) != CREDSSP_OK ||
        type != CSSP_NTLM_AUTHENTICATE || msg_len < NTLM_AUTH_HEADER_LEN)
        return CREDSSP_OK;   /* not an AUTHENTICATE */
    cssp_reader_init(&hdr, msg, NTLM_AUTH_HEADER_LEN);
    (void)cssp_read_bytes(&hdr, 28);   /* Signature, MessageType, Lm/NtChallengeResponseFields */
    if (!read_name_field(&hdr, msg, msg_len, &out->domain, &out->domain_len) ||
        !read_name_field(&hdr, msg, msg_len, &out->user, &out->user_len)) {
        *out = (struct cssp_ntlm_names){ 0 };
        return CREDSSP_E_BAD_TOKEN;
    }
    (void)cssp_read_bytes(&hdr, 16);   /* WorkstationFields, EncryptedRandomSessionKeyFields */
    flags = cssp_read_u32le(&hdr);
    out->unicode = (flags & NTLM_NEGOTIATE_UNICODE) != 0;
    out->found = cssp_reader_ok(&hdr);
    return CREDSSP_OK;
}

credssp_error
cssp_sniff_ntlm_name(const uint8_t *p, size_t len, bool unicode, char **out)
{
    struct cssp_reader r;
    char *s;

    *out = NULL;
    if (len > CSSP_NTLM_NAME_MAX)
        return CREDSSP_E_TOO_LARGE;
    if (unicode)
        return cssp_utf16le_to_utf8(p, len, out);
    s = malloc(len + 1);
    if (s == NULL)
        return CREDSSP_E_NOMEM;
    cssp_reader_init(&r, p, len);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = cssp_read_u8(&r);

        if (c == 0 || c >= 0x80) {
            free(s);
            return CREDSSP_E_BAD_STRING;
        }
        s[i] = (char)c;
    }
    s[len] = '\0';
    *out = s;
    return CREDSSP_OK;
}
