/*
 * test_gateway_pdu.c - the PDU code of credssp-gateway, without sockets:
 *   mcsfix.c   Server MCS Connect Response rewrite (MS-RDPBCGR 2.2.1.4,
 *              TS_UD_SC_CORE 2.2.1.4.2) on the bytes real xrdp 0.9.21 sent;
 *   infopdu.c  Client Info PDU rebuild (2.2.1.11, TS_INFO_PACKET 2.2.1.11.1.1),
 *              checked by an independent decoder in this file;
 *   backend.c  Connection Request / Confirm toward xrdp (2.2.1.1 / 2.2.1.2).
 * Every truncation and a one-byte-change sweep must give a defined result,
 * never a crash or an out-of-bounds read (run under ASan in CI).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "infopdu.h"
#include "mcsfix.h"

/* Server MCS Connect Response from xrdp 0.9.21 (SC_CORE, SC_NET, SC_SECURITY). */
static const uint8_t xrdp_connect_response[] = {
    0x03, 0x00, 0x00, 0x6d, 0x02, 0xf0, 0x80, 0x7f, 0x66, 0x63, 0x0a, 0x01, 0x00, 0x02,
    0x01, 0x00, 0x30, 0x1a, 0x02, 0x01, 0x16, 0x02, 0x01, 0x03, 0x02, 0x01, 0x00, 0x02,
    0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xf8, 0x02,
    0x01, 0x02, 0x04, 0x3f, 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x2a, 0x14, 0x76,
    0x0a, 0x01, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e, 0x80, 0x28, 0x01,
    0x0c, 0x0c, 0x00, 0x04, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x0c, 0x10,
    0x00, 0xeb, 0x03, 0x04, 0x00, 0xec, 0x03, 0xed, 0x03, 0xee, 0x03, 0xef, 0x03, 0x02,
    0x0c, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};
#define SC_CORE_CRP_OFFSET 77u    /* clientRequestedProtocols in the frame above */

/* xrdp's Connection Confirm: RDP_NEG_RSP flags 0x01, PROTOCOL_SSL. */
static const uint8_t xrdp_cc[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
    0x02, 0x01, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00
};

/* ------------------------------------------------------------------ */
/* Connect Response                                                    */
/* ------------------------------------------------------------------ */

static void
test_connect_response_known(void **state)
{
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;
    uint32_t old = 0;

    (void)state;
    cssp_writer_init(&w, GW_TPKT_MAX, false);
    assert_int_equal(gw_mcs_fix_connect_response(xrdp_connect_response,
                                                 sizeof(xrdp_connect_response), 0x0B, &w,
                                                 &old),
                     CREDSSP_OK);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    assert_int_equal(old, 1);
    assert_int_equal(len, sizeof(xrdp_connect_response));
    /* exactly four bytes differ: the new value, little-endian */
    assert_memory_equal(out, xrdp_connect_response, SC_CORE_CRP_OFFSET);
    assert_int_equal(out[SC_CORE_CRP_OFFSET], 0x0B);
    assert_int_equal(out[SC_CORE_CRP_OFFSET + 1], 0);
    assert_int_equal(out[SC_CORE_CRP_OFFSET + 2], 0);
    assert_int_equal(out[SC_CORE_CRP_OFFSET + 3], 0);
    assert_memory_equal(out + SC_CORE_CRP_OFFSET + 4,
                        xrdp_connect_response + SC_CORE_CRP_OFFSET + 4,
                        len - SC_CORE_CRP_OFFSET - 4);
    free(out);
}

/* Run the rewrite on a buffer; returns the error, checks the length on success. */
static credssp_error
fix(const uint8_t *in, size_t len)
{
    struct cssp_writer w;
    uint32_t old;
    credssp_error ret;

    cssp_writer_init(&w, GW_TPKT_MAX, false);
    ret = gw_mcs_fix_connect_response(in, len, 3, &w, &old);
    if (ret == CREDSSP_OK)
        assert_int_equal(w.len, len);
    cssp_writer_release(&w);
    return ret;
}

static void
test_connect_response_truncated(void **state)
{
    uint8_t buf[sizeof(xrdp_connect_response)];

    (void)state;
    for (size_t n = 0; n < sizeof(buf); n++) {
        memcpy(buf, xrdp_connect_response, n);
        /* a copy of exactly n bytes: the TPKT length no longer matches */
        assert_int_not_equal(fix(buf, n), CREDSSP_OK);
    }
}

