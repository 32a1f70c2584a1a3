/*
 * token_sniff.h - what a client's negoToken is, read only through the
 * bounded reader (buf.h) and the strict DER helpers (der.h): its framing,
 * the mechanisms a SPNEGO NegTokenInit offers, the NTLM message type, and
 * the user and domain fields of an NTLM AUTHENTICATE message.  Nothing here
 * verifies a token (the GSS mechanisms do); the answers decide dispatch,
 * mechanism policy, the impacket padding shim and the NTLM lookup.
 * Layouts and the spec sections are in token_sniff.c and docs/GSSAPI.md §3.
 */
#ifndef CSSP_TOKEN_SNIFF_H
#define CSSP_TOKEN_SNIFF_H

#include "internal.h"

/* DER contents of the mechanism OIDs (gss.c builds its gss_OID_desc from these). */
#define CSSP_OID_SPNEGO "\x2b\x06\x01\x05\x05\x02"               /* 1.3.6.1.5.5.2 */
#define CSSP_OID_NTLM "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" /* 1.3.6.1.4.1.311.2.2.10 */
#define CSSP_OID_KRB5 "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"      /* 1.2.840.113554.1.2.2 */
#define CSSP_OID_MSKRB5 "\x2a\x86\x48\x82\xf7\x12\x01\x02\x02"    /* 1.2.840.48018.1.2.2 */

enum cssp_token_kind {
    CSSP_TOKEN_UNKNOWN = 0,
    CSSP_TOKEN_NTLM,      /* "NTLMSSP\0" and a MessageType */
    CSSP_TOKEN_SPNEGO,    /* [APPLICATION 0] { SPNEGO OID, ... } */
    CSSP_TOKEN_KERBEROS   /* [APPLICATION 0] { krb5 or MS-krb5 OID, ... } */
};

/* NTLM MessageType values (MS-NLMP 2.2.1). */
#define CSSP_NTLM_NEGOTIATE 1u
#define CSSP_NTLM_AUTHENTICATE 3u

/* Most bytes of an AUTHENTICATE user or domain field we read (256 UTF-16 units). */
#define CSSP_NTLM_NAME_MAX 512u
/* Most entries of a SPNEGO mechTypes list we read. */
#define CSSP_SNIFF_MAX_MECHS 32u
/* A mechTypes entry that is none of NTLM, krb5, MS-krb5 (beside CREDSSP_MECH_*). */
#define CSSP_SNIFF_MECH_OTHER 0x80000000u

/* User and domain of an AUTHENTICATE: views into the token, bounded by it. */
struct cssp_ntlm_names {
    bool found;               /* false: the token carries no AUTHENTICATE */
    bool unicode;             /* NTLMSSP_NEGOTIATE_UNICODE: UTF-16LE, else OEM */
    const uint8_t *domain;
    size_t domain_len;
    const uint8_t *user;
    size_t user_len;
};

/* Raw NTLMSSP, SPNEGO or raw Kerberos; UNKNOWN for anything else (never an error). */
enum cssp_token_kind cssp_sniff_kind(const uint8_t *tok, size_t len);

/*
 * The MessageType of a raw NTLMSSP message.  CREDSSP_E_TRUNCATED when it
 * ends before the type, CREDSSP_E_BAD_TOKEN without the signature.
 */
CSSP_WUR credssp_error cssp_sniff_ntlm_type(const uint8_t *msg, size_t len, uint32_t *type_out);

/*
 * The mechanisms of a SPNEGO NegTokenInit's mechTypes, as CREDSSP_MECH_*
 * bits plus CSSP_SNIFF_MECH_OTHER.  CREDSSP_E_BAD_TOKEN when the token is not
 * SPNEGO; a DER error (TRUNCATED, BAD_TAG, BAD_LENGTH, TOO_LARGE, TRAILING)
 * when the framing or the list cannot be read strictly.
 */
CSSP_WUR credssp_error cssp_sniff_spnego_mechs(const uint8_t *tok, size_t len,
                                               unsigned *mechs_out);

/*
 * Is tok an NTLM NEGOTIATE of exactly 32 bytes without the VERSION flag
 * (impacket 0.10), the only message gss.c pads with an empty VERSION?
 */
bool cssp_sniff_short_negotiate(const uint8_t *tok, size_t len);

/*
 * The user and domain fields of an NTLM AUTHENTICATE, raw or as the
 * responseToken of a SPNEGO NegTokenResp.  CREDSSP_OK with found = false
 * when the token carries no AUTHENTICATE (another message, or SPNEGO that
 * cannot be read: SPNEGO itself judges it); CREDSSP_E_BAD_TOKEN for an
 * AUTHENTICATE whose name fields lie outside it or exceed CSSP_NTLM_NAME_MAX.
 */
CSSP_WUR credssp_error cssp_sniff_ntlm_names(const uint8_t *tok, size_t len,
                                             struct cssp_ntlm_names *out);

/*
 * One name field as a NUL-terminated UTF-8 string (free()): UTF-16LE when
 * unicode, else OEM restricted to ASCII 1..127 (CREDSSP_E_BAD_STRING).
 */
CSSP_WUR credssp_error cssp_sniff_ntlm_name(const uint8_t *p, size_t len, bool unicode,
                                            char **out);

#endif /* CSSP_TOKEN_SNIFF_H */
