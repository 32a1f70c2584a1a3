/*
 * test_der_write.c - strict DER writing (base/der.c): length sizes,
 * begin/end length fix-ups across every length form, nested and failing,
 * and mutation sweeps over a small nested structure (every mutant is refused
 * with a DER error or re-encodes to exactly itself).  Reading is tested in
 * test_der.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "der.h"
#include "mutate.h"


static void
test_length_size(void **state)
{
    (void)state;
    assert_int_equal(cssp_der_length_size(0), 1);
    assert_int_equal(cssp_der_length_size(127), 1);
    assert_int_equal(cssp_der_length_size(128), 2);
    assert_int_equal(cssp_der_length_size(255), 2);
    assert_int_equal(cssp_der_length_size(256), 3);
    assert_int_equal(cssp_der_length_size(65535), 3);
    assert_int_equal(cssp_der_length_size(65536), 4);
    assert_int_equal(cssp_der_length_size(0xffffff), 4);
    assert_int_equal(cssp_der_length_size(0x1000000), 5);
}

/* begin/end around n content bytes gives the minimal header, contents intact. */
static void
test_begin_end_sizes(void **state)
{
    static const size_t sizes[] = {0, 1, 127, 128, 129, 255, 256, 257, 65535, 65536, 100000};
    uint8_t *content = malloc(100000);

    (void)state;
    assert_non_null(content);
    for (size_t i = 0; i < 100000; i++)
        content[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < CSSP_COUNT(sizes); i++) {
        size_t n = sizes[i], mark, hl = 1 + cssp_der_length_size(n);
        struct cssp_writer w;
        struct cssp_reader r, c;

        cssp_writer_init(&w, 1u << 20, false);
        cssp_write_u8(&w, 0xee); /* something before the mark */
        mark = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        assert_int_equal(mark, 1);
        cssp_write_bytes(&w, content, n);
        cssp_der_end(&w, mark);
        assert_true(cssp_writer_ok(&w));
        assert_int_equal(w.len, 1 + hl + n);
        assert_int_equal(w.buf[0], 0xee);
        cssp_reader_init(&r, w.buf + 1, w.len - 1);
        assert_true(cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, n, &c));
        assert_true(cssp_reader_end(&r));
        assert_int_equal(c.left, n);
        if (n != 0)
            assert_memory_equal(c.p, content, n);
        cssp_writer_release(&w);
    }
    free(content);
}

static void
test_begin_end_nested(void **state)
{
    struct cssp_writer w;
    size_t outer, mid, inner;
    uint8_t filler[300];

    (void)state;
    memset(filler, 0x42, sizeof(filler));
    cssp_writer_init(&w, 4096, false);
    outer = cssp_der_begin(&w, CSSP_DER_CTX(1));
    mid = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    inner = cssp_der_begin(&w, CSSP_DER_OCTET_STRING);
    cssp_write_bytes(&w, filler, 300);
    cssp_der_end(&w, inner); /* 04 82 01 2c */
    cssp_der_end(&w, mid);   /* 30 82 01 30 */
    cssp_der_write_int(&w, 5);
    cssp_der_end(&w, outer); /* a1 82 01 37 */
    assert_true(cssp_writer_ok(&w));
    assert_int_equal(w.len, 4 + 4 + 4 + 300 + 3);
    assert_memory_equal(w.buf, "\xa1\x82\x01\x37\x30\x82\x01\x30\x04\x82\x01\x2c", 12);
    assert_memory_equal(w.buf + 312, "\x02\x01\x05", 3);
    cssp_writer_release(&w);

    /* An empty constructed value. */
    cssp_writer_init(&w, 16, false);
    outer = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_end(&w, outer);
    assert_int_equal(w.len, 2);
    assert_memory_equal(w.buf, "\x30\x00", 2);
    cssp_writer_release(&w);
}

