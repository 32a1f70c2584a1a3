/*
 * der.c - strict DER over the bounded reader and writer (see der.h).
 *
 * X.690 10.1 (definite, minimal lengths), 8.3 (INTEGER, minimal two's
 * complement), single-byte tags.  Every failure is a specific credssp_error:
 *   wrong tag ............................. CREDSSP_E_BAD_TAG
 *   indefinite / non-minimal length,
 *   length-of-length above 4 .............. CREDSSP_E_BAD_LENGTH
 *   length above the caller's cap ......... CREDSSP_E_TOO_LARGE
 *   value longer than the bytes left ...... CREDSSP_E_TRUNCATED
 *   empty / non-minimal / out-of-range INTEGER  CREDSSP_E_BAD_INTEGER
 */
#include <string.h>

#include "der.h"

#define DER_MAX_LENGTH_OCTETS 4 /* length-of-length cap: values below 2^32 */
#define DER_INT_MAX_OCTETS 8    /* int64 */

uint8_t
cssp_der_peek_tag(const struct cssp_reader *r)
{
    return cssp_reader_peek_u8(r);
}

/* Read a definite, minimally encoded length.  False with a sticky error. */
static bool
read_length(struct cssp_reader *r, size_t *len_out)
{
    uint8_t first = cssp_read_u8(r);
    size_t n, len = 0;
    const uint8_t *p;

    *len_out = 0;
    if (!cssp_reader_ok(r))
        return false;
    if (first < 0x80) {
        *len_out = first;
        return true;
    }
    n = first & 0x7f;
    if (n == 0 || n > DER_MAX_LENGTH_OCTETS) /* 0x80: indefinite form */
        return cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
    p = cssp_read_bytes(r, n);
    if (p == NULL)
        return false;
    /* Minimal: no leading zero octet, and long form only from 128 on
     * (unless the caller asked for the BER tolerance, buf.h). */
    if (p[0] == 0 && !(r->flags & CSSP_READ_BER_LENGTHS))
        return cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
    for (size_t i = 0; i < n; i++)
        len = (len << 8) | p[i];
    if (len < 0x80 && !(r->flags & CSSP_READ_BER_LENGTHS))
        return cssp_reader_fail(r, CREDSSP_E_BAD_LENGTH);
    *len_out = len;
    return true;
}

bool
cssp_der_read_tlv(struct cssp_reader *r, uint8_t tag, size_t max, struct cssp_reader *content_out)
{
    size_t len;

    /* A failed read leaves an empty child that carries the error. */
    content_out->p = NULL;
    content_out->left = 0;
    content_out->err = r->err;
    content_out->flags = r->flags;
    if (!cssp_reader_ok(r))
        return false;
    if (r->left == 0)
        return cssp_reader_fail(r, CREDSSP_E_TRUNCATED);
    if (cssp_read_u8(r) != tag)
        cssp_reader_fail(r, CREDSSP_E_BAD_TAG);
    else if (read_length(r, &len) && len > max)
        cssp_reader_fail(r, CREDSSP_E_TOO_LARGE);
    else if (cssp_reader_ok(r))
        cssp_reader_sub(r, len, content_out);
    content_out->err = r->err;
    return cssp_reader_ok(r);
}

/*
 * Content octets of a minimally encoded INTEGER.  No cap here: the callers
 * refuse more octets than their type holds as BAD_INTEGER (however long).
 */
static const uint8_t *
read_int_content(struct cssp_reader *r, size_t *len_out)
{
    struct cssp_reader c;
    const uint8_t *p;

    *len_out = 0;
    if (!cssp_der_read_tlv(r, CSSP_DER_INTEGER, SIZE_MAX, &c))
        return NULL;
    if (c.left == 0) {
        cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
        return NULL;
    }
    p = c.p;
    if (c.left > 1 &&
        ((p[0] == 0x00 && (p[1] & 0x80) == 0) || (p[0] == 0xff && (p[1] & 0x80) != 0))) {
        cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
        return NULL;
    }
    *len_out = c.left;
    return p;
}