static void
test_connect_response_mutations(void **state)
{
    uint8_t buf[sizeof(xrdp_connect_response)];

    (void)state;
    for (size_t i = 0; i < sizeof(buf); i++) {
        for (unsigned v = 0; v < 256; v += 17) {
            memcpy(buf, xrdp_connect_response, sizeof(buf));
            buf[i] ^= (uint8_t)(v | 1u);
            (void)fix(buf, sizeof(buf));     /* any defined result */
        }
    }
}

static void
test_connect_response_errors(void **state)
{
    uint8_t buf[sizeof(xrdp_connect_response)];

    (void)state;
    /* TPKT length off by one */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[3]++;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_BAD_LENGTH);
    /* result != rt-successful */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[12] = 1;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_UNEXPECTED);
    /* a Connect-Initial tag instead of Connect-Response */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[8] = 0x65;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_UNEXPECTED);
    /* "McDx" instead of "McDn" */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[66] = 'x';
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_BAD_TAG);
    /* SC_CORE renamed: no SC_CORE at all */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[69] = 0x05;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_UNEXPECTED);
    /* SC_SECURITY renamed into a second SC_CORE */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[97] = 0x01;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_UNEXPECTED);
    /* a block length of 3 */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[71] = 3;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_BAD_LENGTH);
    /* not a Data TPDU */
    memcpy(buf, xrdp_connect_response, sizeof(buf));
    buf[5] = 0xE0;
    assert_int_equal(fix(buf, sizeof(buf)), CREDSSP_E_UNEXPECTED);
}

/* ------------------------------------------------------------------ */
/* Client Info                                                         */
/* ------------------------------------------------------------------ */

/* UTF-16LE of an ASCII string into w. */
static void
w16(struct cssp_writer *w, const char *s)
{
    for (; *s != '\0'; s++)
        cssp_write_u16le(w, (uint8_t)*s);
}

/*
 * A Client Info frame as FreeRDP 2.11 sends it in NLA mode: flags 0x000b47f3
 * (no INFO_AUTOLOGON), the given strings, extraInfo bytes; flags_override
 * replaces the flags when non-zero.  *len_out is the frame length.
 */
static uint8_t *
client_info(const char *dom, const char *user, const char *pass, const char *shell,
            const char *dir, size_t extra_len, uint32_t flags_override, size_t *len_out)
{
    struct cssp_writer body, w;
    uint8_t *out = NULL;
    size_t payload, total;

    cssp_writer_init(&body, GW_TPKT_MAX, false);
    cssp_write_u16le(&body, GW_SEC_INFO_PKT);
    cssp_write_u16le(&body, 0);
    cssp_write_u32le(&body, 0);                           /* CodePage */
    cssp_write_u32le(&body, flags_override != 0 ? flags_override : 0x000b47f3u);
    cssp_write_u16le(&body, (uint16_t)(2 * strlen(dom)));
    cssp_write_u16le(&body, (uint16_t)(2 * strlen(user)));
    cssp_write_u16le(&body, (uint16_t)(2 * strlen(pass)));
    cssp_write_u16le(&body, (uint16_t)(2 * strlen(shell)));
    cssp_write_u16le(&body, (uint16_t)(2 * strlen(dir)));
    w16(&body, dom);
    cssp_write_u16le(&body, 0);
    w16(&body, user);
    cssp_write_u16le(&body, 0);
    w16(&body, pass);
    cssp_write_u16le(&body, 0);
    w16(&body, shell);
    cssp_write_u16le(&body, 0);
    w16(&body, dir);
    cssp_write_u16le(&body, 0);
    for (size_t i = 0; i < extra_len; i++)
        cssp_write_u8(&body, (uint8_t)(0xA0 + i));
    assert_true(cssp_writer_ok(&body));
    payload = body.len;
    total = 7 + 6 + gw_per_length_size(payload) + payload;
    cssp_writer_init(&w, GW_TPKT_MAX, false);
    cssp_write_u8(&w, 3);
    cssp_write_u8(&w, 0);
    cssp_write_u16be(&w, (uint16_t)total);
    cssp_write_bytes(&w, "\x02\xf0\x80\x64\x00\x07\x03\xeb\x70", 9);
    gw_per_write_length(&w, payload);
    cssp_write_bytes(&w, body.buf, body.len);
    cssp_writer_release(&body);
    assert_int_equal(cssp_writer_take(&w, &out, len_out), CREDSSP_OK);
    assert_int_equal(*len_out, total);
    return out;
}

/* What an independent decoder finds in a rebuilt frame. */
struct decoded {
    uint32_t flags;
    char dom[512], user[512], pass[512], shell[512], dir[512];
    size_t extra_len;
    uint8_t extra0;
};

