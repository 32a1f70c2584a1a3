/*
 * test_der.c - strict DER reading (base/der.c).
 *
 * Tables of good and bad encodings for lengths, INTEGERs and NTSTATUS, an
 * exhaustive sweep of two-octet length headers (every accepted header must
 * be the unique minimal one), INTEGER round trips, OCTET STRINGs and
 * explicit tags.  Writing (begin/end length fix-ups, mutation sweeps of a
 * nested structure) is tested in test_der_write.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "der.h"

#define MAX_IN 70000

/* Build tag ‖ hdr ‖ pad zero bytes into a fresh exact-size buffer. */
static uint8_t *
make_input(uint8_t tag, const uint8_t *hdr, size_t hlen, size_t pad, size_t *len_out)
{
    uint8_t *buf = calloc(1, 1 + hlen + pad);

    assert_non_null(buf);
    buf[0] = tag;
    memcpy(buf + 1, hdr, hlen);
    *len_out = 1 + hlen + pad;
    return buf;
}

struct len_case {
    uint8_t hdr[10];
    size_t hlen;
    size_t pad; /* content bytes actually present */
    size_t max;
    credssp_error err;
    size_t want_len;
};

static void
test_length_table(void **state)
{
    static const struct len_case cases[] = {
        {{0x00}, 1, 0, 100, CREDSSP_OK, 0},
        {{0x7f}, 1, 127, 1000, CREDSSP_OK, 127},
        {{0x81, 0x80}, 2, 128, 1000, CREDSSP_OK, 128},
        {{0x81, 0xff}, 2, 255, 1000, CREDSSP_OK, 255},
        {{0x82, 0x01, 0x00}, 3, 256, 1000, CREDSSP_OK, 256},
        {{0x82, 0xff, 0xff}, 3, 65535, 65535, CREDSSP_OK, 65535},
        {{0x83, 0x01, 0x00, 0x00}, 4, 65536, 65536, CREDSSP_OK, 65536},
        /* non-minimal: long form below 128, leading zero octets */
        {{0x81, 0x7f}, 2, 127, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x81, 0x00}, 2, 0, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x81, 0x01}, 2, 1, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x82, 0x00, 0x80}, 3, 128, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x82, 0x00, 0xff}, 3, 255, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x83, 0x00, 0x01, 0x00}, 4, 256, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x84, 0x00, 0x00, 0x00, 0x05}, 5, 5, 1000, CREDSSP_E_BAD_LENGTH, 0},
        /* indefinite form, with and without end-of-contents octets */
        {{0x80}, 1, 0, 1000, CREDSSP_E_BAD_LENGTH, 0},
        {{0x80, 0x01, 0x00, 0x00}, 4, 0, 1000, CREDSSP_E_BAD_LENGTH, 0},
        /* length-of-length over 4, and the reserved 0xff */
        {{0x85, 0x01, 0x00, 0x00, 0x00, 0x00}, 6, 0, SIZE_MAX, CREDSSP_E_BAD_LENGTH, 0},
        {{0x88, 0x01, 0, 0, 0, 0, 0, 0, 0}, 9, 0, SIZE_MAX, CREDSSP_E_BAD_LENGTH, 0},
        {{0xff}, 1, 0, SIZE_MAX, CREDSSP_E_BAD_LENGTH, 0},
        /* over the cap (checked before the bytes left) */
        {{0x84, 0xff, 0xff, 0xff, 0xff}, 5, 0, 65535, CREDSSP_E_TOO_LARGE, 0},
        {{0x03}, 1, 3, 2, CREDSSP_E_TOO_LARGE, 0},
        {{0x82, 0x01, 0x00}, 3, 256, 255, CREDSSP_E_TOO_LARGE, 0},
        /* truncated: content, length octets, missing length */
        {{0x84, 0x01, 0x00, 0x00, 0x00}, 5, 0, SIZE_MAX, CREDSSP_E_TRUNCATED, 0},
        {{0x05}, 1, 4, 100, CREDSSP_E_TRUNCATED, 0},
        {{0x82, 0x01}, 2, 0, 1000, CREDSSP_E_TRUNCATED, 0},
        {{0}, 0, 0, 1000, CREDSSP_E_TRUNCATED, 0},
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(cases); i++) {
        const struct len_case *c = &cases[i];
        struct cssp_reader r, content;
        size_t len;
        uint8_t *in = make_input(CSSP_DER_OCTET_STRING, c->hdr, c->hlen, c->pad, &len);
        bool ok;

        cssp_reader_init(&r, in, len);
        ok = cssp_der_read_tlv(&r, CSSP_DER_OCTET_STRING, c->max, &content);
        if (r.err != c->err)
            fail_msg("case %zu: got %s, want %s", i, credssp_error_name(r.err),
                     credssp_error_name(c->err));
        assert_int_equal(ok, c->err == CREDSSP_OK);
        if (ok) {
            assert_int_equal(content.left, c->want_len);
            assert_ptr_equal(content.p, in + 1 + c->hlen);
            assert_true(cssp_reader_end(&r));
        } else {
            /* the failed child is empty and carries the error */
            assert_int_equal(content.left, 0);
            assert_int_equal(content.err, c->err);
        }
        free(in);
    }
}

