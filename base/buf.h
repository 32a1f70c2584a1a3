/*
 * buf.h - the one bounded reader and the one bounded writer.
 *
 * Every parser in the library reads through struct cssp_reader and every
 * encoder writes through struct cssp_writer; no other code indexes wire
 * buffers.  Both carry a sticky error: the first failure is kept, every
 * later read returns zeros / NULL and every later write is dropped, so a
 * decoder reads a whole structure and checks the status once.
 * (Model: MIT krb5 k5-input.h / k5-buf.h, OpenSSH sshbuf, s2n stuffer.)
 */
#ifndef CSSP_BUF_H
#define CSSP_BUF_H

#include "internal.h"

struct cssp_reader {
    const uint8_t *p;     /* next unread byte */
    size_t left;          /* bytes remaining in this view */
    credssp_error err;    /* sticky; CREDSSP_OK while healthy */
    unsigned flags;       /* CSSP_READ_*; inherited by child views */
};

/*
 * Interop tolerances, off unless a decoder is asked for them (see
 * docs/INTEROP.md: rdesktop 1.9 sends both).
 *   CSSP_READ_BER_LENGTHS  accept non-minimal definite lengths (a leading
 *                          zero octet, or the long form below 128); still
 *                          definite, still at most 4 octets, still capped.
 *   CSSP_READ_STRIP_NUL    drop one UTF-16 NUL terminating a credential string.
 */
#define CSSP_READ_BER_LENGTHS 0x01u
#define CSSP_READ_STRIP_NUL 0x02u

void cssp_reader_init(struct cssp_reader *r, const void *data, size_t len);
/* Record err unless an error is already recorded; always returns false. */
bool cssp_reader_fail(struct cssp_reader *r, credssp_error err);
static inline bool cssp_reader_ok(const struct cssp_reader *r) { return r->err == CREDSSP_OK; }
/* Split off the next n bytes as a child view (CREDSSP_E_TRUNCATED if short). */
bool cssp_reader_sub(struct cssp_reader *r, size_t n, struct cssp_reader *child_out);
/* View of the next n bytes, advancing; NULL (and sticky error) if short. */
const uint8_t *cssp_read_bytes(struct cssp_reader *r, size_t n);
uint8_t cssp_read_u8(struct cssp_reader *r);
uint16_t cssp_read_u16le(struct cssp_reader *r);
uint16_t cssp_read_u16be(struct cssp_reader *r);
uint32_t cssp_read_u32le(struct cssp_reader *r);
uint32_t cssp_read_u32be(struct cssp_reader *r);
uint64_t cssp_read_u64le(struct cssp_reader *r);
/* Peek without consuming; 0 past the end (no error recorded). */
uint8_t cssp_reader_peek_u8(const struct cssp_reader *r);
/* Require the view to be fully consumed (else CREDSSP_E_TRAILING); returns ok. */
bool cssp_reader_end(struct cssp_reader *r);
/* Propagate a child's error into its parent; returns parent ok. */
bool cssp_reader_merge(struct cssp_reader *parent, const struct cssp_reader *child);

struct cssp_writer {
    uint8_t *buf;
    size_t len;           /* bytes written */
    size_t cap;           /* bytes allocated */
    size_t max;           /* hard cap: writing past it is CREDSSP_E_TOO_LARGE */
    bool secure;          /* wipe every buffer it drops (holds secrets) */
    credssp_error err;    /* sticky */
};

/* max is the hard cap; secure wipes on growth and release. */
void cssp_writer_init(struct cssp_writer *w, size_t max, bool secure);
bool cssp_writer_fail(struct cssp_writer *w, credssp_error err);
static inline bool cssp_writer_ok(const struct cssp_writer *w) { return w->err == CREDSSP_OK; }
void cssp_write_bytes(struct cssp_writer *w, const void *p, size_t n);
void cssp_write_u8(struct cssp_writer *w, uint8_t v);
void cssp_write_u16le(struct cssp_writer *w, uint16_t v);
void cssp_write_u16be(struct cssp_writer *w, uint16_t v);
void cssp_write_u32le(struct cssp_writer *w, uint32_t v);
void cssp_write_u32be(struct cssp_writer *w, uint32_t v);
/* Reserve n bytes and return a pointer to them (NULL on error); valid until the next write. */
uint8_t *cssp_write_reserve(struct cssp_writer *w, size_t n);
/* Insert n bytes at offset off, shifting the tail (used for DER length fix-ups). */
void cssp_write_insert(struct cssp_writer *w, size_t off, const void *p, size_t n);
/*
 * Hand the buffer to the caller (free with free(), or cssp_wipe_free() when
 * secure) and reset the writer.  On a recorded error frees and returns it.
 */
CSSP_WUR credssp_error cssp_writer_take(struct cssp_writer *w, uint8_t **out, size_t *len_out);
/* Drop the buffer (wiped when secure). NULL-safe on w->buf. */
void cssp_writer_release(struct cssp_writer *w);

/* OPENSSL_cleanse then free; NULL-safe. */
void cssp_wipe_free(void *p, size_t len);

#endif /* CSSP_BUF_H */
