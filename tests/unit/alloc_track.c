/*
 * alloc_track.c - find secrets left in freed memory (see alloc_track.h).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc_track.h"

/*
 * A released block may hold bytes that were never written (the spare
 * capacity of a buffer).  Under valgrind, look at them without reporting
 * them and without changing what memcheck knows about them afterwards.
 */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

#define TRACK_MAX 4096
#define NEEDLES_MAX 4

static struct {
    bool on;
    struct alloc_track_stats stats;
    const void *needles[NEEDLES_MAX];
    size_t needle_lens[NEEDLES_MAX];
    size_t n_needles;
    struct {
        void *p;
        size_t n;
    } blocks[TRACK_MAX];
} track;

static bool
scan(const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < track.n_needles; k++) {
        size_t nl = track.needle_lens[k];

        for (size_t i = 0; nl != 0 && i + nl <= n; i++) {
            if (memcmp(b + i, track.needles[k], nl) == 0)
                return true;
        }
    }
    return false;
}

bool
alloc_track_holds_needle(const void *p, size_t n)
{
#ifdef HAVE_MEMCHECK
    if (RUNNING_ON_VALGRIND && n != 0) {
        uint8_t *vbits = __real_malloc(n);
        bool found;

        if (vbits == NULL)
            abort();
        (void)VALGRIND_GET_VBITS(p, vbits, n);
        (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
        found = scan(p, n);
        (void)VALGRIND_SET_VBITS(p, vbits, n);
        __real_free(vbits);
        return found;
    }
#endif
    return scan(p, n);
}

void
alloc_track_adopt(void *p, size_t n)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < TRACK_MAX; i++) {
        if (track.blocks[i].p == NULL) {
            track.blocks[i].p = p;
            track.blocks[i].n = n;
            return;
        }
    }
    abort(); /* raise TRACK_MAX */
}

/* Forget p; if it is tracked, check its contents before they are released. */
static void
release(void *p)
{
    if (!track.on || p == NULL)
        return;
    for (size_t i = 0; i < TRACK_MAX; i++) {
        if (track.blocks[i].p == p) {
            if (alloc_track_holds_needle(p, track.blocks[i].n))
                track.stats.leaked_needles++;
            track.blocks[i].p = NULL;
            return;
        }
    }
}

void *
__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);

    if (track.on && p != NULL) {
        track.stats.mallocs++;
        alloc_track_adopt(p, n);
    }
    return p;
}

void *
__wrap_calloc(size_t k, size_t n)
{
    void *p = __real_calloc(k, n);

    if (track.on && p != NULL) {
        track.stats.mallocs++;
        alloc_track_adopt(p, k * n);
    }
    return p;
}

void *
__wrap_realloc(void *p, size_t n)
{
    void *q;

    if (!track.on)
        return __real_realloc(p, n);
    /* realloc may free p: inspect it first (a plain buffer may legitimately hold data). */
    track.stats.reallocs++;
    release(p);
    q = __real_realloc(p, n);
    if (q != NULL)
        alloc_track_adopt(q, n);
    return q;
}

void
__wrap_free(void *p)
{
    if (track.on && p != NULL) {
        track.stats.frees++;
        release(p);
    }
    __real_free(p);
}

void
alloc_track_start(const void *const *needles, const size_t *lens, size_t n)
{
    memset(&track, 0, sizeof(track));
    if (n > NEEDLES_MAX)
        abort();
    for (size_t i = 0; i < n; i++) {
        track.needles[i] = needles[i];
        track.needle_lens[i] = lens[i];
    }
    track.n_needles = n;
    track.on = true;
}

struct alloc_track_stats
alloc_track_stop(void)
{
    track.on = false;
    return track.stats;
}