/*
 * Every header 04 b1 b2 b3 (b1, b2 exhaustive, b3 from a sample) followed by
 * enough content: an accepted header must be exactly what the writer emits
 * for that length (DER lengths are unique), and a refused one must fail
 * with a length error.
 */
static void
test_length_exhaustive(void **state)
{
    static const uint8_t b3s[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    uint8_t *in = calloc(1, 4 + 65536);
    size_t accepted = 0;

    (void)state;
    assert_non_null(in);
    in[0] = CSSP_DER_OCTET_STRING;
    for (unsigned b1 = 0; b1 < 256; b1++) {
        for (unsigned b2 = 0; b2 < 256; b2++) {
            for (size_t k = 0; k < sizeof(b3s); k++) {
                struct cssp_reader r, c;
                struct cssp_writer w;
                size_t hdr_len;

                in[1] = (uint8_t)b1;
                in[2] = (uint8_t)b2;
                in[3] = b3s[k];
                cssp_reader_init(&r, in, 4 + 65535);
                if (!cssp_der_read_tlv(&r, CSSP_DER_OCTET_STRING, SIZE_MAX, &c)) {
                    assert_true(r.err == CREDSSP_E_BAD_LENGTH || r.err == CREDSSP_E_TRUNCATED);
                    continue;
                }
                accepted++;
                hdr_len = (size_t)(c.p - in);
                cssp_writer_init(&w, SIZE_MAX, false);
                cssp_der_write_octets(&w, c.p, c.left);
                assert_true(cssp_writer_ok(&w));
                assert_int_equal(hdr_len, 1 + cssp_der_length_size(c.left));
                assert_memory_equal(w.buf, in, hdr_len);
                cssp_writer_release(&w);
            }
        }
    }
    /* 128 short forms, 128 one-octet long forms, 255 two-octet ones, per b2/b3. */
    assert_int_equal(accepted, (128 * 256 + 128 + 255) * sizeof(b3s));
    free(in);
}

static void
test_tlv_tag_and_empty(void **state)
{
    static const uint8_t in[] = {0x30, 0x00};
    struct cssp_reader r, c;

    (void)state;
    cssp_reader_init(&r, in, sizeof(in));
    assert_false(cssp_der_read_tlv(&r, CSSP_DER_OCTET_STRING, 10, &c));
    assert_int_equal(r.err, CREDSSP_E_BAD_TAG);

    cssp_reader_init(&r, in, 0);
    assert_int_equal(cssp_der_peek_tag(&r), 0);
    assert_false(cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, 10, &c));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);

    cssp_reader_init(&r, in, sizeof(in));
    assert_int_equal(cssp_der_peek_tag(&r), CSSP_DER_SEQUENCE);
    assert_true(cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, 0, &c));
    assert_int_equal(c.left, 0);
    assert_int_equal(cssp_der_peek_tag(&r), 0);
    assert_true(cssp_reader_end(&r));

    /* After an error nothing more is read, and peek says "end". */
    cssp_reader_init(&r, in, sizeof(in));
    cssp_reader_fail(&r, CREDSSP_E_BAD_LENGTH);
    assert_int_equal(cssp_der_peek_tag(&r), 0);
    assert_false(cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, 10, &c));
    assert_int_equal(r.err, CREDSSP_E_BAD_LENGTH);
    assert_int_equal(c.err, CREDSSP_E_BAD_LENGTH);
}

