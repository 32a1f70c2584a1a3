/*
 * cssp_client_buf.c - the test client's byte queue (output to send, input
 * not yet framed).  Append at the end, consume from the front; wiped on free
 * because authInfo passes through it.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cssp_client_int.h"

/* Append n bytes, growing the buffer geometrically. */
credssp_error
cli_buf_append(struct cli_buf *b, const void *p, size_t n)
{
    uint8_t *nb = NULL;
    size_t cap;

    if (n == 0)
        return CREDSSP_OK;
    if (b->len + n < b->len)
        return CREDSSP_E_TOO_LARGE;
    if (b->len + n > b->cap) {
        cap = b->cap != 0 ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        nb = malloc(cap);
        if (nb == NULL)
            return CREDSSP_E_NOMEM;
        if (b->len != 0)
            memcpy(nb, b->p, b->len);
        if (b->p != NULL) {
            OPENSSL_cleanse(b->p, b->cap);
            free(b->p);
        }
        b->p = nb;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return CREDSSP_OK;
}

/* Drop the first n bytes (all of them when n >= len). */
void
cli_buf_consume(struct cli_buf *b, size_t n)
{
    if (n >= b->len) {
        if (b->p != NULL)
            OPENSSL_cleanse(b->p, b->len);
        b->len = 0;
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
    OPENSSL_cleanse(b->p + b->len, n);
}

/* Wipe and free the storage; the queue is empty and reusable. */
void
cli_buf_clear(struct cli_buf *b)
{
    if (b == NULL)
        return;
    if (b->p != NULL) {
        OPENSSL_cleanse(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}