/* Narrow a UTF-16LE string (test data is ASCII or Latin-1) into out. */
static void
narrow(const uint8_t *p, size_t cb, char *out)
{
    size_t i;

    for (i = 0; i < cb / 2; i++)
        out[i] = (char)p[2 * i];
    out[i] = '\0';
}

/* Decode by hand with plain offsets: a second opinion on infopdu.c. */
static void
decode(const uint8_t *f, size_t len, struct decoded *d)
{
    size_t off = 13, payload, cb[5];
    char *dst[5];

    memset(d, 0, sizeof(*d));
    dst[0] = d->dom;
    dst[1] = d->user;
    dst[2] = d->pass;
    dst[3] = d->shell;
    dst[4] = d->dir;
    assert_int_equal(f[0], 3);
    assert_int_equal(((size_t)f[2] << 8) | f[3], len);
    assert_memory_equal(f + 4, "\x02\xf0\x80\x64\x00\x07\x03\xeb\x70", 9);
    if (f[off] & 0x80) {
        payload = ((size_t)(f[off] & 0x3f) << 8) | f[off + 1];
        off += 2;
    } else {
        payload = f[off];
        off += 1;
    }
    assert_int_equal(off + payload, len);
    assert_int_equal(f[off] | (f[off + 1] << 8), GW_SEC_INFO_PKT);
    off += 8;                                             /* sec header, CodePage */
    d->flags = (uint32_t)f[off] | ((uint32_t)f[off + 1] << 8) | ((uint32_t)f[off + 2] << 16) |
               ((uint32_t)f[off + 3] << 24);
    off += 4;
    for (int i = 0; i < 5; i++, off += 2)
        cb[i] = f[off] | ((size_t)f[off + 1] << 8);
    for (int i = 0; i < 5; i++) {
        assert_true(cb[i] < 1000);
        narrow(f + off, cb[i], dst[i]);
        off += cb[i];
        assert_int_equal(f[off], 0);
        assert_int_equal(f[off + 1], 0);
        off += 2;
    }
    d->extra_len = len - off;
    d->extra0 = d->extra_len > 0 ? f[off] : 0;
}

/* Rewrite with the given injection; returns the error, decodes on success. */
static credssp_error
rewrite(const uint8_t *in, size_t len, const char *dom, const char *user, const char *pw,
        struct decoded *d, struct gw_info_seen *seen)
{
    struct gw_info_inject inj = { dom, user, (const uint8_t *)pw, strlen(pw) };
    struct cssp_writer w;
    credssp_error ret;

    cssp_writer_init(&w, GW_TPKT_MAX, true);
    ret = gw_info_rewrite(in, len, &inj, &w, seen);
    if (ret == CREDSSP_OK && d != NULL)
        decode(w.buf, w.len, d);
    cssp_writer_release(&w);
    return ret;
}

static void
test_info_rewrite(void **state)
{
    struct gw_info_seen seen;
    struct decoded d;
    size_t len;
    uint8_t *in = client_info("", "alice", "client-typed", "", "C:\\dir", 40, 0, &len);
    bool is_info = false;

    (void)state;
    assert_int_equal(gw_info_detect(in, len, &is_info), CREDSSP_OK);
    assert_true(is_info);
    assert_int_equal(rewrite(in, len, "Xvnc", "bob", "s3cr\xc3\xa9t", &d, &seen), CREDSSP_OK);
    assert_int_equal(d.flags, 0x000b47fbu);
    assert_string_equal(d.dom, "Xvnc");
    assert_string_equal(d.user, "bob");
    assert_string_equal(d.pass, "s3cr\xe9t");          /* U+00E9 narrowed */
    assert_string_equal(d.shell, "");
    assert_string_equal(d.dir, "C:\\dir");
    assert_int_equal(d.extra_len, 40);
    assert_int_equal(d.extra0, 0xA0);
    assert_int_equal(seen.flags_in, 0x000b47f3u);
    assert_int_equal(seen.flags_out, 0x000b47fbu);
    assert_true(seen.had_password);
    assert_int_equal(seen.cb_user_in, 10);
    free(in);
}

static void
test_info_per_length_forms(void **state)
{
    struct decoded d;
    struct gw_info_seen seen;
    char longpw[201];
    size_t len;
    /* small input: one-octet PER length; large output: two octets */
    uint8_t *in = client_info("", "a", "", "", "", 0, 0, &len);

    (void)state;
    assert_true(len < 0x80);
    memset(longpw, 'p', 200);
    longpw[200] = '\0';
    assert_int_equal(rewrite(in, len, "", "alice", longpw, &d, &seen), CREDSSP_OK);
    assert_int_equal(strlen(d.pass), 200);
    assert_true(seen.len_out > 0x80);
    /* and back to one octet */
    assert_int_equal(rewrite(in, len, "", "u", "p", &d, &seen), CREDSSP_OK);
    assert_string_equal(d.user, "u");
    free(in);
}

