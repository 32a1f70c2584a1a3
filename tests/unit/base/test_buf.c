/*
 * test_buf.c - the bounded reader and the capped writer (base/buf.c).
 *
 * Besides the API behaviour, proves that a secure writer wipes every buffer
 * it drops and never grows with realloc: the allocator is wrapped at link
 * time (alloc_track.h) so each released block can be inspected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc_track.h"
#include "buf.h"

static const uint8_t needle[] = "N33dle-s3cret-N33dle-s3cret!";
#define NEEDLE_LEN (sizeof(needle) - 1)

static void
track_start(void)
{
    const void *needles[] = {needle};
    const size_t lens[] = {NEEDLE_LEN};

    alloc_track_start(needles, lens, 1);
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

static void
test_reader_numbers(void **state)
{
    static const uint8_t in[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
                                 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
    struct cssp_reader r;

    (void)state;
    cssp_reader_init(&r, in, sizeof(in));
    assert_int_equal(cssp_read_u8(&r), 0x01);
    assert_int_equal(cssp_read_u16le(&r), 0x0302);
    assert_int_equal(cssp_read_u16be(&r), 0x0405);
    assert_int_equal(cssp_read_u32le(&r), 0x09080706);
    assert_int_equal(cssp_read_u32be(&r), 0x0a0b0c0d);
    assert_true(cssp_read_u64le(&r) == 0x1514131211100f0eULL);
    assert_int_equal(cssp_reader_peek_u8(&r), 0x16);
    assert_int_equal(r.left, 2);
    assert_true(cssp_reader_ok(&r));
    assert_false(cssp_reader_end(&r));
    assert_int_equal(r.err, CREDSSP_E_TRAILING);
}

static void
test_reader_sticky(void **state)
{
    static const uint8_t in[] = {0xaa, 0xbb, 0xcc};
    struct cssp_reader r;

    (void)state;
    cssp_reader_init(&r, in, sizeof(in));
    /* A 4-byte read of 3 bytes fails and records TRUNCATED ... */
    assert_int_equal(cssp_read_u32be(&r), 0);
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
    /* ... and every later read returns zero / NULL even if it would fit. */
    assert_int_equal(cssp_read_u8(&r), 0);
    assert_null(cssp_read_bytes(&r, 0));
    assert_int_equal(cssp_reader_peek_u8(&r), 0);
    /* The first error wins. */
    assert_false(cssp_reader_fail(&r, CREDSSP_E_BAD_TAG));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
    assert_false(cssp_reader_end(&r));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
}

static void
test_reader_each_width_truncated(void **state)
{
    static const uint8_t in[8] = {0};

    (void)state;
    for (size_t len = 0; len < 8; len++) {
        struct cssp_reader r;

        cssp_reader_init(&r, in, len);
        (void)cssp_read_u64le(&r);
        assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
        if (len < 4) {
            cssp_reader_init(&r, in, len);
            (void)cssp_read_u32le(&r);
            assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
            cssp_reader_init(&r, in, len);
            (void)cssp_read_u32be(&r);
            assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
        }
        if (len < 2) {
            cssp_reader_init(&r, in, len);
            (void)cssp_read_u16le(&r);
            assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
            cssp_reader_init(&r, in, len);
            (void)cssp_read_u16be(&r);
            assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
        }
        if (len < 1) {
            cssp_reader_init(&r, in, len);
            (void)cssp_read_u8(&r);
            assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
        }
    }
}

static void
test_reader_peek_past_end(void **state)
{
    struct cssp_reader r;

    (void)state;
    cssp_reader_init(&r, NULL, 0);
    assert_int_equal(cssp_reader_peek_u8(&r), 0);
    assert_true(cssp_reader_ok(&r)); /* peeking never records an error */
    /* A zero-length read of an empty view is valid and non-NULL. */
    assert_non_null(cssp_read_bytes(&r, 0));
    assert_true(cssp_reader_end(&r));
}

static void
test_reader_null_data(void **state)
{
    struct cssp_reader r;

    (void)state;
    cssp_reader_init(&r, NULL, 5);
    assert_int_equal(r.err, CREDSSP_E_INVALID_ARG);
    assert_int_equal(r.left, 0);
    assert_null(cssp_read_bytes(&r, 1));
}

