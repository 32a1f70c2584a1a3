/*
 * buf.c - the bounded reader and the capped writer (see buf.h).
 *
 * Reader: a non-owning view (pointer, bytes left) with a sticky error.  Once
 * an error is recorded the view is emptied, so every later read returns
 * zeros / NULL and every later check fails; a decoder reads a whole
 * structure and tests the status once.
 *
 * Writer: an owned, growing buffer with a hard cap fixed at init.  A secure
 * writer never uses realloc (which could leave a copy of the old contents in
 * freed memory): it allocates, copies, wipes the old buffer and frees it.
 * (Model: MIT krb5 k5-input.h / k5-buf.h, OpenSSH sshbuf, s2n stuffer.)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"

/* The smallest allocation; avoids many tiny growth steps for small messages. */
#define WRITER_MIN_ALLOC 64u

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

void
cssp_reader_init(struct cssp_reader *r, const void *data, size_t len)
{
    r->p = data;
    r->left = len;
    r->err = CREDSSP_OK;
    r->flags = 0;
    if (data == NULL && len != 0)
        cssp_reader_fail(r, CREDSSP_E_INVALID_ARG);
}

bool
cssp_reader_fail(struct cssp_reader *r, credssp_error err)
{
    if (r->err == CREDSSP_OK)
        r->err = err != CREDSSP_OK ? err : CREDSSP_E_INTERNAL;
    /* Empty the view: nothing can be read after an error. */
    r->left = 0;
    return false;
}

bool
cssp_reader_sub(struct cssp_reader *r, size_t n, struct cssp_reader *child_out)
{
    const uint8_t *p = cssp_read_bytes(r, n);

    child_out->p = p;
    child_out->left = p != NULL ? n : 0;
    child_out->err = r->err;
    child_out->flags = r->flags;
    return p != NULL;
}

const uint8_t *
cssp_read_bytes(struct cssp_reader *r, size_t n)
{
    const uint8_t *p;

    if (r->err != CREDSSP_OK)
        return NULL;
    if (n > r->left) {
        cssp_reader_fail(r, CREDSSP_E_TRUNCATED);
        return NULL;
    }
    /* A zero-length view of an empty input still gets a non-NULL pointer. */
    p = r->p != NULL ? r->p : (const uint8_t *)"";
    r->p = p + n;
    r->left -= n;
    return p;
}

uint8_t
cssp_read_u8(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 1);

    return p != NULL ? p[0] : 0;
}

uint16_t
cssp_read_u16le(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 2);

    return p != NULL ? (uint16_t)(p[0] | (p[1] << 8)) : 0;
}

uint16_t
cssp_read_u16be(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 2);

    return p != NULL ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

uint32_t
cssp_read_u32le(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 4);

    if (p == NULL)
        return 0;
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint32_t
cssp_read_u32be(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 4);

    if (p == NULL)
        return 0;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

