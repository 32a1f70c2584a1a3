/*
 * infopdu.c - parse and rebuild the Client Info PDU (MS-RDPBCGR 2.2.1.11).
 *
 *   TPKT (T.123 8) | X.224 DT 02 F0 80 | MCS SendDataRequest (T.125, ALIGNED
 *   PER): choice 25 << 2, initiator (u16be), channelId (u16be),
 *   dataPriority + segmentation (1 octet), userData length (PER) |
 *   TS_SECURITY_HEADER flags, flagsHi (2.2.8.1.1.2.1; SEC_INFO_PKT) |
 *   TS_INFO_PACKET (2.2.1.11.1.1): CodePage, flags, cbDomain, cbUserName,
 *   cbPassword, cbAlternateShell, cbWorkingDir, then the five UTF-16LE
 *   strings, each followed by a two-octet terminator that the cb* value does
 *   not count, then extraInfo (TS_EXTENDED_INFO_PACKET 2.2.1.11.1.1.1).
 *
 * The input is read with the bounded reader: every cb* is capped, every
 * terminator checked, the PER length must cover exactly the rest of the
 * frame.  The output is built in a secure writer because it carries the
 * password (or the one-time token); the strings are converted from UTF-8
 * straight into writers of their own (utf16.c), the password one secure.
 */
#include <string.h>

#include "infopdu.h"
#include "mcsfix.h"
#include "utf16.h"

#define INFO_FIXED 18u              /* CodePage, flags, five cb* fields */
#define SEC_HEADER 4u
#define SDRQ_HEADER 6u              /* choice, initiator, channelId, priority */
#define DT_HEADER 7u                /* TPKT + X.224 DT */
#define INFO_MAX_CB_IN 512u         /* the largest field of 2.2.1.11.1.1 */
#define TERMINATOR 2u
#define MCS_CHOICE_SEND_DATA_REQUEST 25u   /* T.125 DomainMCSPDU */

/* An MCS Send Data Request, split. */
struct sdrq {
    uint8_t first;                  /* choice << 2 (padding bits kept) */
    uint16_t initiator;
    uint16_t channel;
    uint8_t priority;
    struct cssp_reader data;        /* exactly the userData */
};

/* One TS_INFO_PACKET string: cb octets plus the terminator. */
struct info_str {
    const uint8_t *p;
    size_t cb;
};

/* Read TPKT + DT + the Send Data Request header; data must fill the frame. */
static credssp_error
read_sdrq(const uint8_t *frame, size_t len, struct sdrq *out)
{
    struct cssp_reader r;
    credssp_error ret;
    size_t n;

    memset(out, 0, sizeof(*out));
    if (frame == NULL || len > GW_TPKT_MAX)
        return frame == NULL ? CREDSSP_E_INVALID_ARG : CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, frame, len);
    ret = gw_read_dt_header(&r, len);
    if (ret != CREDSSP_OK)
        return ret;
    out->first = cssp_read_u8(&r);
    out->initiator = cssp_read_u16be(&r);
    out->channel = cssp_read_u16be(&r);
    out->priority = cssp_read_u8(&r);
    n = gw_per_read_length(&r);
    if (!cssp_reader_ok(&r))
        return r.err;
    if ((out->first >> 2) != MCS_CHOICE_SEND_DATA_REQUEST)
        return CREDSSP_E_UNEXPECTED;
    if (!cssp_reader_sub(&r, n, &out->data) || !cssp_reader_end(&r))
        return r.err;
    return CREDSSP_OK;
}

/* Is this Send Data Request a Client Info PDU (SEC_INFO_PKT)? */
credssp_error
gw_info_detect(const uint8_t *frame, size_t len, bool *is_info_out)
{
    struct sdrq s;
    credssp_error ret = read_sdrq(frame, len, &s);
    uint16_t flags;

    *is_info_out = false;
    if (ret != CREDSSP_OK)
        return ret;
    flags = cssp_read_u16le(&s.data);
    if (!cssp_reader_ok(&s.data))
        return s.data.err;
    *is_info_out = (flags & GW_SEC_INFO_PKT) != 0;
    return CREDSSP_OK;
}

/* Read one string of cb octets and its two-octet NUL terminator. */
static void
read_str(struct cssp_reader *r, size_t cb, struct info_str *out)
{
    const uint8_t *term;

    out->cb = cb;
    if (cb > INFO_MAX_CB_IN || (cb & 1u) != 0) {
        cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
        return;
    }
    out->p = cssp_read_bytes(r, cb);
    term = cssp_read_bytes(r, TERMINATOR);
    if (term != NULL && (term[0] != 0 || term[1] != 0))
        cssp_reader_fail(r, CREDSSP_E_BAD_STRING);
}

/* UTF-8 -> UTF-16LE into its own writer, capped for xrdp. */
static credssp_error
encode(const char *s, size_t len, bool secure, struct cssp_writer *w)
{
    credssp_error ret;

    cssp_writer_init(w, GW_INFO_MAX_CB, secure);
    ret = cssp_utf8_to_utf16le(s, len, w);
    if (ret == CREDSSP_OK && !cssp_writer_ok(w))
        ret = w->err;
    return ret;
}