static void
test_info_limits(void **state)
{
    char big[300];
    size_t len;
    uint8_t *in = client_info("", "alice", "x", "", "", 8, 0, &len);

    (void)state;
    memset(big, 'u', 255);
    big[255] = '\0';                                  /* 510 octets: the most xrdp takes */
    assert_int_equal(rewrite(in, len, "", big, "pw", NULL, &(struct gw_info_seen){ 0 }),
                     CREDSSP_OK);
    big[255] = 'u';
    big[256] = '\0';                                  /* 512 octets */
    assert_int_equal(rewrite(in, len, "", big, "pw", NULL, &(struct gw_info_seen){ 0 }),
                     CREDSSP_E_TOO_LARGE);
    assert_int_equal(rewrite(in, len, "", "", "pw", NULL, &(struct gw_info_seen){ 0 }),
                     CREDSSP_E_INVALID_ARG);          /* xrdp needs a user name */
    assert_int_equal(rewrite(in, len, "", "a", "\xff", NULL, &(struct gw_info_seen){ 0 }),
                     CREDSSP_E_BAD_STRING);
    free(in);
}

static void
test_info_bad_input(void **state)
{
    struct gw_info_seen seen;
    uint8_t *in;
    size_t len;
    bool is_info = true;

    (void)state;
    /* no INFO_UNICODE */
    in = client_info("", "alice", "pw", "", "", 0, 0x000b47e3u, &len);
    assert_int_equal(rewrite(in, len, "", "a", "b", NULL, &seen), CREDSSP_E_UNEXPECTED);
    free(in);
    /* a broken terminator after UserName (offset: 13 + 1 + 4 + 18 + 2 + 10) */
    in = client_info("", "alice", "pw", "", "", 0, 0, &len);
    in[48] = 'x';
    assert_int_equal(rewrite(in, len, "", "a", "b", NULL, &seen), CREDSSP_E_BAD_STRING);
    free(in);
    /* odd cbUserName */
    in = client_info("", "alice", "pw", "", "", 0, 0, &len);
    in[28] = 9;
    assert_int_not_equal(rewrite(in, len, "", "a", "b", NULL, &seen), CREDSSP_OK);
    free(in);
    /* SEC_INFO_PKT missing: a Send Data Request, but no Client Info */
    in = client_info("", "alice", "pw", "", "", 0, 0, &len);
    in[14] = 0x00;
    assert_int_equal(gw_info_detect(in, len, &is_info), CREDSSP_OK);
    assert_false(is_info);
    assert_int_equal(rewrite(in, len, "", "a", "b", NULL, &seen), CREDSSP_E_UNEXPECTED);
    free(in);
    /* not a Send Data Request */
    in = client_info("", "alice", "pw", "", "", 0, 0, &len);
    in[7] = 0x04;                                     /* Erect Domain Request */
    assert_int_equal(gw_info_detect(in, len, &is_info), CREDSSP_E_UNEXPECTED);
    free(in);
}

static void
test_info_truncations_and_mutations(void **state)
{
    struct gw_info_seen seen;
    size_t len;
    uint8_t *in = client_info("DOM", "alice", "pw", "sh", "dir", 20, 0, &len);
    uint8_t *buf = malloc(len);

    (void)state;
    assert_non_null(buf);
    for (size_t n = 0; n < len; n++) {
        memcpy(buf, in, n);
        assert_int_not_equal(rewrite(buf, n, "", "a", "b", NULL, &seen), CREDSSP_OK);
    }
    for (size_t i = 0; i < len; i++) {
        for (unsigned v = 1; v < 256; v += 34) {
            bool is_info;

            memcpy(buf, in, len);
            buf[i] ^= (uint8_t)v;
            (void)rewrite(buf, len, "", "a", "b", NULL, &seen);
            (void)gw_info_detect(buf, len, &is_info);
        }
    }
    free(buf);
    free(in);
}

/* ------------------------------------------------------------------ */
/* X.224 toward xrdp                                                   */
/* ------------------------------------------------------------------ */

static void
test_backend_cr(void **state)
{
    static const uint8_t want[] = { 0x03, 0x00, 0x00, 0x13, 0x0E, 0xE0, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00 };
    struct cssp_writer w;

    (void)state;
    cssp_writer_init(&w, 64, false);
    gw_backend_write_cr(&w);
    assert_true(cssp_writer_ok(&w));
    assert_int_equal(w.len, sizeof(want));
    assert_memory_equal(w.buf, want, sizeof(want));
    cssp_writer_release(&w);
}

