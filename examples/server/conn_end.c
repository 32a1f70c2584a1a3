/*
 * conn_end.c - the ending of a credssp-server connection after CredSSP
 * (conn.c has the state machine's overview): the configured ending queued
 * into the TLS session (DisconnectProviderUltimatum, MS-RDPBCGR 2.2.2.3; X.224
 * Disconnect Request; close_notify; bare close), and for --ending mcs the
 * answers to the client's MCS domain set-up (mcs.c) until it reaches
 * licensing, then the DPUm.  The decrypted bytes it buffers carry the Client
 * Info PDU with the password: they are wiped on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "conn_int.h"

#define APP_MAX (2u * MCS_MAX_FRAME)

/* Writer adapters for app_pdu (one per ending PDU the server sends). */
static void
build_dpum(struct cssp_writer *w, const void *arg)
{
    (void)arg;
    x224_write_dpum(w, X224_DPUM_USER_REQUESTED);
}

static void
build_connect_response(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    mcs_write_connect_response(w, c->cr.requested, c->mcs_channels);
}

static void
build_auc(struct cssp_writer *w, const void *arg)
{
    (void)arg;
    mcs_write_attach_user_confirm(w);
}

static void
build_cjc(struct cssp_writer *w, const void *arg)
{
    mcs_write_channel_join_confirm(w, *(const uint16_t *)arg);
}

static void
build_dr(struct cssp_writer *w, const void *arg)
{
    const struct conn *c = arg;

    x224_write_dr(w, c->cr.src_ref, 0x1234u);
}

/* Queue the configured ending into the TLS session (MS-RDPBCGR 2.2.2.3 / X.224 DR). */
void
queue_ending(struct conn *c)
{
    credssp_error ret = CREDSSP_OK;
    enum server_ending e = c->srv->opt.ending;

    switch (e) {
    case ENDING_DPUM:
        ret = app_pdu(c, build_dpum, NULL);
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_DR:
        ret = app_pdu(c, build_dr, c);
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_NOTIFY:
        credssp_engine_shutdown(c->eng);
        break;
    case ENDING_CLOSE:
        c->abortive_close = true;
        break;
    case ENDING_MCS:
        break;                                  /* mcs_input() ends it later */
    }
    if (ret != CREDSSP_OK)
        fprintf(stderr, "credssp-server: %s: ending PDU: %s\n", c->rep.peer,
                credssp_strerror(ret));
    c->rep.ending = server_ending_name(e);
}

/* --ending mcs: say goodbye with a DPUm (rn-user-requested), close_notify, FIN. */
static void
end_mcs(struct conn *c)
{
    (void)app_pdu(c, build_dpum, NULL);
    credssp_engine_shutdown(c->eng);
    (void)drain_engine(c);
    enter_flush(c);
}

/* Answer one MCS PDU; false when the set-up is over (or went wrong). */
static bool
mcs_answer(struct conn *c, const uint8_t *frame, size_t len)
{
    struct mcs_pdu pdu;
    credssp_error ret = mcs_parse(frame, len, &pdu);

    if (ret != CREDSSP_OK)
        return false;
    switch (pdu.kind) {
    case MCS_CONNECT_INITIAL:
        c->mcs_channels = pdu.channel_count;
        return app_pdu(c, build_connect_response, c) == CREDSSP_OK;
    case MCS_ERECT_DOMAIN:
        return true;
    case MCS_ATTACH_USER_REQUEST:
        return app_pdu(c, build_auc, NULL) == CREDSSP_OK;
    case MCS_CHANNEL_JOIN_REQUEST:
        return app_pdu(c, build_cjc, &pdu.channel_id) == CREDSSP_OK;
    case MCS_DISCONNECT_ULTIMATUM:
        close_now(c);
        return false;
    default:                                    /* Client Info / licensing: goodbye */
        return false;
    }
}

/*
 * Append to c->app.  The client's next PDUs include the Client Info PDU with
 * its password: the buffer grows by copy + wipe + free, never realloc (which
 * may free the old block unwiped).  False when the cap or memory ran out.
 */
static bool
app_append(struct conn *c, const uint8_t *p, size_t n)
{
    uint8_t *nb;
    size_t cap;

    if (c->app_len + n > APP_MAX)
        return false;
    if (c->app_len + n > c->app_cap) {
        cap = c->app_cap < READ_CHUNK ? READ_CHUNK : c->app_cap;
        while (cap < c->app_len + n)
            cap *= 2;
        nb = malloc(cap);
        if (nb == NULL)
            return false;
        if (c->app_len > 0)
            memcpy(nb, c->app, c->app_len);
        OPENSSL_clear_free(c->app, c->app_cap);
        c->app = nb;
        c->app_cap = cap;
    }
    memcpy(c->app + c->app_len, p, n);
    c->app_len += n;
    return true;
}

/* Decrypt what arrived after CredSSP into c->app (capped at APP_MAX); false past the cap. */
bool
collect_app(struct conn *c, const uint8_t *data, size_t len)
{
    uint8_t buf[READ_CHUNK];
    size_t n;
    bool ok = true;

    (void)credssp_engine_feed(c->eng, data, len);
    while (ok && (n = credssp_engine_read_app(c->eng, buf, sizeof(buf))) > 0) {
        ok = app_append(c, buf, n);
        OPENSSL_cleanse(buf, n);
    }
    return ok;
}

/* Decrypted application data while in CS_MCS: frame by TPKT and answer. */
void
mcs_input(struct conn *c, const uint8_t *data, size_t len)
{
    if (!collect_app(c, data, len)) {
        end_mcs(c);
        return;
    }
    for (;;) {
        size_t flen = 0;
        credssp_error ret = x224_tpkt_frame_len(c->app, c->app_len, MCS_MAX_FRAME, &flen);

        if (ret == CREDSSP_E_TRUNCATED || (ret == CREDSSP_OK && c->app_len < flen))
            break;
        if (ret != CREDSSP_OK || !mcs_answer(c, c->app, flen)) {
            if (c->state == CS_MCS)
                end_mcs(c);
            return;
        }
        memmove(c->app, c->app + flen, c->app_len - flen);
        c->app_len -= flen;
        OPENSSL_cleanse(c->app + c->app_len, flen);
    }
    (void)drain_engine(c);
    flush(c);
}