/* Write a string and its terminator. */
static void
write_str(struct cssp_writer *w, const uint8_t *p, size_t cb)
{
    cssp_write_bytes(w, p, cb);
    cssp_write_u16le(w, 0);
}

/* Rebuild the frame with the injected domain, user and password. */
credssp_error
gw_info_rewrite(const uint8_t *frame, size_t len, const struct gw_info_inject *inj,
                struct cssp_writer *w, struct gw_info_seen *seen)
{
    struct cssp_writer wd, wu, wp;
    struct info_str dom, user, pass, shell, dir;
    struct sdrq s;
    uint16_t sec_flags, sec_hi, cb[5];
    uint32_t code_page, flags;
    const uint8_t *extra;
    size_t extra_len, payload, total;
    credssp_error ret;

    memset(seen, 0, sizeof(*seen));
    cssp_writer_init(&wd, 0, false);
    cssp_writer_init(&wu, 0, false);
    cssp_writer_init(&wp, 0, true);
    ret = read_sdrq(frame, len, &s);
    if (ret != CREDSSP_OK)
        goto cleanup;
    sec_flags = cssp_read_u16le(&s.data);
    sec_hi = cssp_read_u16le(&s.data);
    code_page = cssp_read_u32le(&s.data);
    flags = cssp_read_u32le(&s.data);
    for (size_t i = 0; i < 5; i++)
        cb[i] = cssp_read_u16le(&s.data);
    read_str(&s.data, cb[0], &dom);
    read_str(&s.data, cb[1], &user);
    read_str(&s.data, cb[2], &pass);
    read_str(&s.data, cb[3], &shell);
    read_str(&s.data, cb[4], &dir);
    extra_len = s.data.left;
    extra = cssp_read_bytes(&s.data, extra_len);
    if (!cssp_reader_ok(&s.data)) {
        ret = s.data.err;
        goto cleanup;
    }
    if ((sec_flags & GW_SEC_INFO_PKT) == 0 || (sec_flags & GW_SEC_ENCRYPT) != 0 ||
        (flags & GW_INFO_UNICODE) == 0) {
        ret = CREDSSP_E_UNEXPECTED;     /* not a TLS-mode Unicode Client Info */
        goto cleanup;
    }
    seen->flags_in = flags;
    seen->cb_user_in = user.cb;
    seen->had_password = pass.cb > 0;
    seen->len_in = len;
    flags = (flags | GW_INFO_AUTOLOGON) & ~GW_INFO_PASSWORD_IS_SC_PIN;
    seen->flags_out = flags;

    ret = encode(inj->domain, strlen(inj->domain), false, &wd);
    if (ret == CREDSSP_OK)
        ret = encode(inj->user, strlen(inj->user), false, &wu);
    if (ret == CREDSSP_OK)
        ret = encode((const char *)inj->password, inj->password_len, true, &wp);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (wu.len == 0) {
        ret = CREDSSP_E_INVALID_ARG;    /* xrdp clears autologon without a user */
        goto cleanup;
    }
    payload = SEC_HEADER + INFO_FIXED + wd.len + wu.len + wp.len + shell.cb + dir.cb +
              5 * TERMINATOR + extra_len;
    total = DT_HEADER + SDRQ_HEADER + gw_per_length_size(payload) + payload;
    if (payload > 0x3FFFu || total > GW_TPKT_MAX) {
        ret = CREDSSP_E_TOO_LARGE;
        goto cleanup;
    }
    cssp_write_u8(w, 3);                    /* TPKT */
    cssp_write_u8(w, 0);
    cssp_write_u16be(w, (uint16_t)total);
    cssp_write_u8(w, 2);                    /* X.224 DT, EOT */
    cssp_write_u8(w, 0xF0);
    cssp_write_u8(w, 0x80);
    cssp_write_u8(w, s.first);
    cssp_write_u16be(w, s.initiator);
    cssp_write_u16be(w, s.channel);
    cssp_write_u8(w, s.priority);
    gw_per_write_length(w, payload);
    cssp_write_u16le(w, sec_flags);
    cssp_write_u16le(w, sec_hi);
    cssp_write_u32le(w, code_page);
    cssp_write_u32le(w, flags);
    cssp_write_u16le(w, (uint16_t)wd.len);
    cssp_write_u16le(w, (uint16_t)wu.len);
    cssp_write_u16le(w, (uint16_t)wp.len);
    cssp_write_u16le(w, (uint16_t)shell.cb);
    cssp_write_u16le(w, (uint16_t)dir.cb);
    write_str(w, wd.buf, wd.len);
    write_str(w, wu.buf, wu.len);
    write_str(w, wp.buf, wp.len);
    write_str(w, shell.p, shell.cb);
    write_str(w, dir.p, dir.cb);
    cssp_write_bytes(w, extra, extra_len);
    ret = cssp_writer_ok(w) ? CREDSSP_OK : w->err;
    if (ret == CREDSSP_OK && w->len != total)
        ret = CREDSSP_E_INTERNAL;
    seen->len_out = total;

cleanup:
    cssp_writer_release(&wd);
    cssp_writer_release(&wu);
    cssp_writer_release(&wp);
    return ret;
}