static void
test_backend_cc(void **state)
{
    uint8_t buf[sizeof(xrdp_cc) + 5];
    struct gw_cc cc;
    size_t flen;

    (void)state;
    assert_int_equal(gw_backend_parse_cc(xrdp_cc, sizeof(xrdp_cc), &flen, &cc), CREDSSP_OK);
    assert_int_equal(flen, sizeof(xrdp_cc));
    assert_true(cc.has_neg);
    assert_false(cc.failure);
    assert_int_equal(cc.flags, 1);
    assert_int_equal(cc.value, 1);
    for (size_t n = 0; n < sizeof(xrdp_cc); n++)
        assert_int_equal(gw_backend_parse_cc(xrdp_cc, n, &flen, &cc), CREDSSP_E_TRUNCATED);
    /* TLS bytes right behind it are not part of the frame */
    memcpy(buf, xrdp_cc, sizeof(xrdp_cc));
    memset(buf + sizeof(xrdp_cc), 0x16, 5);
    assert_int_equal(gw_backend_parse_cc(buf, sizeof(buf), &flen, &cc), CREDSSP_OK);
    assert_int_equal(flen, sizeof(xrdp_cc));
    /* RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER */
    memcpy(buf, xrdp_cc, sizeof(xrdp_cc));
    buf[11] = 0x03;
    buf[12] = 0x00;
    buf[15] = 0x02;
    assert_int_equal(gw_backend_parse_cc(buf, sizeof(xrdp_cc), &flen, &cc), CREDSSP_OK);
    assert_true(cc.failure);
    assert_int_equal(cc.value, 2);
    /* a CR code, a bad negotiation length, an LI that disagrees with TPKT */
    memcpy(buf, xrdp_cc, sizeof(xrdp_cc));
    buf[5] = 0xE0;
    assert_int_equal(gw_backend_parse_cc(buf, sizeof(xrdp_cc), &flen, &cc), CREDSSP_E_UNEXPECTED);
    memcpy(buf, xrdp_cc, sizeof(xrdp_cc));
    buf[13] = 9;
    assert_int_equal(gw_backend_parse_cc(buf, sizeof(xrdp_cc), &flen, &cc),
                     CREDSSP_E_BAD_LENGTH);
    memcpy(buf, xrdp_cc, sizeof(xrdp_cc));
    buf[4] = 0x0D;
    assert_int_equal(gw_backend_parse_cc(buf, sizeof(xrdp_cc), &flen, &cc),
                     CREDSSP_E_BAD_LENGTH);
}

static void
test_backend_parse(void **state)
{
    struct gw_backend b;

    (void)state;
    assert_int_equal(gw_backend_parse("unix:/run/xrdp/xrdp.sock", &b), 0);
    assert_true(b.is_unix);
    assert_string_equal(b.text, "unix:/run/xrdp/xrdp.sock");
    assert_int_equal(gw_backend_parse("unix:///run/x.sock", &b), 0);
    assert_string_equal(b.text, "unix:/run/x.sock");
    assert_int_equal(gw_backend_parse("tcp://127.0.0.1:3389", &b), 0);
    assert_false(b.is_unix);
    assert_string_equal(b.text, "tcp://127.0.0.1:3389");
    assert_int_equal(gw_backend_parse("tcp://[::1]:3390", &b), 0);
    assert_string_equal(b.text, "tcp://[::1]:3390");
    assert_int_equal(gw_backend_parse("unix:relative", &b), -1);
    assert_int_equal(gw_backend_parse("tcp://127.0.0.1", &b), -1);
    assert_int_equal(gw_backend_parse("tcp://127.0.0.1:33x", &b), -1);
    assert_int_equal(gw_backend_parse("127.0.0.1:3389", &b), -1);
    assert_int_equal(gw_backend_parse(NULL, &b), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_response_known),
        cmocka_unit_test(test_connect_response_truncated),
        cmocka_unit_test(test_connect_response_mutations),
        cmocka_unit_test(test_connect_response_errors),
        cmocka_unit_test(test_info_rewrite),
        cmocka_unit_test(test_info_per_length_forms),
        cmocka_unit_test(test_info_limits),
        cmocka_unit_test(test_info_bad_input),
        cmocka_unit_test(test_info_truncations_and_mutations),
        cmocka_unit_test(test_backend_cr),
        cmocka_unit_test(test_backend_cc),
        cmocka_unit_test(test_backend_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