struct int_case {
    uint8_t in[12];
    size_t len;
    int64_t min, max;
    credssp_error err;
    int64_t want;
};

static void
test_int_table(void **state)
{
    static const struct int_case cases[] = {
        {{0x02, 0x01, 0x00}, 3, INT64_MIN, INT64_MAX, CREDSSP_OK, 0},
        {{0x02, 0x01, 0x7f}, 3, INT64_MIN, INT64_MAX, CREDSSP_OK, 127},
        {{0x02, 0x02, 0x00, 0x80}, 4, INT64_MIN, INT64_MAX, CREDSSP_OK, 128},
        {{0x02, 0x01, 0x80}, 3, INT64_MIN, INT64_MAX, CREDSSP_OK, -128},
        {{0x02, 0x02, 0xff, 0x7f}, 4, INT64_MIN, INT64_MAX, CREDSSP_OK, -129},
        {{0x02, 0x01, 0xff}, 3, INT64_MIN, INT64_MAX, CREDSSP_OK, -1},
        {{0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
         10,
         INT64_MIN,
         INT64_MAX,
         CREDSSP_OK,
         INT64_MAX},
        {{0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10, INT64_MIN, INT64_MAX, CREDSSP_OK, INT64_MIN},
        /* non-minimal */
        {{0x02, 0x02, 0x00, 0x7f}, 4, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x02, 0x00, 0x00}, 4, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x02, 0xff, 0x80}, 4, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x02, 0xff, 0xff}, 4, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x03, 0x00, 0x00, 0x01}, 5, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        /* empty, too long for int64 */
        {{0x02, 0x00}, 2, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0},
         11,
         INT64_MIN,
         INT64_MAX,
         CREDSSP_E_BAD_INTEGER,
         0},
        {{0x02, 0x09, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0},
         11,
         INT64_MIN,
         INT64_MAX,
         CREDSSP_E_BAD_INTEGER,
         0},
        /* range */
        {{0x02, 0x01, 0x06}, 3, 1, 255, CREDSSP_OK, 6},
        {{0x02, 0x01, 0x00}, 3, 1, 255, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x02, 0x01, 0x00}, 4, 1, 255, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x01, 0xff}, 3, 0, 255, CREDSSP_E_BAD_INTEGER, 0},
        /* framing */
        {{0x04, 0x01, 0x00}, 3, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_TAG, 0},
        {{0x02, 0x02, 0x01}, 3, INT64_MIN, INT64_MAX, CREDSSP_E_TRUNCATED, 0},
        {{0x02, 0x81, 0x01, 0x01}, 4, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_LENGTH, 0},
        {{0x02, 0x80, 0x01, 0x00, 0x00}, 5, INT64_MIN, INT64_MAX, CREDSSP_E_BAD_LENGTH, 0},
        {{0x02, 0x81, 0x80}, 3, INT64_MIN, INT64_MAX, CREDSSP_E_TRUNCATED, 0},
    };
    uint8_t *longer = calloc(1, 3 + 200);

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(cases); i++) {
        const struct int_case *c = &cases[i];
        struct cssp_reader r;
        int64_t v = 12345;

        cssp_reader_init(&r, c->in, c->len);
        assert_int_equal(cssp_der_read_int(&r, c->min, c->max, &v), c->err == CREDSSP_OK);
        if (r.err != c->err)
            fail_msg("int case %zu: got %s, want %s", i, credssp_error_name(r.err),
                     credssp_error_name(c->err));
        assert_true(v == c->want);
        if (c->err == CREDSSP_OK)
            assert_true(cssp_reader_end(&r));
    }
    /* However long, an INTEGER that does not fit is BAD_INTEGER, not a size error. */
    assert_non_null(longer);
    longer[0] = CSSP_DER_INTEGER;
    longer[1] = 0x81;
    longer[2] = 200;
    longer[3] = 0x01;
    {
        struct cssp_reader r;
        int64_t v = 1;

        cssp_reader_init(&r, longer, 3 + 200);
        assert_false(cssp_der_read_int(&r, INT64_MIN, INT64_MAX, &v));
        assert_int_equal(r.err, CREDSSP_E_BAD_INTEGER);
        assert_true(v == 0);
    }
    free(longer);
}

