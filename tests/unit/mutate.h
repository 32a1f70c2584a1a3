/*
 * mutate.h - systematic hostile variants of a valid message, for decoder tests.
 *
 * Each generator calls cb once per mutant with a fresh heap copy of exactly
 * the mutant's length (so AddressSanitizer / valgrind catch any read past
 * it) and returns how many mutants it produced.  The callback decides what
 * "correct" means for its decoder.
 * (Model: the FUZZ_* strategies of OpenSSH's regress/unittests test_helper.)
 */
#ifndef CSSP_TEST_MUTATE_H
#define CSSP_TEST_MUTATE_H

#include <stddef.h>
#include <stdint.h>

typedef void (*mutate_cb)(const uint8_t *buf, size_t len, void *ctx);

/* Every proper prefix: lengths 0 .. len-1. */
size_t mutate_truncations(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);
/* Every offset replaced by every other byte value: 255 * len mutants. */
size_t mutate_byte_values(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);
/* Every single-bit flip: 8 * len mutants. */
size_t mutate_bit_flips(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);
/* Every single byte removed. */
size_t mutate_deletions(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);
/*
 * A byte from a small hostile set (00 01 02 04 30 7f 80 81 82 84 a0..a6 ff)
 * inserted at every offset, including the end (a trailing byte).
 */
size_t mutate_insertions(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);
/* All of the above. */
size_t mutate_all(const uint8_t *msg, size_t len, mutate_cb cb, void *ctx);

#endif /* CSSP_TEST_MUTATE_H */
