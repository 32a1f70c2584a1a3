/*
 * queue.h - a byte queue for one direction of one socket: ciphertext
 * waiting for send(2), or plaintext waiting to be framed (TPKT, T.123 8);
 * and the socket calls around it.  The front ends' one queue.
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
#include <sys/types.h>

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

/*
 * send(2) what is queued on the nonblocking socket fd until the queue is
 * empty or the socket is full: the count sent (consumed from q), or -1 on a
 * socket error.
 */
ssize_t fe_queue_send(struct fe_queue *q, int fd);
/*
 * recv(2) once on a nonblocking socket (EINTR retried): the count read, 0
 * when nothing is waiting, -1 on end of stream or a socket error.
 */
ssize_t fe_recv(int fd, uint8_t *dst, size_t cap);

#endif /* CSSP_FRONTEND_QUEUE_H */
