/*
 * infopdu.h - the Client Info PDU rewrite (MS-RDPBCGR 2.2.1.11).
 *
 * The client's PDU is TPKT + X.224 DT + MCS Send Data Request (T.125, PER)
 * + TS_SECURITY_HEADER (2.2.8.1.1.2.1, SEC_INFO_PKT) + TS_INFO_PACKET
 * (2.2.1.11.1.1).  The gateway keeps CodePage, the other flags,
 * AlternateShell, WorkingDir and the extra info (2.2.1.11.1.1.1) as they
 * are, sets INFO_AUTOLOGON, replaces Domain, UserName and Password, and
 * recomputes every length (cb* fields, PER length, TPKT length).
 */
#ifndef CSSP_GATEWAY_INFOPDU_H
#define CSSP_GATEWAY_INFOPDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* TS_INFO_PACKET flags used here */
#define GW_INFO_MOUSE 0x00000001u
#define GW_INFO_DISABLECTRLALTDEL 0x00000002u
#define GW_INFO_AUTOLOGON 0x00000008u
#define GW_INFO_UNICODE 0x00000010u
#define GW_INFO_MAXIMIZESHELL 0x00000020u
#define GW_INFO_PASSWORD_IS_SC_PIN 0x00040000u

/* TS_SECURITY_HEADER flags */
#define GW_SEC_ENCRYPT 0x0008u
#define GW_SEC_INFO_PKT 0x0040u

/*
 * xrdp 0.9.21 drops a connection whose cbDomain, cbUserName, cbPassword,
 * cbAlternateShell or cbWorkingDir is 512 or more (INFO_CLIENT_MAX_CB_LEN):
 * at most 255 UTF-16 code units each.
 */
#define GW_INFO_MAX_CB 510u

/* What goes into the PDU. */
struct gw_info_inject {
    const char *domain;          /* UTF-8; "" or an xrdp.ini session section */
    const char *user;            /* UTF-8 local user name */
    const uint8_t *password;     /* UTF-8 password or hand-off token (a secret) */
    size_t password_len;
};

/* What the client's PDU said (never a secret). */
struct gw_info_seen {
    uint32_t flags_in;
    uint32_t flags_out;
    size_t cb_user_in;
    bool had_password;           /* the client sent a non-empty Password */
    size_t len_in;
    size_t len_out;
};

/*
 * Does this client frame (TPKT + X.224 DT + MCS Send Data Request) carry a
 * Client Info PDU?  CREDSSP_OK with *is_info_out; a frame that is not a
 * well-formed Send Data Request is an error.
 */
credssp_error gw_info_detect(const uint8_t *frame, size_t len, bool *is_info_out);

/*
 * Rebuild a Client Info frame into w (a secure writer: the output holds the
 * password).  Errors: malformed input (protocol errors), a field of the
 * injected values too long for xrdp (CREDSSP_E_TOO_LARGE), invalid UTF-8
 * (CREDSSP_E_BAD_STRING).
 */
credssp_error gw_info_rewrite(const uint8_t *frame, size_t len, const struct gw_info_inject *inj,
                              struct cssp_writer *w, struct gw_info_seen *seen);

#endif /* CSSP_GATEWAY_INFOPDU_H */