static void
test_reader_sub_and_merge(void **state)
{
    static const uint8_t in[] = {1, 2, 3, 4, 5};
    struct cssp_reader r, c, bad;

    (void)state;
    cssp_reader_init(&r, in, sizeof(in));
    assert_true(cssp_reader_sub(&r, 3, &c));
    assert_int_equal(c.left, 3);
    assert_int_equal(r.left, 2);
    assert_int_equal(cssp_read_u8(&c), 1);
    /* The child is bounded: it cannot read into the parent's bytes. */
    assert_null(cssp_read_bytes(&c, 3));
    assert_int_equal(c.err, CREDSSP_E_TRUNCATED);
    assert_int_equal(cssp_read_u8(&r), 4); /* parent unaffected so far */
    assert_false(cssp_reader_merge(&r, &c));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);

    /* A child longer than the parent: TRUNCATED, child empty and failed. */
    cssp_reader_init(&r, in, sizeof(in));
    assert_false(cssp_reader_sub(&r, 6, &bad));
    assert_int_equal(r.err, CREDSSP_E_TRUNCATED);
    assert_int_equal(bad.err, CREDSSP_E_TRUNCATED);
    assert_int_equal(bad.left, 0);

    /* Merging a healthy child keeps the parent healthy. */
    cssp_reader_init(&r, in, sizeof(in));
    assert_true(cssp_reader_sub(&r, 5, &c));
    assert_true(cssp_reader_merge(&r, &c));
    assert_true(cssp_reader_end(&r));
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

static void
test_writer_numbers(void **state)
{
    static const uint8_t want[] = {0x01, 0x03, 0x02, 0x04, 0x05, 0x09, 0x08,
                                   0x07, 0x06, 0x0a, 0x0b, 0x0c, 0x0d};
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    cssp_writer_init(&w, 100, false);
    cssp_write_u8(&w, 0x01);
    cssp_write_u16le(&w, 0x0203);
    cssp_write_u16be(&w, 0x0405);
    cssp_write_u32le(&w, 0x06070809);
    cssp_write_u32be(&w, 0x0a0b0c0d);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(out, want, sizeof(want));
    free(out);
    /* take resets the writer: it can be reused. */
    assert_null(w.buf);
    assert_int_equal(w.len, 0);
    cssp_write_u8(&w, 7);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    assert_int_equal(len, 1);
    free(out);
}

static void
test_writer_cap(void **state)
{
    uint8_t big[300];
    struct cssp_writer w;
    uint8_t *out = (uint8_t *)1;
    size_t len = 99;

    (void)state;
    memset(big, 0x5a, sizeof(big));
    /* Exactly the cap fits. */
    cssp_writer_init(&w, 200, false);
    cssp_write_bytes(&w, big, 200);
    assert_true(cssp_writer_ok(&w));
    assert_true(w.cap <= 200); /* never allocates past the cap */
    /* One more byte is TOO_LARGE, sticky, and nothing more is written. */
    cssp_write_u8(&w, 1);
    assert_int_equal(w.err, CREDSSP_E_TOO_LARGE);
    assert_int_equal(w.len, 200);
    cssp_write_bytes(&w, big, 0);
    assert_null(cssp_write_reserve(&w, 0));
    assert_int_equal(w.len, 200);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_E_TOO_LARGE);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_null(w.buf);

    /* A single write over the cap, and sizes that would overflow size_t. */
    cssp_writer_init(&w, 200, false);
    cssp_write_bytes(&w, big, 201);
    assert_int_equal(w.err, CREDSSP_E_TOO_LARGE);
    cssp_writer_release(&w);
    cssp_writer_init(&w, SIZE_MAX, false);
    cssp_write_u8(&w, 1);
    assert_null(cssp_write_reserve(&w, SIZE_MAX));
    assert_int_equal(w.err, CREDSSP_E_TOO_LARGE);
    cssp_writer_release(&w);
    assert_true(cssp_writer_ok(&w)); /* release resets */

    /* max 0: nothing may be written. */
    cssp_writer_init(&w, 0, true);
    cssp_write_u8(&w, 1);
    assert_int_equal(w.err, CREDSSP_E_TOO_LARGE);
    cssp_writer_release(&w);
}

static void
test_writer_empty_take(void **state)
{
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 1;

    (void)state;
    cssp_writer_init(&w, 10, true);
    assert_non_null(cssp_write_reserve(&w, 0));
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    assert_non_null(out);
    assert_int_equal(len, 0);
    cssp_wipe_free(out, len);
    cssp_wipe_free(NULL, 5);
    cssp_writer_release(&w);
    cssp_writer_release(&w); /* twice is harmless */
}

static void
test_writer_null_bytes(void **state)
{
    struct cssp_writer w;

    (void)state;
    cssp_writer_init(&w, 10, false);
    cssp_write_bytes(&w, NULL, 0); /* zero bytes from NULL: fine */
    assert_true(cssp_writer_ok(&w));
    cssp_write_bytes(&w, NULL, 1);
    assert_int_equal(w.err, CREDSSP_E_INVALID_ARG);
    assert_false(cssp_writer_fail(&w, CREDSSP_E_BAD_TAG));
    assert_int_equal(w.err, CREDSSP_E_INVALID_ARG);
    cssp_writer_release(&w);
}