/* Octets a minimal two's-complement encoding of v needs. */
static size_t
min_int_octets(int64_t v)
{
    size_t k = 1;

    while (k < 8) {
        int64_t lim = (int64_t)1 << (8 * k - 1);

        if (v >= -lim && v < lim)
            break;
        k++;
    }
    return k;
}

static void
check_int_roundtrip(int64_t v)
{
    struct cssp_writer w;
    struct cssp_reader r;
    int64_t back = 0;

    cssp_writer_init(&w, 32, false);
    cssp_der_write_int(&w, v);
    assert_true(cssp_writer_ok(&w));
    assert_int_equal(w.len, 2 + min_int_octets(v));
    assert_int_equal(w.buf[0], CSSP_DER_INTEGER);
    assert_int_equal(w.buf[1], min_int_octets(v));
    cssp_reader_init(&r, w.buf, w.len);
    assert_true(cssp_der_read_int(&r, INT64_MIN, INT64_MAX, &back));
    assert_true(cssp_reader_end(&r));
    assert_true(back == v);
    cssp_writer_release(&w);
}

static void
test_int_roundtrip(void **state)
{
    (void)state;
    check_int_roundtrip(0);
    check_int_roundtrip(INT64_MAX);
    check_int_roundtrip(INT64_MIN);
    for (unsigned bit = 0; bit < 63; bit++) {
        int64_t p = (int64_t)1 << bit;

        check_int_roundtrip(p);
        check_int_roundtrip(p - 1);
        check_int_roundtrip(p + 1);
        check_int_roundtrip(-p);
        check_int_roundtrip(-p - 1);
        check_int_roundtrip(-p + 1);
    }
    for (int64_t v = -70000; v <= 70000; v += 7)
        check_int_roundtrip(v);
}

