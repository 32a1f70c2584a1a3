/*
 * alloc_track.h - find secrets left in freed memory.
 *
 * A test program linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free (ALLOC_TRACK_WRAP in tests/unit/local.mk) routes the
 * allocations of every object in its link (the test and libcredssp_core)
 * through here.  While tracking is on, every block that is freed is searched
 * for the needles, and so is every block realloc releases.  A secret that
 * is always wiped before its memory is released is never found.
 */
#ifndef CSSP_TEST_ALLOC_TRACK_H
#define CSSP_TEST_ALLOC_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct alloc_track_stats {
    size_t mallocs;
    size_t reallocs;
    size_t frees;
    size_t leaked_needles; /* blocks released while still holding a needle */
};

/* Start tracking; up to 4 needles (pointers must stay valid until stop). */
void alloc_track_start(const void *const *needles, const size_t *lens, size_t n);
/* Stop tracking and return what was seen. */
struct alloc_track_stats alloc_track_stop(void);
/* Inspect one live block now, as if it were freed (for positive controls). */
void alloc_track_adopt(void *p, size_t n);
/* Does [p, p+n) hold one of the needles? */
bool alloc_track_holds_needle(const void *p, size_t n);

#endif /* CSSP_TEST_ALLOC_TRACK_H */