static void
test_writer_reserve_and_insert(void **state)
{
    struct cssp_writer w;
    uint8_t *p;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    cssp_writer_init(&w, 1000, false);
    p = cssp_write_reserve(&w, 4);
    assert_non_null(p);
    assert_memory_equal(p, "\0\0\0\0", 4); /* reserved bytes are zeroed */
    memcpy(p, "abcd", 4);
    cssp_write_insert(&w, 0, "01", 2);      /* front */
    cssp_write_insert(&w, 4, "XY", 2);      /* middle */
    cssp_write_insert(&w, w.len, "!", 1);   /* end */
    cssp_write_insert(&w, 3, "ignored", 0); /* zero bytes: no-op */
    assert_int_equal(w.len, 9);
    assert_memory_equal(w.buf, "01abXYcd!", 9);
    /* Insertion that forces growth past the first allocation. */
    for (int i = 0; i < 100; i++)
        cssp_write_insert(&w, 2, "--", 2);
    assert_int_equal(w.len, 209);
    assert_memory_equal(w.buf, "01--", 4);
    assert_memory_equal(w.buf + 202, "abXYcd!", 7);
    /* Offset past the end is a programming error. */
    cssp_write_insert(&w, w.len + 1, "x", 1);
    assert_int_equal(w.err, CREDSSP_E_INTERNAL);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_E_INTERNAL);
    assert_null(out);
}

/* Fill a writer with the needle, then force several growths. */
static void
fill_with_growth(struct cssp_writer *w)
{
    cssp_write_bytes(w, needle, NEEDLE_LEN);
    for (int i = 0; i < 200; i++)
        cssp_write_u8(w, (uint8_t)i);
    /* Growth while the needle is also at the shifting tail. */
    cssp_write_bytes(w, needle, NEEDLE_LEN);
    cssp_write_insert(w, 0, needle, NEEDLE_LEN);
    for (int i = 0; i < 2000; i++)
        cssp_write_u8(w, 0x11);
}

static void
test_secure_writer_wipes_growth_and_release(void **state)
{
    struct alloc_track_stats st;
    struct cssp_writer w;

    (void)state;
    cssp_writer_init(&w, 1u << 20, true);
    track_start();
    fill_with_growth(&w);
    assert_true(cssp_writer_ok(&w));
    cssp_writer_release(&w);
    st = alloc_track_stop();
    assert_true(st.frees >= 4);       /* several growth steps, then the release */
    assert_int_equal(st.reallocs, 0); /* and none of them used realloc */
    assert_int_equal(st.leaked_needles, 0);
}

static void
test_secure_writer_wipes_on_error(void **state)
{
    struct alloc_track_stats st;
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    cssp_writer_init(&w, 100, true);
    track_start();
    cssp_write_bytes(&w, needle, NEEDLE_LEN);
    cssp_write_bytes(&w, needle, 100); /* over the cap */
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_E_TOO_LARGE);
    st = alloc_track_stop();
    assert_true(st.frees >= 1);
    assert_int_equal(st.leaked_needles, 0);
}

static void
test_secure_writer_take_then_wipe_free(void **state)
{
    struct alloc_track_stats st;
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    cssp_writer_init(&w, 1u << 20, true);
    track_start();
    fill_with_growth(&w);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    assert_true(alloc_track_holds_needle(out, len));
    cssp_wipe_free(out, len);
    st = alloc_track_stop();
    assert_int_equal(st.leaked_needles, 0);
}

/* Positive control: the detector sees a plain writer dropping the needle. */
static void
test_plain_writer_control(void **state)
{
    struct alloc_track_stats st;
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    cssp_writer_init(&w, 1u << 20, false);
    track_start();
    fill_with_growth(&w);
    st = alloc_track_stop();
    assert_true(st.reallocs > 0);
    assert_true(st.leaked_needles > 0); /* realloc released the needle unwiped */
    track_start();
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    alloc_track_adopt(out, len);
    free(out); /* a plain free: the needle is found */
    st = alloc_track_stop();
    assert_int_equal(st.leaked_needles, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_numbers),
        cmocka_unit_test(test_reader_sticky),
        cmocka_unit_test(test_reader_each_width_truncated),
        cmocka_unit_test(test_reader_peek_past_end),
        cmocka_unit_test(test_reader_null_data),
        cmocka_unit_test(test_reader_sub_and_merge),
        cmocka_unit_test(test_writer_numbers),
        cmocka_unit_test(test_writer_cap),
        cmocka_unit_test(test_writer_empty_take),
        cmocka_unit_test(test_writer_null_bytes),
        cmocka_unit_test(test_writer_reserve_and_insert),
        cmocka_unit_test(test_secure_writer_wipes_growth_and_release),
        cmocka_unit_test(test_secure_writer_wipes_on_error),
        cmocka_unit_test(test_secure_writer_take_then_wipe_free),
        cmocka_unit_test(test_plain_writer_control),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