static void
test_ntstatus(void **state)
{
    static const struct {
        uint8_t in[8];
        size_t len;
        credssp_error err;
        uint32_t want;
    } dec[] = {
        {{0x02, 0x04, 0xc0, 0x00, 0x00, 0x6d}, 6, CREDSSP_OK, 0xC000006Du},
        {{0x02, 0x05, 0x00, 0xc0, 0x00, 0x00, 0x6d}, 7, CREDSSP_OK, 0xC000006Du},
        {{0x02, 0x01, 0x0a}, 3, CREDSSP_OK, 10},
        {{0x02, 0x01, 0x00}, 3, CREDSSP_OK, 0},
        {{0x02, 0x04, 0x80, 0x00, 0x00, 0x00}, 6, CREDSSP_OK, 0x80000000u},
        {{0x02, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00}, 7, CREDSSP_OK, 0x80000000u},
        {{0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff}, 7, CREDSSP_OK, 0xFFFFFFFFu},
        {{0x02, 0x01, 0xff}, 3, CREDSSP_OK, 0xFFFFFFFFu},
        {{0x02, 0x04, 0x7f, 0xff, 0xff, 0xff}, 6, CREDSSP_OK, 0x7FFFFFFFu},
        /* 5-byte forms that are not 00 + a value with the top bit set */
        {{0x02, 0x05, 0x00, 0x7f, 0xff, 0xff, 0xff}, 7, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00}, 7, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x05, 0xff, 0x00, 0x00, 0x00, 0x00}, 7, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x05, 0x80, 0x00, 0x00, 0x00, 0x00}, 7, CREDSSP_E_BAD_INTEGER, 0},
        /* non-minimal 4-byte forms, longer than 5, empty */
        {{0x02, 0x04, 0xff, 0xff, 0xff, 0xff}, 6, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x04, 0x00, 0x00, 0x00, 0x01}, 6, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00}, 8, CREDSSP_E_BAD_INTEGER, 0},
        {{0x02, 0x00}, 2, CREDSSP_E_BAD_INTEGER, 0},
        {{0x04, 0x01, 0x00}, 3, CREDSSP_E_BAD_TAG, 0},
    };
    static const struct {
        uint32_t v;
        uint8_t want[7];
        size_t len;
    } enc[] = {
        {0xC000006Du, {0x02, 0x04, 0xc0, 0x00, 0x00, 0x6d}, 6},
        {0xC00000BBu, {0x02, 0x04, 0xc0, 0x00, 0x00, 0xbb}, 6},
        {0x80000000u, {0x02, 0x04, 0x80, 0x00, 0x00, 0x00}, 6},
        {0x7FFFFFFFu, {0x02, 0x04, 0x7f, 0xff, 0xff, 0xff}, 6},
        {0, {0x02, 0x01, 0x00}, 3},
        {10, {0x02, 0x01, 0x0a}, 3},
        {0x80, {0x02, 0x02, 0x00, 0x80}, 4},
        {0xFFFFFFFFu, {0x02, 0x01, 0xff}, 3},
        {0xFFFFFF80u, {0x02, 0x01, 0x80}, 3},
    };
    static const uint32_t sweep[] = {0,           1,           0x7f,        0x80,
                                     0xff,        0x100,       0x7fff,      0x8000,
                                     0x7fffffff,  0x80000000u, 0xC000006Du, 0xC0000224u,
                                     0xFFFF0000u, 0xFFFFFF7Fu, 0xFFFFFFFFu};

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(dec); i++) {
        struct cssp_reader r;
        uint32_t v = 7;

        cssp_reader_init(&r, dec[i].in, dec[i].len);
        assert_int_equal(cssp_der_read_ntstatus(&r, &v), dec[i].err == CREDSSP_OK);
        if (r.err != dec[i].err)
            fail_msg("ntstatus case %zu: got %s", i, credssp_error_name(r.err));
        assert_int_equal(v, dec[i].want);
    }
    for (size_t i = 0; i < CSSP_COUNT(enc); i++) {
        struct cssp_writer w;

        cssp_writer_init(&w, 16, false);
        cssp_der_write_ntstatus(&w, enc[i].v);
        assert_int_equal(w.len, enc[i].len);
        assert_memory_equal(w.buf, enc[i].want, enc[i].len);
        cssp_writer_release(&w);
    }
    for (size_t i = 0; i < CSSP_COUNT(sweep); i++) {
        struct cssp_writer w;
        struct cssp_reader r;
        uint32_t v = 0;

        cssp_writer_init(&w, 16, false);
        cssp_der_write_ntstatus(&w, sweep[i]);
        assert_true(w.len <= 6); /* never the 5-octet form */
        cssp_reader_init(&r, w.buf, w.len);
        assert_true(cssp_der_read_ntstatus(&r, &v));
        assert_int_equal(v, sweep[i]);
        cssp_writer_release(&w);
    }
}

static void
test_octets(void **state)
{
    static const uint8_t in[] = {0x04, 0x03, 'a', 'b', 'c', 0x04, 0x00, 0x04, 0x02, 'x'};
    struct cssp_reader r;
    const uint8_t *p = NULL;
    size_t len = 0;

    (void)state;
    cssp_reader_init(&r, in, sizeof(in));
    assert_true(cssp_der_read_octets(&r, 3, &p, &len));
    assert_ptr_equal(p, in + 2); /* a view, not a copy */
    assert_int_equal(len, 3);
    assert_true(cssp_der_read_octets(&r, 0, &p, &len));
    assert_non_null(p); /* present but empty */
    assert_int_equal(len, 0);
    assert_false(cssp_der_read_octets(&r, 10, &p, &len));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
    assert_null(p);
    assert_int_equal(len, 0);

    cssp_reader_init(&r, in, sizeof(in));
    assert_false(cssp_der_read_octets(&r, 2, &p, &len));
    assert_int_equal(r.err, CREDSSP_E_TOO_LARGE);
}

