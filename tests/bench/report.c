/*
 * report.c - the measured table of credssp-bench: one Markdown row per
 * phase (so the output pastes into docs/PERFORMANCE.md), latency quantiles
 * (nearest rank over the sorted successful latencies) and per-connection
 * server CPU from the /proc/PID/stat tick counters.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

/* qsort order for latencies. */
static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank quantile in ms (lat_us must be sorted); 0 without data. */
double
bench_quantile_ms(const struct bench_result *res, double q)
{
    size_t idx;

    if (res->n_lat == 0)
        return 0.0;
    if (q <= 0.0)
        return res->lat_us[0] / 1000.0;
    idx = (size_t)(q * (double)res->n_lat + 0.999999);
    if (idx > 0)
        idx--;
    if (idx >= res->n_lat)
        idx = res->n_lat - 1;
    return res->lat_us[idx] / 1000.0;
}

/* Server CPU ms per finished connection. */
double
bench_srv_cpu_ms(const struct bench_result *res)
{
    unsigned conns = res->ok + res->failed;
    uint64_t ticks = res->srv_after.cpu_ticks - res->srv_before.cpu_ticks;

    if (conns == 0 || res->srv_after.cpu_ticks < res->srv_before.cpu_ticks)
        return 0.0;
    return (double)ticks * 1000.0 / (double)bench_ticks_per_s() / (double)conns;
}

/* Header of the table. */
void
bench_report_header(void)
{
    printf("| phase | mode | N | C | ok | fail | wall s | logins/s | p50 ms | p99 ms | "
           "min ms | max ms | peak | srv CPU ms/conn | cli CPU ms/conn | "
           "srv RSS KiB before -> after |\n");
    printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
}

/* One row; sorts the latencies. */
void
bench_report_row(const struct bench_phase *ph, struct bench_result *res)
{
    unsigned conns = res->ok + res->failed;

    qsort(res->lat_us, res->n_lat, sizeof(*res->lat_us), cmp_u32);
    printf("| %s | %s | %u | %u | %u | %u | %.2f | %.0f | %.1f | %.1f | %.1f | %.1f | %u | "
           "%.3f | %.3f | %llu -> %llu |\n",
           ph->label, ph->mode == BENCH_CSSP ? "credssp" : "tls-only", ph->n, ph->c, res->ok,
           res->failed + res->not_started, res->wall_s,
           res->wall_s > 0 ? res->ok / res->wall_s : 0.0, bench_quantile_ms(res, 0.50),
           bench_quantile_ms(res, 0.99), bench_quantile_ms(res, 0.0),
           bench_quantile_ms(res, 1.0), res->peak_in_flight, bench_srv_cpu_ms(res),
           conns > 0 ? (double)res->cli_cpu_us / 1000.0 / conns : 0.0,
           (unsigned long long)res->srv_before.rss_kib,
           (unsigned long long)res->srv_after.rss_kib);
    if (res->failed + res->not_started > 0)
        fprintf(stderr, "credssp-bench: %s: first failure: %s%s\n", ph->label,
                res->first_failure,
                res->not_started > 0 ? "; some never started" : "");
    fflush(stdout);
}
