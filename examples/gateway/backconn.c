/*
 * backconn.c - the xrdp side of a credssp-gateway connection, started only
 * after CredSSP succeeded and the logon was admitted: connect (backend.c),
 * X.224 Connection Request with PROTOCOL_SSL and its Confirm
 * (MS-RDPBCGR 2.2.1.1 / 2.2.1.2), the TLS client handshake (backtls.c,
 * optional certificate pin), then decrypted xrdp bytes into relay.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "capture.h"
#include "session.h"

/* The socket is connected: send the Connection Request. */
void
gw_back_connected(struct gw_conn *c)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret;

    c->back.connecting = false;
    cssp_writer_init(&w, GW_SMALL_PDU_MAX, false);
    gw_backend_write_cr(&w);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK) {
        gw_capture_write(c->gw->capture_fd, pdu, len);
        ret = fe_queue_append(&c->back.out, pdu, len);
    }
    free(pdu);
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, credssp_error_name(ret), "backend_x224", NULL);
        return;
    }
    c->state = GS_BACK_X224;
}

/* Connect to xrdp (only ever after a successful CredSSP exchange). */
void
gw_backend_start(struct gw_conn *c)
{
    bool connected = false;
    credssp_error ret = gw_backend_connect(&c->gw->backend, &c->back.fd, &connected);

    c->rep.backend = c->gw->backend.text;
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, "backend_unreachable", strerror(errno), NULL);
        return;
    }
    c->state = GS_BACK_CONNECT;
    c->back.connecting = !connected;
    if (connected)
        gw_back_connected(c);
}

/* Decrypt what xrdp sent and relay it; notice its close_notify. */
static void
back_tls_step(struct gw_conn *c)
{
    uint8_t buf[GW_READ_CHUNK];
    credssp_error ret = CREDSSP_OK;
    bool done = false;

    if (c->state == GS_BACK_TLS) {
        ret = memtls_handshake(c->btls, &done);
        if (ret == CREDSSP_OK)
            ret = gw_drain_back(c);
        if (ret != CREDSSP_OK) {
            gw_conn_finish(c, "backend_tls", credssp_error_name(ret), NULL);
            return;
        }
        if (!done)
            return;
        if (backtls_check_pin(c->btls, c->gw->back_pin) != CREDSSP_OK) {
            gw_conn_finish(c, "backend_tls", "certificate_pin", NULL);
            return;
        }
        c->state = GS_RELAY;
        gw_relay_start(c);
    }
    while (c->state == GS_RELAY) {
        size_t n = 0;

        ret = memtls_read(c->btls, buf, sizeof(buf), &n);
        if (ret == CREDSSP_OK)
            ret = gw_drain_back(c);
        if (ret != CREDSSP_OK || n == 0)
            break;
        gw_relay_down(c, buf, n);
        OPENSSL_cleanse(buf, n);
    }
    if (c->state == GS_RELAY && ret == CREDSSP_E_CLOSED)
        gw_conn_finish(c, c->up_open ? "ok" : "backend_closed", NULL, "backend_closed");
    else if (c->state == GS_RELAY && ret != CREDSSP_OK)
        gw_conn_finish(c, "backend_tls", credssp_error_name(ret), NULL);
}

/* A Connection Confirm may be buffered: check it, start TLS. */
static void
cc_input(struct gw_conn *c)
{
    struct gw_cc cc;
    size_t flen = 0;
    credssp_error ret = gw_backend_parse_cc(c->cc, c->cc_len, &flen, &cc);

    if (ret == CREDSSP_E_TRUNCATED)
        return;
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, "backend_protocol", "x224", NULL);
        return;
    }
    if (!cc.has_neg || cc.failure || cc.value != X224_PROTOCOL_SSL) {
        gw_conn_finish(c, "backend_refused",
                       cc.failure ? "neg_failure" : "not_ssl", NULL);
        return;
    }
    ret = memtls_new(c->gw->back_ctx, false, &c->btls);
    if (ret == CREDSSP_OK)
        ret = memtls_feed(c->btls, c->cc + flen, c->cc_len - flen);
    if (ret != CREDSSP_OK) {
        gw_conn_finish(c, credssp_error_name(ret), "backend_tls", NULL);
        return;
    }
    c->state = GS_BACK_TLS;
    back_tls_step(c);
}

/* Bytes from xrdp in the current state. */
static void
back_data(struct gw_conn *c, const uint8_t *data, size_t len)
{
    switch (c->state) {
    case GS_BACK_X224:
        c->cc_len += len;                       /* data points into c->cc */
        cc_input(c);
        return;
    case GS_BACK_TLS:
    case GS_RELAY:
        if (memtls_feed(c->btls, data, len) != CREDSSP_OK) {
            gw_conn_finish(c, credssp_error_name(CREDSSP_E_NOMEM), "backend_tls", NULL);
            return;
        }
        back_tls_step(c);
        return;
    default:
        return;
    }
}

/* Read what xrdp sent (bounded per event). */
void
gw_back_readable(struct gw_conn *c)
{
    uint8_t buf[GW_READ_CHUNK];

    for (int i = 0; i < GW_READS_PER_EVENT && c->back.fd >= 0 && !c->back.eof &&
                    c->state != GS_CLOSED; i++) {
        uint8_t *dst = buf;
        size_t cap = sizeof(buf);
        ssize_t n;

        if (c->state == GS_BACK_X224) {
            dst = c->cc + c->cc_len;
            cap = sizeof(c->cc) - c->cc_len;
            if (cap == 0) {
                gw_conn_finish(c, "backend_protocol", "x224", NULL);
                return;
            }
        }
        n = fe_recv(c->back.fd, dst, cap);
        if (n == 0)
            return;
        if (n < 0) {
            c->back.eof = true;
            if (c->state < GS_FLUSH)
                gw_conn_finish(c, c->up_open ? "ok" : "backend_closed",
                               c->state == GS_RELAY ? NULL : "before_relay", "backend_closed");
            return;
        }
        back_data(c, dst, (size_t)n);
        if (dst == buf)
            OPENSSL_cleanse(buf, (size_t)n);
    }
}
