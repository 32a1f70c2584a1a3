/*
 * relay.c - the RDP stream between the client and xrdp, changed in exactly
 * two places (docs/XRDP.md, "What the gateway changes").
 *
 * xrdp -> client: the first PDU is the Server MCS Connect Response
 * (MS-RDPBCGR 2.2.1.4); TS_UD_SC_CORE.clientRequestedProtocols gets the
 * client's own requestedProtocols back (xrdp echoes the gateway's
 * PROTOCOL_SSL), then every byte is copied.
 * client -> xrdp: the Connect Initial (2.2.1.3), Erect Domain (2.2.1.5),
 * Attach User (2.2.1.6) and Channel Join Requests (2.2.1.8) are forwarded
 * unchanged, TPKT frame by TPKT frame (T.123 8); the Client Info PDU
 * (2.2.1.11) is rebuilt with INFO_AUTOLOGON, the local user, the session
 * section as Domain and the password or hand-off token (infopdu.c), which is
 * wiped right after; then every byte is copied (slow- and fast-path alike).
 * Any other PDU before the Client Info, or a malformed frame, ends the
 * connection.  The channel list is never touched: xrdp expects exactly
 * N + 2 Channel Join Requests.
 */
#include <string.h>

#include "infopdu.h"
#include "mcs.h"          /* the example server's client-PDU classifier */
#include "mcsfix.h"
#include "session.h"

/* Client PDUs that may come before the Client Info (T.125, MS-RDPBCGR 2.2.1.3-2.2.1.8). */
static bool
allowed_before_info(enum mcs_kind kind)
{
    return kind == MCS_CONNECT_INITIAL || kind == MCS_ERECT_DOMAIN ||
           kind == MCS_ATTACH_USER_REQUEST || kind == MCS_CHANNEL_JOIN_REQUEST ||
           kind == MCS_DISCONNECT_ULTIMATUM;
}

/*
 * Rebuild the Client Info PDU and send it; the credential is wiped either
 * way, and a token that could not be sent is revoked.
 */
static credssp_error
inject_info(struct gw_conn *c, const uint8_t *frame, size_t len)
{
    struct cssp_writer w;
    struct gw_info_seen seen;
    struct gw_info_inject inj;
    credssp_error ret = CREDSSP_E_STATE;

    cssp_writer_init(&w, GW_TPKT_MAX, true);
    if (c->inject != NULL) {
        inj.domain = c->gw->opt.session != NULL ? c->gw->opt.session : "";
        inj.user = c->local_user;
        inj.password = credssp_secret_data(c->inject);
        inj.password_len = credssp_secret_len(c->inject);
        ret = gw_info_rewrite(frame, len, &inj, &w, &seen);
    }
    if (ret == CREDSSP_OK)
        ret = gw_back_write(c, w.buf, w.len);
    cssp_writer_release(&w);
    gw_inject_drop(c, ret == CREDSSP_OK);
    return ret;
}

/* Send what is left in q as it is, and empty it. */
static credssp_error
pass_rest(struct gw_conn *c, struct fe_queue *q, bool up)
{
    size_t n = fe_queue_pending(q);
    credssp_error ret = CREDSSP_OK;

    if (n > 0)
        ret = up ? gw_back_write(c, fe_queue_data(q), n) : gw_front_write(c, fe_queue_data(q), n);
    fe_queue_consume(q, n);
    return ret;
}

/* Length of the complete TPKT frame at the front of q: 0 while incomplete. */
static credssp_error
next_frame(const struct fe_queue *q, size_t *flen_out)
{
    size_t avail = fe_queue_pending(q), flen = 0;
    credssp_error ret = x224_tpkt_frame_len(fe_queue_data(q), avail, GW_TPKT_MAX, &flen);

    *flen_out = 0;
    if (ret == CREDSSP_E_TRUNCATED || (ret == CREDSSP_OK && avail < flen))
        return CREDSSP_OK;
    if (ret == CREDSSP_OK)
        *flen_out = flen;
    return ret;
}