uint64_t
cssp_read_u64le(struct cssp_reader *r)
{
    const uint8_t *p = cssp_read_bytes(r, 8);
    uint64_t v = 0;

    if (p == NULL)
        return 0;
    for (size_t i = 8; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}

uint8_t
cssp_reader_peek_u8(const struct cssp_reader *r)
{
    if (r->err != CREDSSP_OK || r->left == 0)
        return 0;
    return r->p[0];
}

bool
cssp_reader_end(struct cssp_reader *r)
{
    if (r->err == CREDSSP_OK && r->left != 0)
        cssp_reader_fail(r, CREDSSP_E_TRAILING);
    return r->err == CREDSSP_OK;
}

bool
cssp_reader_merge(struct cssp_reader *parent, const struct cssp_reader *child)
{
    if (child->err != CREDSSP_OK)
        cssp_reader_fail(parent, child->err);
    return parent->err == CREDSSP_OK;
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

void
cssp_writer_init(struct cssp_writer *w, size_t max, bool secure)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->max = max;
    w->secure = secure;
    w->err = CREDSSP_OK;
}

bool
cssp_writer_fail(struct cssp_writer *w, credssp_error err)
{
    if (w->err == CREDSSP_OK)
        w->err = err != CREDSSP_OK ? err : CREDSSP_E_INTERNAL;
    return false;
}

/* Make room for n more bytes.  False (sticky error) on cap or allocation failure. */
static bool
writer_grow(struct cssp_writer *w, size_t n)
{
    size_t need, ncap;
    uint8_t *nbuf;

    if (w->err != CREDSSP_OK)
        return false;
    if (n > w->max || w->len > w->max - n)
        return cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    need = w->len + n;
    if (need <= w->cap)
        return true;
    /* Double, but never beyond the hard cap (need <= max holds here). */
    ncap = w->cap < WRITER_MIN_ALLOC ? WRITER_MIN_ALLOC : w->cap;
    while (ncap < need && ncap <= SIZE_MAX / 2)
        ncap *= 2;
    if (ncap < need)
        ncap = need;
    if (ncap > w->max)
        ncap = w->max;
    if (w->secure) {
        /* Never realloc: it may free the old block without wiping it. */
        nbuf = malloc(ncap);
        if (nbuf == NULL)
            return cssp_writer_fail(w, CREDSSP_E_NOMEM);
        if (w->len != 0)
            memcpy(nbuf, w->buf, w->len);
        if (w->buf != NULL) {
            OPENSSL_cleanse(w->buf, w->cap);
            free(w->buf);
        }
    } else {
        nbuf = realloc(w->buf, ncap);
        if (nbuf == NULL)
            return cssp_writer_fail(w, CREDSSP_E_NOMEM);
    }
    w->buf = nbuf;
    w->cap = ncap;
    return true;
}

uint8_t *
cssp_write_reserve(struct cssp_writer *w, size_t n)
{
    uint8_t *p;

    if (!writer_grow(w, n))
        return NULL;
    if (w->buf == NULL) {
        /* n == 0 on a writer that never allocated: a valid, empty place. */
        static uint8_t empty;

        return &empty;
    }
    p = w->buf + w->len;
    if (n != 0)
        memset(p, 0, n);
    w->len += n;
    return p;
}

void
cssp_write_bytes(struct cssp_writer *w, const void *p, size_t n)
{
    uint8_t *dst;

    if (n == 0)
        return;
    if (p == NULL) {
        cssp_writer_fail(w, CREDSSP_E_INVALID_ARG);
        return;
    }
    dst = cssp_write_reserve(w, n);
    if (dst != NULL)
        memcpy(dst, p, n);
}

void
cssp_write_u8(struct cssp_writer *w, uint8_t v)
{
    cssp_write_bytes(w, &v, 1);
}

void
cssp_write_u16le(struct cssp_writer *w, uint16_t v)
{
    const uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    cssp_write_bytes(w, b, sizeof(b));
}

void
cssp_write_u16be(struct cssp_writer *w, uint16_t v)
{
    const uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

    cssp_write_bytes(w, b, sizeof(b));
}

void
cssp_write_u32le(struct cssp_writer *w, uint32_t v)
{
    const uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

    cssp_write_bytes(w, b, sizeof(b));
}

void
cssp_write_u32be(struct cssp_writer *w, uint32_t v)
{
    const uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

    cssp_write_bytes(w, b, sizeof(b));
}

void
cssp_write_insert(struct cssp_writer *w, size_t off, const void *p, size_t n)
{
    size_t tail;

    if (w->err != CREDSSP_OK || n == 0)
        return;
    if (p == NULL || off > w->len) {
        cssp_writer_fail(w, CREDSSP_E_INTERNAL);
        return;
    }
    tail = w->len - off;
    if (!writer_grow(w, n))
        return;
    memmove(w->buf + off + n, w->buf + off, tail);
    memcpy(w->buf + off, p, n);
    w->len += n;
}

credssp_error
cssp_writer_take(struct cssp_writer *w, uint8_t **out, size_t *len_out)
{
    credssp_error ret = w->err;

    *out = NULL;
    *len_out = 0;
    if (ret != CREDSSP_OK) {
        cssp_writer_release(w);
        return ret;
    }
    if (w->buf == NULL) {
        /* Nothing written: still hand out a valid (empty) allocation. */
        w->buf = malloc(1);
        if (w->buf == NULL) {
            cssp_writer_release(w);
            return CREDSSP_E_NOMEM;
        }
        w->cap = 1;
    }
    /*
     * The bytes past len were never written (growth copies only len bytes and
     * reserve zero-fills), so the caller wiping len bytes wipes every secret.
     */
    *out = w->buf;
    *len_out = w->len;
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    return CREDSSP_OK;
}

void
cssp_writer_release(struct cssp_writer *w)
{
    if (w->buf != NULL) {
        if (w->secure)
            OPENSSL_cleanse(w->buf, w->cap);
        free(w->buf);
    }
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->err = CREDSSP_OK;
}

void
cssp_wipe_free(void *p, size_t len)
{
    if (p == NULL)
        return;
    if (len != 0)
        OPENSSL_cleanse(p, len);
    free(p);
}
