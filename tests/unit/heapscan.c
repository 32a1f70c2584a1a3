/*
 * heapscan.c - see heapscan.h.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "heapscan.h"

#define CHUNK (1u << 20)
#define NEEDLE_MAP 4096u

uint8_t *heapscan_needle;
static uint8_t *chunk;

int
heapscan_setup(void)
{
    heapscan_needle = mmap(NULL, NEEDLE_MAP, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    chunk = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return heapscan_needle == MAP_FAILED || chunk == MAP_FAILED ? -1 : 0;
}

void
heapscan_teardown(void)
{
    if (heapscan_needle != NULL && heapscan_needle != MAP_FAILED)
        munmap(heapscan_needle, NEEDLE_MAP);
    if (chunk != NULL && chunk != MAP_FAILED)
        munmap(chunk, CHUNK);
    heapscan_needle = NULL;
    chunk = NULL;
}

int
heapscan_group_setup(void **state)
{
    (void)state;
    return heapscan_setup();
}

int
heapscan_group_teardown(void **state)
{
    (void)state;
    heapscan_teardown();
    return 0;
}

/* Is a inside [lo, lo + len)? */
static bool
in_range(uintptr_t a, uintptr_t lo, size_t len)
{
    return a >= lo && a < lo + len;
}

/* Count the needle in one mapping [lo, hi). */
static int
scan_mapping(int mem, unsigned long lo, unsigned long hi)
{
    int found = 0;

    for (unsigned long off = lo; off < hi; off += CHUNK - HEAPSCAN_NEEDLE_LEN) {
        size_t want = hi - off < CHUNK ? hi - off : CHUNK;
        ssize_t n = pread(mem, chunk, want, (off_t)off);

        if (n < (ssize_t)HEAPSCAN_NEEDLE_LEN)
            break;
        for (ssize_t i = 0; i + (ssize_t)HEAPSCAN_NEEDLE_LEN <= n; i++) {
            uintptr_t at = off + (uintptr_t)i;

            if (chunk[i] != heapscan_needle[0] ||
                memcmp(chunk + i, heapscan_needle, HEAPSCAN_NEEDLE_LEN) != 0)
                continue;
            if (in_range(at, (uintptr_t)heapscan_needle, HEAPSCAN_NEEDLE_LEN) ||
                in_range(at, (uintptr_t)chunk, CHUNK))
                continue;
            found++;
        }
        memset(chunk, 0, CHUNK);
        if ((size_t)n < want)
            break;
    }
    return found;
}

int
heapscan_count(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    int mem = open("/proc/self/mem", O_RDONLY);
    char line[512];
    int found = 0;

    assert_non_null(maps);
    assert_true(mem >= 0);
    while (fgets(line, sizeof(line), maps) != NULL) {
        unsigned long lo, hi;
        char perms[5];

        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r' ||
            perms[1] != 'w' || strstr(line, "[vvar]") != NULL ||
            strstr(line, "[vsyscall]") != NULL)
            continue;
        found += scan_mapping(mem, lo, hi);
    }
    fclose(maps);
    close(mem);
    return found;
}
