/*
 * codec_test.h - cmocka helpers shared by test_tsrequest.c and test_tscred.c:
 * load a vector, sweep every mutation of every vector through a round-trip
 * check (roundtrip.h), check the fuzz seeds equal the vectors.
 */
#ifndef CSSP_TEST_CODEC_TEST_H
#define CSSP_TEST_CODEC_TEST_H

#include <stdlib.h>

#include "mutate.h"
#include "roundtrip.h"
#include "vectors.h"

typedef enum rt_result (*rt_fn)(const uint8_t *buf, size_t len, credssp_error *err_out);

/* Load tests/data/<name> or fail the test. */
static inline uint8_t *
must_load(const char *name, size_t *len)
{
    uint8_t *buf = NULL;

    if (!vector_load(name, &buf, len))
        fail_msg("cannot load %s", name);
    return buf;
}

struct sweep {
    rt_fn check;
    size_t accepted, alt, rejected, truncated;
};

static inline void
sweep_one(const uint8_t *buf, size_t len, void *ctx)
{
    struct sweep *sw = ctx;
    credssp_error err = CREDSSP_OK;
    enum rt_result r = sw->check(buf, len, &err);

    if (!rt_ok(r))
        fail_msg("mutant of %zu bytes: %s (%s)", len, rt_result_name(r), credssp_error_name(err));
    if (r == RT_ACCEPTED)
        sw->accepted++;
    else if (r == RT_ACCEPTED_ALT_FORM)
        sw->alt++;
    else
        sw->rejected++;
    if (err == CREDSSP_E_TRUNCATED)
        sw->truncated++;
}

/*
 * Every mutation of every vector: a defined error, or a value that
 * re-encodes to itself.  No proper prefix of a message is a message.
 */
static inline void
sweep_vectors(const char *const *names, size_t n_names, rt_fn check)
{
    for (size_t i = 0; i < n_names; i++) {
        struct sweep sw = {.check = check};
        size_t len, n;
        uint8_t *buf = must_load(names[i], &len);

        assert_true(rt_ok(check(buf, len, NULL)));
        n = mutate_truncations(buf, len, sweep_one, &sw);
        assert_int_equal(sw.rejected, n);
        assert_int_equal(sw.truncated, n);
        n += mutate_all(buf, len, sweep_one, &sw);
        assert_int_equal(sw.accepted + sw.alt + sw.rejected, n);
        assert_true(sw.rejected > 0);
        print_message("%s: %zu mutants: %zu rejected, %zu re-encode identically, %zu alt form\n",
                      names[i], n, sw.rejected, sw.accepted, sw.alt);
        free(buf);
    }
}

/* The fuzz seeds are the vectors, byte for byte (tests/data stays the one source). */
static inline void
check_seeds(const char *const *names, size_t n_names, const char *dir, const char *prefix)
{
    for (size_t i = 0; i < n_names; i++) {
        uint8_t *seed = NULL;
        size_t len, seed_len = 0;
        uint8_t *buf = must_load(names[i], &len);

        if (!vector_load_seed(dir, names[i], prefix, &seed, &seed_len))
            fail_msg("no fuzz seed for %s", names[i]);
        assert_int_equal(seed_len, len);
        assert_memory_equal(seed, buf, len);
        free(seed);
        free(buf);
    }
}

#endif /* CSSP_TEST_CODEC_TEST_H */