bool
cssp_der_read_int(struct cssp_reader *r, int64_t min, int64_t max, int64_t *out)
{
    size_t len;
    const uint8_t *p = read_int_content(r, &len);
    uint64_t u;
    int64_t v;

    *out = 0;
    if (p == NULL)
        return false;
    if (len > DER_INT_MAX_OCTETS)
        return cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
    /* Sign-extend, then accumulate the octets. */
    u = (p[0] & 0x80) != 0 ? UINT64_MAX : 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | p[i];
    /* Two's complement reinterpretation without implementation-defined casts. */
    v = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
    if (v < min || v > max)
        return cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
    *out = v;
    return true;
}

bool
cssp_der_read_ntstatus(struct cssp_reader *r, uint32_t *out)
{
    size_t len;
    const uint8_t *p = read_int_content(r, &len);
    const uint8_t *start = p;
    uint32_t v;

    *out = 0;
    if (p == NULL)
        return false;
    if (len == 5) {
        /* 00 + 4 octets: minimality already guarantees p[1] >= 0x80. */
        if (p[0] != 0x00)
            return cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
        p++;
        len--;
    } else if (len > 4) {
        return cssp_reader_fail(r, CREDSSP_E_BAD_INTEGER);
    }
    /* 1..4 octets: two's complement sign-extended to 32 bits (5-octet form: positive). */
    v = (p[0] & 0x80) != 0 && p == start ? UINT32_MAX : 0;
    for (size_t i = 0; i < len; i++)
        v = (v << 8) | p[i];
    *out = v;
    return true;
}

bool
cssp_der_read_octets(struct cssp_reader *r, size_t max, const uint8_t **p_out, size_t *len_out)
{
    struct cssp_reader c;

    *p_out = NULL;
    *len_out = 0;
    if (!cssp_der_read_tlv(r, CSSP_DER_OCTET_STRING, max, &c))
        return false;
    *len_out = c.left;
    *p_out = cssp_read_bytes(&c, c.left);
    return true;
}

bool
cssp_der_seq_end(struct cssp_reader *seq)
{
    if (cssp_reader_ok(seq) && seq->left != 0)
        cssp_reader_fail(seq, CREDSSP_E_BAD_TAG);
    return cssp_reader_ok(seq);
}

/*
 * The [n] EXPLICIT wrapper is not capped itself: its parent bounds it, the
 * value inside carries the cap, and bytes after that value are TRAILING.
 */
bool
cssp_der_read_explicit_int(struct cssp_reader *r, unsigned n, int64_t min, int64_t max,
                           int64_t *out)
{
    struct cssp_reader c;

    *out = 0;
    if (!cssp_der_read_tlv(r, CSSP_DER_CTX(n), SIZE_MAX, &c))
        return false;
    cssp_der_read_int(&c, min, max, out);
    cssp_reader_end(&c);
    if (!cssp_reader_merge(r, &c)) {
        *out = 0;
        return false;
    }
    return true;
}

