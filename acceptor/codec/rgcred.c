/*
 * rgcred.c - the KERB_TICKET_LOGON of a Remote Credential Guard logon
 * (MS-CSSP 2.2.1.2.3 / 2.2.1.2.3.1 and note <22>; layout in rgcred.h).
 *
 * Read through the bounded reader; every offset and length is checked in
 * 64-bit arithmetic before a view is taken, and each ticket region must be
 * exactly one DER value of the expected APPLICATION tag (der.c).  Nothing
 * is copied: the tickets are secrets and stay in the result's credBuffer.
 */
#include <string.h>

#include "der.h"
#include "result.h"
#include "rgcred.h"

/* Is [off, off + n) inside a buffer of len bytes and after the header? */
static bool
region_ok(uint64_t off, uint64_t n, size_t len)
{
    return off >= CSSP_KERB_TICKET_LOGON_HEADER && off <= len && n <= len - off;
}

/* The region [off, off + n) of buf holds exactly one DER value tagged tag. */
static credssp_error
check_ticket(const uint8_t *buf, uint64_t off, uint64_t n, uint8_t tag)
{
    struct cssp_reader r, content;

    cssp_reader_init(&r, buf + off, (size_t)n);
    if (cssp_der_peek_tag(&r) != tag)
        return CREDSSP_E_BAD_TAG;
    if (!cssp_der_read_tlv(&r, tag, (size_t)n, &content) || !cssp_reader_end(&r))
        return CREDSSP_E_BAD_LENGTH;
    return CREDSSP_OK;
}

/* Parse and check a KERB_TICKET_LOGON (rgcred.h). */
credssp_error
cssp_kerb_ticket_logon_parse(const uint8_t *buf, size_t len, struct cssp_kerb_ticket_logon *out)
{
    struct cssp_kerb_ticket_logon k;
    struct cssp_reader r;
    credssp_error ret;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (buf == NULL && len != 0)
        return CREDSSP_E_INVALID_ARG;
    cssp_reader_init(&r, buf, len);
    k.message_type = cssp_read_u32le(&r);
    k.flags = cssp_read_u32le(&r);
    k.service_ticket_len = cssp_read_u32le(&r);
    k.tgt_len = cssp_read_u32le(&r);
    k.service_ticket_off = cssp_read_u64le(&r);
    k.tgt_off = cssp_read_u64le(&r);
    if (!cssp_reader_ok(&r))
        return CREDSSP_E_TRUNCATED;
    if (k.message_type != CSSP_KERB_TICKET_LOGON ||
        (k.flags & ~CSSP_KERB_LOGON_FLAG_ALLOW_EXPIRED_TICKET) != 0 || k.service_ticket_len == 0)
        return CREDSSP_E_UNEXPECTED;
    if (!region_ok(k.service_ticket_off, k.service_ticket_len, len))
        return CREDSSP_E_BAD_LENGTH;
    if (k.tgt_len == 0) {
        if (k.tgt_off != 0)
            return CREDSSP_E_BAD_LENGTH;
    } else if (!region_ok(k.tgt_off, k.tgt_len, len) ||
               (k.tgt_off < k.service_ticket_off + k.service_ticket_len &&
                k.service_ticket_off < k.tgt_off + k.tgt_len)) {
        return CREDSSP_E_BAD_LENGTH;
    }
    ret = check_ticket(buf, k.service_ticket_off, k.service_ticket_len, CSSP_DER_TICKET);
    if (ret == CREDSSP_OK && k.tgt_len != 0)
        ret = check_ticket(buf, k.tgt_off, k.tgt_len, CSSP_DER_KRB_CRED);
    if (ret != CREDSSP_OK)
        return ret;
    *out = k;
    return CREDSSP_OK;
}

/* The logon credential's KERB_TICKET_LOGON (rgcred.h). */
CREDSSP_API credssp_error
credssp_result_rg_ticket_logon(const credssp_result *r, uint32_t *message_type_out,
                               uint32_t *flags_out, uint32_t *service_ticket_len_out,
                               uint32_t *tgt_len_out)
{
    const struct cssp_rg_package *logon;
    struct cssp_kerb_ticket_logon k;
    credssp_error ret;

    if (r == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (r->cred_type != CREDSSP_CRED_REMOTE_GUARD)
        return CREDSSP_E_BAD_CRED_TYPE;
    logon = &r->creds.remote_guard.logon;
    if (logon->package_name == NULL || strcmp(logon->package_name, "Kerberos") != 0)
        return CREDSSP_E_BAD_CRED_TYPE;
    ret = cssp_kerb_ticket_logon_parse(credssp_secret_data(logon->cred_buffer),
                                       credssp_secret_len(logon->cred_buffer), &k);
    if (ret != CREDSSP_OK)
        return ret;
    if (message_type_out != NULL)
        *message_type_out = k.message_type;
    if (flags_out != NULL)
        *flags_out = k.flags;
    if (service_ticket_len_out != NULL)
        *service_ticket_len_out = k.service_ticket_len;
    if (tgt_len_out != NULL)
        *tgt_len_out = k.tgt_len;
    return CREDSSP_OK;
}