/* Client frames before (and including) the Client Info PDU. */
static void
up_frames(struct gw_conn *c)
{
    while (c->state == GS_RELAY && !c->up_open) {
        const uint8_t *p = fe_queue_data(&c->up);
        struct mcs_pdu pdu;
        bool is_info = false;
        size_t flen = 0;
        credssp_error ret = next_frame(&c->up, &flen);

        if (ret != CREDSSP_OK || flen == 0) {
            if (ret != CREDSSP_OK)
                gw_conn_finish(c, "client_protocol", "framing", NULL);
            return;
        }
        ret = mcs_parse(p, flen, &pdu);
        if (ret == CREDSSP_OK && pdu.kind == MCS_SEND_DATA_REQUEST) {
            ret = gw_info_detect(p, flen, &is_info);
            if (ret == CREDSSP_OK && !is_info)
                ret = CREDSSP_E_UNEXPECTED;
        } else if (ret == CREDSSP_OK && !allowed_before_info(pdu.kind)) {
            ret = CREDSSP_E_UNEXPECTED;
        }
        if (ret != CREDSSP_OK) {
            gw_conn_finish(c, "client_protocol", credssp_error_name(ret), NULL);
            return;
        }
        ret = is_info ? inject_info(c, p, flen) : gw_back_write(c, p, flen);
        fe_queue_consume(&c->up, flen);
        if (ret == CREDSSP_OK && is_info) {
            c->up_open = true;
            ret = pass_rest(c, &c->up, true);
            fe_queue_free(&c->up);
            gw_conn_relay_open(c);
        }
        if (ret != CREDSSP_OK) {
            gw_conn_finish(c, is_info ? "client_info" : credssp_error_name(ret),
                           credssp_error_name(ret), NULL);
            return;
        }
    }
}

/* xrdp's first frame: the Connect Response. */
static void
down_frames(struct gw_conn *c)
{
    struct cssp_writer w;
    uint32_t old = 0;
    size_t flen = 0;
    credssp_error ret = next_frame(&c->down, &flen);

    if (ret == CREDSSP_OK && flen == 0)
        return;
    cssp_writer_init(&w, GW_TPKT_MAX, false);
    if (ret == CREDSSP_OK)
        ret = gw_mcs_fix_connect_response(fe_queue_data(&c->down), flen, c->xcr.requested, &w,
                                          &old);
    if (ret != CREDSSP_OK) {
        cssp_writer_release(&w);
        gw_conn_finish(c, "backend_protocol", "connect_response", NULL);
        return;
    }
    ret = gw_front_write(c, w.buf, w.len);
    cssp_writer_release(&w);
    fe_queue_consume(&c->down, flen);
    c->down_open = true;
    if (ret == CREDSSP_OK)
        ret = pass_rest(c, &c->down, false);
    fe_queue_free(&c->down);
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, credssp_error_name(ret), "client_queue", NULL);
        return;
    }
    gw_conn_relay_open(c);
}

void
gw_relay_up(struct gw_conn *c, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (c->up_open) {
        ret = gw_back_write(c, data, len);
        if (ret != CREDSSP_OK)
            gw_conn_finish(c, c->up_open ? "ok" : credssp_error_name(ret), "backend_queue", NULL);
        return;
    }
    ret = fe_queue_append(&c->up, data, len);
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, "client_protocol", credssp_error_name(ret), NULL);
        return;
    }
    up_frames(c);
}

void
gw_relay_down(struct gw_conn *c, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (c->down_open) {
        ret = gw_front_write(c, data, len);
        if (ret != CREDSSP_OK)
            gw_conn_finish(c, c->up_open ? "ok" : credssp_error_name(ret), "client_queue", NULL);
        return;
    }
    ret = fe_queue_append(&c->down, data, len);
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, "backend_protocol", credssp_error_name(ret), NULL);
        return;
    }
    down_frames(c);
}

void
gw_relay_start(struct gw_conn *c)
{
    up_frames(c);
}
