/*
 * util.c - the clock, strict numbers and the engine pump of both front
 * ends (see util.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

uint64_t
fe_now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
fe_parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (s == NULL || s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

credssp_status
fe_pump_engine(credssp_engine *eng, fe_drain_fn drain, void *conn, credssp_error *err_out)
{
    *err_out = drain(conn);
    if (*err_out != CREDSSP_OK)
        return CREDSSP_FAILED;
    return credssp_engine_status(eng);
}