bool
cssp_der_read_explicit_octets(struct cssp_reader *r, unsigned n, size_t max, const uint8_t **p_out,
                              size_t *len_out)
{
    struct cssp_reader c;

    *p_out = NULL;
    *len_out = 0;
    if (!cssp_der_read_tlv(r, CSSP_DER_CTX(n), SIZE_MAX, &c))
        return false;
    cssp_der_read_octets(&c, max, p_out, len_out);
    cssp_reader_end(&c);
    if (!cssp_reader_merge(r, &c)) {
        *p_out = NULL;
        *len_out = 0;
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

size_t
cssp_der_length_size(size_t n)
{
    size_t k = 1;

    if (n < 0x80)
        return 1;
    while (n != 0) {
        k++;
        n >>= 8;
    }
    return k;
}

/* Encode a length into out (at least 1 + sizeof(size_t) bytes); returns its size. */
static size_t
encode_length(size_t n, uint8_t *out)
{
    size_t k = cssp_der_length_size(n);

    if (k == 1) {
        out[0] = (uint8_t)n;
        return 1;
    }
    out[0] = (uint8_t)(0x80 | (k - 1));
    for (size_t i = k - 1; i > 0; i--) {
        out[i] = (uint8_t)n;
        n >>= 8;
    }
    return k;
}

static bool
length_encodable(struct cssp_writer *w, size_t n)
{
    if (cssp_der_length_size(n) - 1 > DER_MAX_LENGTH_OCTETS)
        return cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    return true;
}

static void
write_header(struct cssp_writer *w, uint8_t tag, size_t n)
{
    uint8_t hdr[1 + 1 + sizeof(size_t)];
    size_t k;

    if (!length_encodable(w, n))
        return;
    hdr[0] = tag;
    k = encode_length(n, hdr + 1);
    cssp_write_bytes(w, hdr, 1 + k);
}

size_t
cssp_der_begin(struct cssp_writer *w, uint8_t tag)
{
    size_t mark = w->len;

    /* Tag and a one-octet placeholder; cssp_der_end widens it if needed. */
    cssp_write_u8(w, tag);
    cssp_write_u8(w, 0);
    return mark;
}

void
cssp_der_end(struct cssp_writer *w, size_t mark)
{
    uint8_t len[1 + sizeof(size_t)];
    size_t n, k;

    if (!cssp_writer_ok(w))
        return;
    if (mark > w->len || w->len - mark < 2) {
        cssp_writer_fail(w, CREDSSP_E_INTERNAL);
        return;
    }
    n = w->len - mark - 2;
    if (!length_encodable(w, n))
        return;
    k = encode_length(n, len);
    w->buf[mark + 1] = len[0];
    /* Long form: shift the contents right to make room for the length octets. */
    if (k > 1)
        cssp_write_insert(w, mark + 2, len + 1, k - 1);
}

void
cssp_der_write_int(struct cssp_writer *w, int64_t v)
{
    uint8_t b[DER_INT_MAX_OCTETS];
    uint64_t u = (uint64_t)v;
    size_t start = 0;

    for (size_t i = DER_INT_MAX_OCTETS; i > 0; i--) {
        b[i - 1] = (uint8_t)u;
        u >>= 8;
    }
    /* Drop leading octets that only repeat the sign (X.690 8.3.2). */
    while (start < DER_INT_MAX_OCTETS - 1 && ((b[start] == 0x00 && (b[start + 1] & 0x80) == 0) ||
                                              (b[start] == 0xff && (b[start + 1] & 0x80) != 0)))
        start++;
    write_header(w, CSSP_DER_INTEGER, DER_INT_MAX_OCTETS - start);
    cssp_write_bytes(w, b + start, DER_INT_MAX_OCTETS - start);
}

void
cssp_der_write_ntstatus(struct cssp_writer *w, uint32_t status)
{
    /* The 32-bit two's-complement value: C000006D -> 02 04 C0 00 00 6D. */
    int64_t v = status >= 0x80000000u ? (int64_t)status - ((int64_t)1 << 32) : status;

    cssp_der_write_int(w, v);
}

void
cssp_der_write_octets(struct cssp_writer *w, const void *p, size_t n)
{
    write_header(w, CSSP_DER_OCTET_STRING, n);
    cssp_write_bytes(w, p, n);
}

void
cssp_der_write_explicit_int(struct cssp_writer *w, unsigned n, int64_t v)
{
    size_t mark = cssp_der_begin(w, CSSP_DER_CTX(n));

    cssp_der_write_int(w, v);
    cssp_der_end(w, mark);
}

void
cssp_der_write_explicit_octets(struct cssp_writer *w, unsigned n, const void *p, size_t len)
{
    size_t mark = cssp_der_begin(w, CSSP_DER_CTX(n));

    cssp_der_write_octets(w, p, len);
    cssp_der_end(w, mark);
}
