/*
 * queue.h - a byte queue for one direction of one socket: ciphertext
 * waiting for send(2), or plaintext waiting to be framed (TPKT, T.123 8).
 *
 * Capped at creation; a secure queue wipes every byte it drops (consumed
 * bytes, the old buffer on growth, the buffer on free), because the
 * client-side plaintext carries the Client Info PDU with a password.
 */
#ifndef CSSP_GATEWAY_QUEUE_H
#define CSSP_GATEWAY_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credssp.h"

struct gw_queue {
    uint8_t *buf;
    size_t off;        /* first unconsumed byte */
    size_t len;        /* end of the data */
    size_t cap;        /* allocated */
    size_t max;        /* most pending bytes allowed */
    bool secure;
};

void gw_queue_init(struct gw_queue *q, size_t max, bool secure);
/* Append; CREDSSP_E_TOO_LARGE past max, CREDSSP_E_NOMEM. */
credssp_error gw_queue_append(struct gw_queue *q, const uint8_t *data, size_t len);
/* Pending bytes and a borrowed view of them (valid until the next call). */
size_t gw_queue_pending(const struct gw_queue *q);
const uint8_t *gw_queue_data(const struct gw_queue *q);
/* Drop n bytes from the front (wiped when secure). */
void gw_queue_consume(struct gw_queue *q, size_t n);
/* Wipe (when secure) and free; the queue stays usable. */
void gw_queue_free(struct gw_queue *q);

#endif /* CSSP_GATEWAY_QUEUE_H */
