/*
 * front.c - the client side of a credssp-gateway connection: the X.224
 * Connection Request and Confirm (MS-RDPBCGR 2.2.1.1 / 2.2.1.2, through the
 * example server's x224.c), then raw TCP bytes into the libcredssp engine
 * (CREDSSP_TLS_ENGINE: TLS and MS-CSSP 3.1.5 inside it).  A failed exchange
 * ends here with the engine's errorCode; a finished one goes to admit.c, and
 * the plaintext that follows it (the RDP stream) to relay.c.
 *
 * The engine runs in deferred mode (docs/ENGINE.md): a step that may block
 * (GSS accept, NTLM lookup, gss_localname) goes to the step pool
 * (examples/common/steppool.c) while the socket is not read; until the pool
 * hands the engine back nothing here touches it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "session.h"
#include "util.h"


/* Copy what a failed exchange established into the report. */
void
gw_front_report_failure(struct gw_conn *c)
{
    const credssp_result *r = credssp_engine_result(c->eng);

    if (r == NULL)
        return;
    c->rep.credssp_version = credssp_result_client_version(r);
    c->rep.mech = credssp_mech_name(credssp_result_mech(r));
    free(c->principal);
    c->principal = credssp_result_principal(r) != NULL ? strdup(credssp_result_principal(r))
                                                       : NULL;
    c->rep.principal = c->principal;
    c->rep.error_code = credssp_result_error_code(r);
}

/* Take the client's plaintext that followed CredSSP into the relay. */
static void
pull_front_plain(struct gw_conn *c)
{
    uint8_t buf[GW_READ_CHUNK];

    while (c->state >= GS_BACK_CONNECT && c->state <= GS_RELAY) {
        size_t n = credssp_engine_read_app(c->eng, buf, sizeof(buf));

        if (gw_drain_engine(c) != CREDSSP_OK) {
            gw_conn_finish(c, credssp_error_name(CREDSSP_E_TOO_LARGE), "client_queue", NULL);
            break;
        }
        if (n == 0)
            break;
        gw_relay_up(c, buf, n);
        OPENSSL_cleanse(buf, n);
    }
}

/* gw_drain_engine for fe_pump_engine. */
static credssp_error
drain_conn(void *c)
{
    return gw_drain_engine(c);
}

/*
 * WANT_STEP: stop reading, hand the engine to the step pool with its back-end
 * deadline (output was queued by fe_pump_engine; the loop sends it).  A full
 * queue ends the connection with outcome "overload".
 */
static void
start_step(struct gw_conn *c)
{
    struct gateway *gw = c->gw;

    if (!step_pool_start(gw->steps, &c->step, c->eng, c, fe_now_ms(),
                         c->start_ms + gw->opt.timeout_ms, gw->opt.admit.step_ms)) {
        gw_conn_conclude(c, "overload", "step_queue", "close");
        gw_conn_close_now(c);
        return;
    }
    c->in_step = true;
    c->step_grace = false;
}

/* Act on what the engine says. */
static void
engine_step(struct gw_conn *c, credssp_status st)
{
    credssp_error err = CREDSSP_OK;

    st = fe_pump_engine(c->eng, drain_conn, c, &err);
    if (st & CREDSSP_WANT_STEP) {
        start_step(c);
    } else if (st & CREDSSP_DONE) {
        gw_admit(c);
        pull_front_plain(c);
    } else if (st & CREDSSP_FAILED) {
        if (err == CREDSSP_OK)
            err = credssp_engine_error(c->eng);
        gw_front_report_failure(c);
        gw_conn_finish(c, credssp_error_name(err != CREDSSP_OK ? err : CREDSSP_E_INTERNAL),
                       NULL, "refused");
    }
}

/* Build a small PDU and queue it raw (before TLS). */
static credssp_error
queue_cc(struct gw_conn *c)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret;

    cssp_writer_init(&w, GW_SMALL_PDU_MAX, false);
    x224_write_cc(&w, c->xcr.src_ref, &c->ans);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK)
        ret = fe_queue_append(&c->front.out, pdu, len);
    free(pdu);
    return ret;
}

