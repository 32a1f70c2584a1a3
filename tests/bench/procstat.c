/*
 * procstat.c - process counters for credssp-bench: the server's CPU time
 * (utime + stime, fields 14 and 15 of /proc/PID/stat, proc(5)) and resident
 * set (VmRSS of /proc/PID/status), this process's CPU time (getrusage), and
 * the monotonic clock.  /proc text is parsed through the bounded reader.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "buf.h"

#define PROC_TEXT_MAX 8192

/* Read a small /proc file into buf (NUL-terminated); its length or -1. */
static ssize_t
read_text(const char *path, char *buf, size_t cap)
{
    size_t have = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    for (int i = 0; i < 16 && have + 1 < cap; i++) {
        ssize_t n = read(fd, buf + have, cap - 1 - have);

        if (n <= 0)
            break;
        have += (size_t)n;
    }
    (void)close(fd);
    buf[have] = '\0';
    return (ssize_t)have;
}

/* Skip one blank-separated field (and the blanks before it). */
static bool
skip_field(struct cssp_reader *r)
{
    size_t len = 0;

    while (r->left > 0 && cssp_reader_peek_u8(r) == ' ')
        (void)cssp_read_u8(r);
    while (r->left > 0 && cssp_reader_peek_u8(r) != ' ') {
        (void)cssp_read_u8(r);
        len++;
    }
    return len > 0 && cssp_reader_ok(r);
}

/* A decimal number at the reader (leading blanks skipped). */
static bool
read_dec(struct cssp_reader *r, uint64_t *out)
{
    uint64_t v = 0;
    int digits = 0;

    while (r->left > 0 && (cssp_reader_peek_u8(r) == ' ' || cssp_reader_peek_u8(r) == '\t'))
        (void)cssp_read_u8(r);
    while (r->left > 0 && digits < 20) {
        uint8_t ch = cssp_reader_peek_u8(r);

        if (ch < '0' || ch > '9')
            break;
        v = v * 10u + (uint64_t)(ch - '0');
        (void)cssp_read_u8(r);
        digits++;
    }
    *out = v;
    return digits > 0 && cssp_reader_ok(r);
}

/* utime + stime: fields 14 and 15, counted after the ")" that ends comm. */
static int
read_cpu(pid_t pid, uint64_t *ticks_out)
{
    char path[64], text[PROC_TEXT_MAX];
    const char *close_paren;
    struct cssp_reader r;
    uint64_t ut = 0, st = 0;
    ssize_t n;

    (void)snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    n = read_text(path, text, sizeof(text));
    if (n <= 0 || (close_paren = strrchr(text, ')')) == NULL)
        return -1;
    cssp_reader_init(&r, close_paren + 1, (size_t)n - (size_t)(close_paren + 1 - text));
    /* after ")": fields 3 (state) .. 13 (cmajflt), then utime, stime */
    for (int field = 3; field < 14; field++) {
        if (!skip_field(&r))
            return -1;
    }
    if (!read_dec(&r, &ut) || !read_dec(&r, &st))
        return -1;
    *ticks_out = ut + st;
    return 0;
}

/* VmRSS in KiB. */
static int
read_rss(pid_t pid, uint64_t *kib_out)
{
    char path[64], text[PROC_TEXT_MAX];
    const char *line;
    struct cssp_reader r;
    ssize_t n;

    (void)snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
    n = read_text(path, text, sizeof(text));
    if (n <= 0 || (line = strstr(text, "\nVmRSS:")) == NULL)
        return -1;
    line += strlen("\nVmRSS:");
    cssp_reader_init(&r, line, (size_t)n - (size_t)(line - text));
    return read_dec(&r, kib_out) ? 0 : -1;
}

/* Both counters of pid. */
int
bench_proc_read(pid_t pid, struct bench_proc *out)
{
    memset(out, 0, sizeof(*out));
    if (read_cpu(pid, &out->cpu_ticks) != 0 || read_rss(pid, &out->rss_kib) != 0)
        return -1;
    return 0;
}

/* sysconf(_SC_CLK_TCK), 100 when unknown. */
long
bench_ticks_per_s(void)
{
    long t = sysconf(_SC_CLK_TCK);

    return t > 0 ? t : 100;
}

/* User + system CPU time of this process. */
uint64_t
bench_self_cpu_us(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec +
           (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
}

/* CLOCK_MONOTONIC in microseconds. */
uint64_t
bench_now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
