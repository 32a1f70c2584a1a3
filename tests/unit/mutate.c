/*
 * mutate.c - systematic hostile variants of a valid message (see mutate.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mutate.h"

static const uint8_t insert_set[] = {0x00, 0x01, 0x02, 0x04, 0x30, 0x7f, 0x80, 0x81, 0x82,
                                     0x84, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xff};

/* Hand cb an exact-size heap copy of a[0..alen) ‖ b[0..blen) ‖ c[0..clen). */
static void
emit3(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
      mutate_cb cb, void *ctx)
{
    size_t len = alen + blen + clen;
    uint8_t *buf = malloc(len != 0 ? len : 1);

    if (buf == NULL)
        abort();
    if (alen != 0)
        memcpy(buf, a, alen);
    if (blen != 0)
        memcpy(buf + alen, b, blen);
    if (clen != 0)
        memcpy(buf + alen + blen, c, clen);
    /* A zero-length mutant gets a pointer to nothing readable past it. */
    cb(buf, len, ctx);
    free(buf);
}

size_t
mutate_truncations(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    for (size_t n = 0; n < len; n++)
        emit3(msg, n, NULL, 0, NULL, 0, cb, ctx);
    return len;
}

size_t
mutate_byte_values(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    size_t count = 0;

    for (size_t i = 0; i < len; i++) {
        for (unsigned v = 0; v < 256; v++) {
            uint8_t b = (uint8_t)v;

            if (b == msg[i])
                continue;
            emit3(msg, i, &b, 1, msg + i + 1, len - i - 1, cb, ctx);
            count++;
        }
    }
    return count;
}

size_t
mutate_bit_flips(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    for (size_t i = 0; i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            uint8_t b = (uint8_t)(msg[i] ^ (1u << bit));

            emit3(msg, i, &b, 1, msg + i + 1, len - i - 1, cb, ctx);
        }
    }
    return 8 * len;
}

size_t
mutate_deletions(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    for (size_t i = 0; i < len; i++)
        emit3(msg, i, NULL, 0, msg + i + 1, len - i - 1, cb, ctx);
    return len;
}

size_t
mutate_insertions(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    size_t count = 0;

    for (size_t i = 0; i <= len; i++) {
        for (size_t k = 0; k < sizeof(insert_set); k++) {
            emit3(msg, i, &insert_set[k], 1, msg + i, len - i, cb, ctx);
            count++;
        }
    }
    return count;
}

size_t
mutate_all(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx)
{
    return mutate_truncations(msg, len, cb, ctx) + mutate_byte_values(msg, len, cb, ctx) +
           mutate_bit_flips(msg, len, cb, ctx) + mutate_deletions(msg, len, cb, ctx) +
           mutate_insertions(msg, len, cb, ctx);
}