/* A complete Connection Request may be buffered: answer it, start CredSSP. */
static void
x224_input(struct gw_conn *c)
{
    size_t flen = 0;
    credssp_error ret = x224_take_cr(c->cr, c->cr_len, sizeof(c->cr), &flen, &c->xcr);

    if (ret == CREDSSP_OK && flen == 0)
        return;                                 /* wait for the rest */
    if (ret != CREDSSP_OK) {
        adm_strike(&c->adm, fe_now_ms());      /* not RDP: costs the source */
        gw_conn_conclude(c, credssp_error_name(ret), "x224", "close");   /* not RDP: no answer */
        gw_conn_close_now(c);
        return;
    }
    c->rep.has_requested = true;
    c->rep.requested = c->xcr.requested;
    c->rep.cookie = c->xcr.has_cookie ? c->xcr.cookie : NULL;
    x224_select(&c->xcr, &c->gw->policy, &c->ans);
    ret = queue_cc(c);
    if (ret == CREDSSP_OK && c->ans.failure) {
        gw_conn_finish(c, "nego_failure", NULL, "refused");
        return;
    }
    if (ret == CREDSSP_OK) {
        c->rep.protocol = x224_protocol_name(c->ans.selected);
        c->cfg_ref = cfgref_take(c->gw->cfg_ref);
        ret = credssp_engine_new(cfgref_config(c->cfg_ref), CREDSSP_TLS_ENGINE, &c->eng);
    }
    if (ret == CREDSSP_OK)
        ret = credssp_engine_set_peer(c->eng, c->rep.peer);
    if (ret != CREDSSP_OK) {
        gw_conn_conclude(c, credssp_error_name(ret), NULL, "close");
        gw_conn_close_now(c);
        return;
    }
    credssp_engine_set_deadline(c->eng, c->start_ms + c->gw->opt.timeout_ms);
    if (c->gw->steps != NULL && credssp_engine_set_deferred(c->eng, 1) != CREDSSP_OK) {
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_INTERNAL), NULL, "close");
        gw_conn_close_now(c);
        return;
    }
    c->state = GS_CREDSSP;
    adm_heard(&c->adm);
    gw_conn_arm_deadline(c);                    /* from now on: --step-timeout per round */
    if (c->cr_len > flen)                       /* ClientHello sent early */
        engine_step(c, credssp_engine_feed(c->eng, c->cr + flen, c->cr_len - flen));
}

/*
 * The step pool handed the engine back: go on as after a feed.  Or it
 * finished the account lookup: admit (unless the deadline refused the login
 * meanwhile; then only the result is wiped).
 */
void
gw_conn_on_step(struct gw_conn *c)
{
    if (c->in_map) {
        c->in_map = false;
        if (c->state == GS_CREDSSP) {
            gw_admit_lookup_done(c);
            pull_front_plain(c);
        } else {
            credssp_result_free(c->result);
            c->result = NULL;
        }
        gw_conn_on_front(c, 0);                 /* send what it queued, read again */
        return;
    }
    c->in_step = false;
    if (c->state != GS_CREDSSP)
        return;                                 /* closed meanwhile: freed by the loop */
    engine_step(c, c->step.status);
    gw_conn_on_front(c, 0);                     /* send what it queued, read again */
}

/* Bytes from the client in the current state. */
static void
front_data(struct gw_conn *c, const uint8_t *data, size_t len)
{
    switch (c->state) {
    case GS_X224:
        c->cr_len += len;                       /* data points into c->cr */
        x224_input(c);
        return;
    case GS_CREDSSP:
        engine_step(c, credssp_engine_feed(c->eng, data, len));
        return;
    case GS_BACK_CONNECT:
    case GS_BACK_X224:
    case GS_BACK_TLS:
    case GS_RELAY:
        if (credssp_engine_feed(c->eng, data, len) & CREDSSP_FAILED) {
            gw_conn_finish(c, c->up_open ? "ok" : credssp_error_name(CREDSSP_E_TLS),
                           credssp_error_name(credssp_engine_error(c->eng)), "client_tls");
            return;
        }
        pull_front_plain(c);
        return;
    default:
        return;                                 /* FLUSH / LINGER: discard */
    }
}

/* The client closed its side (or reset). */
static void
front_eof(struct gw_conn *c)
{
    c->front.eof = true;
    switch (c->state) {
    case GS_X224:
    case GS_CREDSSP:
        if (c->eng != NULL) {
            (void)credssp_engine_feed_eof(c->eng);
            gw_front_report_failure(c);
        }
        gw_conn_conclude(c, credssp_error_name(CREDSSP_E_CLOSED), NULL, "client_closed");
        gw_conn_close_now(c);
        return;
    case GS_BACK_CONNECT:
    case GS_BACK_X224:
    case GS_BACK_TLS:
    case GS_RELAY:
        gw_conn_finish(c, c->up_open ? "ok" : credssp_error_name(CREDSSP_E_CLOSED), NULL,
                       "client_closed");
        return;
    case GS_FLUSH:
        return;
    default:
        gw_conn_close_now(c);
        return;
    }
}

/* Read what the client sent (bounded per event). */
void
gw_front_readable(struct gw_conn *c)
{
    uint8_t buf[GW_READ_CHUNK];

    for (int i = 0;
         i < GW_READS_PER_EVENT && c->state != GS_CLOSED && !c->front.eof && !gw_front_paused(c);
         i++) {
        uint8_t *dst = buf;
        size_t cap = sizeof(buf);
        ssize_t n;

        if (c->state == GS_X224) {
            dst = c->cr + c->cr_len;
            cap = sizeof(c->cr) - c->cr_len;
            if (cap == 0) {
                gw_conn_conclude(c, credssp_error_name(CREDSSP_E_TOO_LARGE), "x224", "close");
                gw_conn_close_now(c);
                return;
            }
        }
        n = fe_recv(c->front.fd, dst, cap);
        if (n == 0)
            return;
        if (n < 0) {
            front_eof(c);
            return;
        }
        front_data(c, dst, (size_t)n);
        if (dst == buf)
            OPENSSL_cleanse(buf, (size_t)n);
    }
}