static void
test_explicit(void **state)
{
    static const struct {
        uint8_t in[12];
        size_t len;
        credssp_error err;
    } ints[] = {
        {{0xa0, 0x03, 0x02, 0x01, 0x05}, 5, CREDSSP_OK},
        {{0xa0, 0x04, 0x02, 0x01, 0x05, 0x00}, 6, CREDSSP_E_TRAILING},
        {{0xa0, 0x03, 0x04, 0x01, 0x05}, 5, CREDSSP_E_BAD_TAG},
        {{0xa1, 0x03, 0x02, 0x01, 0x05}, 5, CREDSSP_E_BAD_TAG},
        {{0xa0, 0x02, 0x02, 0x01}, 4, CREDSSP_E_TRUNCATED},
        {{0xa0, 0x00}, 2, CREDSSP_E_TRUNCATED},
        {{0xa0, 0x81, 0x03, 0x02, 0x01, 0x05}, 6, CREDSSP_E_BAD_LENGTH},
        {{0xa0, 0x84, 0x7f, 0xff, 0xff, 0xff}, 6, CREDSSP_E_TRUNCATED},
        {{0xa0, 0x05, 0x02, 0x01, 0x05, 0x00, 0x00}, 7, CREDSSP_E_TRAILING},
        {{0xa0, 0x04, 0x02, 0x02, 0x00, 0x05}, 6, CREDSSP_E_BAD_INTEGER},
    };
    static const struct {
        uint8_t in[12];
        size_t len;
        size_t max;
        credssp_error err;
    } octs[] = {
        {{0xa2, 0x05, 0x04, 0x03, 'a', 'b', 'c'}, 7, 3, CREDSSP_OK},
        {{0xa2, 0x05, 0x04, 0x03, 'a', 'b', 'c'}, 7, 2, CREDSSP_E_TOO_LARGE},
        {{0xa2, 0x06, 0x04, 0x03, 'a', 'b', 'c', 'd'}, 8, 3, CREDSSP_E_TRAILING},
        {{0xa2, 0x05, 0x02, 0x03, 'a', 'b', 'c'}, 7, 3, CREDSSP_E_BAD_TAG},
        /* a wrapper longer than its parent */
        {{0xa2, 0x81, 0x80}, 3, 3, CREDSSP_E_TRUNCATED},
        {{0xa2, 0x07, 0x04, 0x03, 'a', 'b', 'c', 0x04, 0x00}, 9, 3, CREDSSP_E_TRAILING},
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(ints); i++) {
        struct cssp_reader r;
        int64_t v = 99;

        cssp_reader_init(&r, ints[i].in, ints[i].len);
        assert_int_equal(cssp_der_read_explicit_int(&r, 0, INT64_MIN, INT64_MAX, &v),
                         ints[i].err == CREDSSP_OK);
        if (r.err != ints[i].err)
            fail_msg("explicit int case %zu: got %s", i, credssp_error_name(r.err));
        assert_true(v == (ints[i].err == CREDSSP_OK ? 5 : 0));
    }
    for (size_t i = 0; i < CSSP_COUNT(octs); i++) {
        struct cssp_reader r;
        const uint8_t *p = NULL;
        size_t len = 0;

        cssp_reader_init(&r, octs[i].in, octs[i].len);
        assert_int_equal(cssp_der_read_explicit_octets(&r, 2, octs[i].max, &p, &len),
                         octs[i].err == CREDSSP_OK);
        if (r.err != octs[i].err)
            fail_msg("explicit octets case %zu: got %s", i, credssp_error_name(r.err));
        if (octs[i].err == CREDSSP_OK) {
            assert_int_equal(len, 3);
            assert_memory_equal(p, "abc", 3);
        } else {
            assert_null(p);
            assert_int_equal(len, 0);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_table),
        cmocka_unit_test(test_length_exhaustive),
        cmocka_unit_test(test_tlv_tag_and_empty),
        cmocka_unit_test(test_int_table),
        cmocka_unit_test(test_int_roundtrip),
        cmocka_unit_test(test_ntstatus),
        cmocka_unit_test(test_octets),
        cmocka_unit_test(test_explicit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
