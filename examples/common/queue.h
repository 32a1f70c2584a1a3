/*
 * queue.h - a byte queue for one direction of one socket: ciphertext
 * waiting for send(2), or plaintext waiting to be framed (TPKT, T.123 8).
 *
 * Capped at creation; a secure queue wipes every byte it drops (consumed
 * bytes, the old buffer on growth, the buffer on free), because the
 * client-side plaintext carries the Client Info PDU with a password.
 */
#ifndef CSSP_FRONTEND_QUEUE_H
#define CSSP_FRONTEND_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credssp.h"

struct fe_queue {
    uint8_t *buf;
    size_t off;        /* first unconsumed byte */
    size_t len;        /* end of the data */
    size_t cap;        /* allocated */
    size_t max;        /* most pending bytes allowed */
    bool secure;
};

void fe_queue_init(struct fe_queue *q, size_t max, bool secure);
/* Append; CREDSSP_E_TOO_LARGE past max, CREDSSP_E_NOMEM. */
credssp_error fe_queue_append(struct fe_queue *q, const uint8_t *data, size_t len);
/* Pending bytes and a borrowed view of them (valid until the next call). */
size_t fe_queue_pending(const struct fe_queue *q);
const uint8_t *fe_queue_data(const struct fe_queue *q);
/* Drop n bytes from the front (wiped when secure). */
void fe_queue_consume(struct fe_queue *q, size_t n);
/* Wipe (when secure) and free; the queue stays usable. */
void fe_queue_free(struct fe_queue *q);

#endif /* CSSP_FRONTEND_QUEUE_H */