static void
test_begin_end_errors(void **state)
{
    struct cssp_writer w;
    uint8_t filler[200] = {0};
    size_t mark;

    (void)state;
    /* The length fix-up must respect the cap: 30 81 c8 + 200 is 203 bytes. */
    cssp_writer_init(&w, 202, false);
    mark = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_write_bytes(&w, filler, 200);
    assert_true(cssp_writer_ok(&w));
    cssp_der_end(&w, mark);
    assert_int_equal(w.err, CREDSSP_E_TOO_LARGE);
    cssp_writer_release(&w);

    /* A bogus mark is a programming error. */
    cssp_writer_init(&w, 100, false);
    cssp_write_u8(&w, 1);
    cssp_der_end(&w, 5);
    assert_int_equal(w.err, CREDSSP_E_INTERNAL);
    /* On a failed writer, end does nothing. */
    cssp_der_end(&w, 0);
    assert_int_equal(w.err, CREDSSP_E_INTERNAL);
    cssp_writer_release(&w);
}

/*
 * A small schema: [1] { SEQUENCE { SEQUENCE { [0] OCTET STRING } } } followed
 * by [2] INTEGER.  Every mutant must fail with a DER error or decode to
 * something that re-encodes to exactly the mutant.
 */
struct toy {
    const uint8_t *tok;
    size_t tok_len;
    int64_t n;
};

static credssp_error
toy_decode(const uint8_t *buf, size_t len, struct toy *t)
{
    struct cssp_reader r, a, b, c;

    memset(t, 0, sizeof(*t));
    cssp_reader_init(&r, buf, len);
    cssp_der_read_tlv(&r, CSSP_DER_CTX(1), 100, &a);
    cssp_der_read_tlv(&a, CSSP_DER_SEQUENCE, 100, &b);
    cssp_der_read_tlv(&b, CSSP_DER_SEQUENCE, 100, &c);
    cssp_der_read_explicit_octets(&c, 0, 50, &t->tok, &t->tok_len);
    cssp_reader_end(&c);
    cssp_reader_merge(&b, &c);
    cssp_reader_end(&b);
    cssp_reader_merge(&a, &b);
    cssp_reader_end(&a);
    cssp_reader_merge(&r, &a);
    cssp_der_read_explicit_int(&r, 2, -1000, 1000, &t->n);
    cssp_reader_end(&r);
    return r.err;
}

static void
toy_encode(const struct toy *t, struct cssp_writer *w)
{
    size_t a = cssp_der_begin(w, CSSP_DER_CTX(1));
    size_t b = cssp_der_begin(w, CSSP_DER_SEQUENCE);
    size_t c = cssp_der_begin(w, CSSP_DER_SEQUENCE);

    cssp_der_write_explicit_octets(w, 0, t->tok, t->tok_len);
    cssp_der_end(w, c);
    cssp_der_end(w, b);
    cssp_der_end(w, a);
    cssp_der_write_explicit_int(w, 2, t->n);
}

static void
toy_check(const uint8_t *buf, size_t len, void *ctx)
{
    size_t *accepted = ctx;
    struct toy t;
    credssp_error err = toy_decode(buf, len, &t);
    struct cssp_writer w;

    if (err != CREDSSP_OK) {
        assert_int_equal(credssp_error_category_of(err), CREDSSP_CAT_PROTOCOL);
        return;
    }
    (*accepted)++;
    cssp_writer_init(&w, 1000, false);
    toy_encode(&t, &w);
    assert_true(cssp_writer_ok(&w));
    assert_int_equal(w.len, len);
    assert_memory_equal(w.buf, buf, len);
    cssp_writer_release(&w);
}

static void
test_mutations(void **state)
{
    static const uint8_t good[] = {0xa1, 0x0b, 0x30, 0x09, 0x30, 0x07, 0xa0, 0x05, 0x04,
                                   0x03, '1',  '2',  '3',  0xa2, 0x03, 0x02, 0x01, 0x0a};
    size_t accepted = 0, n;

    (void)state;
    toy_check(good, sizeof(good), &accepted);
    assert_int_equal(accepted, 1);
    accepted = 0;
    n = mutate_truncations(good, sizeof(good), toy_check, &accepted);
    assert_int_equal(n, sizeof(good));
    assert_int_equal(accepted, 0); /* no prefix is a whole value */
    n = mutate_all(good, sizeof(good), toy_check, &accepted);
    assert_true(n > 255 * sizeof(good));
    /* Content bytes may change freely, e.g. '1' -> any, 0x0a -> any 0..0x7f. */
    assert_true(accepted > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_size),
        cmocka_unit_test(test_begin_end_sizes),
        cmocka_unit_test(test_begin_end_nested),
        cmocka_unit_test(test_begin_end_errors),
        cmocka_unit_test(test_mutations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
