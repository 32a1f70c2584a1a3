/*
 * bench.h - shared definitions of credssp-bench, the load client that
 * measures credssp-server (issue #4 item 5, docs/PERFORMANCE.md).
 *
 * One phase = N connections against one server, at most C in flight, on one
 * epoll loop (loop.c).  Each connection: TCP connect, X.224 Connection
 * Request with RDP_NEG_REQ(HYBRID) and Connection Confirm (MS-RDPBCGR
 * 2.2.1.1 / 2.2.1.2, x224c.c), then a session (session.c): either a full
 * CredSSP v6 login through the test client of tests/integration/cssp_client.h
 * or the TLS handshake alone (the server's --tls-only baseline), then the
 * server's ending read to EOF.  A phase records latencies, the server's CPU
 * time and RSS from /proc, and the client's own CPU time (procstat.c).
 */
#ifndef CSSP_BENCH_H
#define CSSP_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netinet/in.h>

#define BENCH_REASON_LEN 160

enum bench_mode {
    BENCH_TLS = 1,     /* X.224 + TLS handshake, server closes (--tls-only) */
    BENCH_CSSP = 2     /* X.224 + TLS + CredSSP v6 raw NTLM, password creds */
};

/* A server under test: where to connect and which process to watch. */
struct bench_target {
    struct sockaddr_in addr;
    pid_t pid;
};

/* The NTLM account (also the delegated password credential). */
struct bench_creds {
    const char *user;
    const char *domain;
    const char *password;
    bool krb5;                 /* SPNEGO(Kerberos) from the default ccache, not raw NTLM */
};

/* One phase to run. */
struct bench_phase {
    const char *label;
    enum bench_mode mode;
    unsigned n;                /* connections */
    unsigned c;                /* in flight at once */
    unsigned conn_timeout_ms;  /* per connection, from connect() */
    unsigned deadline_ms;      /* whole phase */
};

/* Server process counters (procstat.c). */
struct bench_proc {
    uint64_t cpu_ticks;        /* utime + stime, clock ticks */
    uint64_t rss_kib;          /* VmRSS */
};

/* What a phase measured. */
struct bench_result {
    unsigned ok;
    unsigned failed;
    unsigned not_started;      /* cut by the phase deadline */
    unsigned peak_in_flight;   /* connected and not finished, at most */
    double wall_s;
    uint32_t *lat_us;          /* ok latencies, connect() to the server's EOF */
    size_t n_lat;
    struct bench_proc srv_before, srv_after;
    uint64_t cli_cpu_us;       /* this process, getrusage */
    char first_failure[BENCH_REASON_LEN];
};

/* ---- loop.c ---- */

/* Run one phase; 0 when it ran (see res for failures), -1 on set-up errors. */
int bench_run_phase(const struct bench_phase *ph, const struct bench_target *t,
                    const struct bench_creds *cr, struct bench_result *res);
void bench_result_clear(struct bench_result *res);

/* ---- procstat.c ---- */

/* utime+stime and VmRSS of pid; -1 when /proc cannot be read. */
int bench_proc_read(pid_t pid, struct bench_proc *out);
/* Clock ticks per second for cpu_ticks. */
long bench_ticks_per_s(void);
/* CPU time (user + system) of this process in microseconds. */
uint64_t bench_self_cpu_us(void);
/* Monotonic time in microseconds. */
uint64_t bench_now_us(void);

/* ---- report.c ---- */

/* Print the table header, one phase row, percentiles helper. */
void bench_report_header(void);
void bench_report_row(const struct bench_phase *ph, struct bench_result *res);
/* Latency at quantile q (0..1) of the sorted ok latencies, in ms. */
double bench_quantile_ms(const struct bench_result *res, double q);
/* Server CPU milliseconds per connection (ok + failed) of a phase. */
double bench_srv_cpu_ms(const struct bench_result *res);

#endif /* CSSP_BENCH_H */
