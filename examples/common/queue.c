/*
 * queue.c - capped byte queues and the socket calls around them (see queue.h).  Secure queues never use
 * realloc (it could leave a copy behind): they allocate, copy, wipe with
 * OPENSSL_cleanse and free, like the library's secure writer (base/buf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include "queue.h"

#define QUEUE_MIN_ALLOC 4096u

void
fe_queue_init(struct fe_queue *q, size_t max, bool secure)
{
    memset(q, 0, sizeof(*q));
    q->max = max;
    q->secure = secure;
}

/* Move pending bytes to the front, or to a bigger buffer, to fit n more. */
static credssp_error
make_room(struct fe_queue *q, size_t n)
{
    size_t pending = q->len - q->off, want;
    uint8_t *nb;

    if (q->len + n <= q->cap)
        return CREDSSP_OK;
    if (pending + n <= q->cap) {
        memmove(q->buf, q->buf + q->off, pending);
        if (q->secure)
            OPENSSL_cleanse(q->buf + pending, q->cap - pending);
        q->off = 0;
        q->len = pending;
        return CREDSSP_OK;
    }
    want = q->cap < QUEUE_MIN_ALLOC ? QUEUE_MIN_ALLOC : q->cap;
    while (want < pending + n)
        want *= 2;
    nb = malloc(want);
    if (nb == NULL)
        return CREDSSP_E_NOMEM;
    if (pending > 0)
        memcpy(nb, q->buf + q->off, pending);
    if (q->buf != NULL) {
        if (q->secure)
            OPENSSL_cleanse(q->buf, q->cap);
        free(q->buf);
    }
    q->buf = nb;
    q->cap = want;
    q->off = 0;
    q->len = pending;
    return CREDSSP_OK;
}

credssp_error
fe_queue_append(struct fe_queue *q, const uint8_t *data, size_t len)
{
    credssp_error ret;

    if (len == 0)
        return CREDSSP_OK;
    if (data == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (len > q->max || q->len - q->off > q->max - len)
        return CREDSSP_E_TOO_LARGE;
    ret = make_room(q, len);
    if (ret != CREDSSP_OK)
        return ret;
    memcpy(q->buf + q->len, data, len);
    q->len += len;
    return CREDSSP_OK;
}

size_t
fe_queue_pending(const struct fe_queue *q)
{
    return q->len - q->off;
}

const uint8_t *
fe_queue_data(const struct fe_queue *q)
{
    return q->buf != NULL ? q->buf + q->off : NULL;
}

void
fe_queue_consume(struct fe_queue *q, size_t n)
{
    if (n > q->len - q->off)
        n = q->len - q->off;
    if (q->secure && n > 0)
        OPENSSL_cleanse(q->buf + q->off, n);
    q->off += n;
    if (q->off == q->len)
        q->off = q->len = 0;
}

void
fe_queue_free(struct fe_queue *q)
{
    if (q->buf != NULL) {
        if (q->secure)
            OPENSSL_cleanse(q->buf, q->cap);
        free(q->buf);
    }
    q->buf = NULL;
    q->off = q->len = q->cap = 0;
}

ssize_t
fe_queue_send(struct fe_queue *q, int fd)
{
    ssize_t total = 0;

    while (fe_queue_pending(q) > 0) {
        ssize_t n = send(fd, fe_queue_data(q), fe_queue_pending(q), MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            return -1;
        fe_queue_consume(q, (size_t)n);
        total += n;
    }
    return total;
}

ssize_t
fe_recv(int fd, uint8_t *dst, size_t cap)
{
    for (;;) {
        ssize_t n = recv(fd, dst, cap, 0);

        if (n > 0)
            return n;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        return -1;                              /* EOF, or ECONNRESET and friends */
    }
}
