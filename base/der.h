/*
 * der.h - strict DER (X.690 10.1-10.2, 8.3, 8.7) over the bounded reader/writer.
 *
 * Accepted: definite lengths in minimal form only (short form below 128, the
 * fewest long-form octets above), length-of-length at most 4, INTEGERs in
 * minimal two's complement, single-byte tags (the only ones MS-CSSP uses).
 * Every read takes a cap; a longer value is CREDSSP_E_TOO_LARGE.
 *
 * Unknown-tag rule (one rule for every structure): a decoder reads the fields
 * it knows in tag order; a tag that is unknown, repeated or out of order is
 * CREDSSP_E_BAD_TAG.  Nothing is skipped.  A required field missing at the
 * end of its SEQUENCE is CREDSSP_E_TRUNCATED (the value ended too early);
 * bytes left inside an [n] wrapper or after the outermost value are
 * CREDSSP_E_TRAILING.
 *
 * Errors: wrong tag BAD_TAG; indefinite, non-minimal or length-of-length > 4
 * BAD_LENGTH; length over the cap TOO_LARGE; value longer than the bytes
 * left TRUNCATED; empty, non-minimal, over-long or out-of-range INTEGER
 * BAD_INTEGER.
 */
#ifndef CSSP_DER_H
#define CSSP_DER_H

#include "buf.h"

#define CSSP_DER_INTEGER 0x02
#define CSSP_DER_OCTET_STRING 0x04
#define CSSP_DER_SEQUENCE 0x30
#define CSSP_DER_CTX(n) ((uint8_t)(0xA0 | (n)))   /* [n] EXPLICIT, constructed */

/* Tag of the next element, 0 at end of view (never an error). */
uint8_t cssp_der_peek_tag(const struct cssp_reader *r);
/*
 * Read tag (must equal `tag`) and length (<= max), split the contents off as
 * a child view.  False with a sticky error otherwise.
 */
bool cssp_der_read_tlv(struct cssp_reader *r, uint8_t tag, size_t max,
                       struct cssp_reader *content_out);
/* INTEGER into an int64 range check [min,max]. */
bool cssp_der_read_int(struct cssp_reader *r, int64_t min, int64_t max, int64_t *out);
/*
 * An NTSTATUS INTEGER: the 4-byte two's-complement form (02 04 C0 00 00 6D)
 * and the positive 5-byte form (02 05 00 C0 00 00 6D) are both accepted, as
 * is any minimal value in 0..0xFFFFFFFF.
 */
bool cssp_der_read_ntstatus(struct cssp_reader *r, uint32_t *out);
/* OCTET STRING contents as a view into the input. */
bool cssp_der_read_octets(struct cssp_reader *r, size_t max, const uint8_t **p_out,
                          size_t *len_out);
/*
 * Close a SEQUENCE after its known fields: anything left is an unknown,
 * repeated or out-of-order field, CREDSSP_E_BAD_TAG.  Returns ok.
 */
bool cssp_der_seq_end(struct cssp_reader *seq);
/* [n] EXPLICIT INTEGER / OCTET STRING: the wrapper must hold exactly one value. */
bool cssp_der_read_explicit_int(struct cssp_reader *r, unsigned n, int64_t min, int64_t max,
                                int64_t *out);
bool cssp_der_read_explicit_octets(struct cssp_reader *r, unsigned n, size_t max,
                                   const uint8_t **p_out, size_t *len_out);

/* Start a constructed value; returns a mark for cssp_der_end. */
size_t cssp_der_begin(struct cssp_writer *w, uint8_t tag);
/* Close the value started at mark: writes the minimal length. */
void cssp_der_end(struct cssp_writer *w, size_t mark);
void cssp_der_write_int(struct cssp_writer *w, int64_t v);
/*
 * NTSTATUS as the minimal two's complement of its 32-bit signed value: the
 * 4-byte form FreeRDP and Windows expect for every real status (C000006D ->
 * 02 04 C0 00 00 6D).  The 5-byte positive form is never emitted.
 */
void cssp_der_write_ntstatus(struct cssp_writer *w, uint32_t status);
void cssp_der_write_octets(struct cssp_writer *w, const void *p, size_t n);
void cssp_der_write_explicit_int(struct cssp_writer *w, unsigned n, int64_t v);
void cssp_der_write_explicit_octets(struct cssp_writer *w, unsigned n, const void *p,
                                    size_t len);

/* Encoded size of a length field for a value of n bytes. */
size_t cssp_der_length_size(size_t n);

#endif /* CSSP_DER_H */
