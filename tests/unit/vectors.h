/*
 * vectors.h - known-answer vectors from the tests/data .hex files.
 *
 * A .hex file holds hex digits separated by white space; '#' starts a
 * comment that runs to the end of the line.  Files are read at run time from
 * $top_srcdir/tests/data (AM_TESTS_ENVIRONMENT exports top_srcdir), so the
 * .hex files are the one source of truth for every test and fuzz seed.
 */
#ifndef CSSP_TEST_VECTORS_H
#define CSSP_TEST_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse hex text; *out is malloc'ed (free() it).  False on a malformed file. */
bool vector_parse(const char *text, uint8_t **out, size_t *len_out);
/* Load tests/data/<name>; prints why and returns false on failure. */
bool vector_load(const char *name, uint8_t **out, size_t *len_out);
/*
 * The fuzz seed made from tests/data/<prefix>_<rest>.hex, i.e. the raw bytes
 * of tests/fuzz/corpus/<dir>/<rest>; false if missing.
 */
bool vector_load_seed(const char *dir, const char *hex_name, const char *prefix, uint8_t **out,
                      size_t *len_out);

#endif /* CSSP_TEST_VECTORS_H */
