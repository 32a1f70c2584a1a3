/*
 * main.c - credssp-bench: options, the phase plan, the summary against the
 * targets of issue #4 item 5 (docs/PERFORMANCE.md):
 *
 *   1. server CPU per CredSSP login <= 1.25 x the TLS-only baseline (same key)
 *   2. 1,000 concurrent in-flight handshakes, every one completes
 *   3. server RSS growth < 1 MiB over 10,000 logins
 *
 * Plan: warm-up of both servers, then `--rounds` interleaved pairs
 * (TLS-only N@C, CredSSP N@C) so slow drift of the machine hits both modes,
 * then the soak (CredSSP, `--soak` logins, RSS before/after), then the burst
 * (`--burst` connections all in flight at once, TLS-only then CredSSP).
 * tests/bench/run.sh starts the two servers and calls this program.
 *
 * `--make-keyfile FILE` writes the NT-hash key file of the bench account
 * (credssp_nt_hash + credssp_keyfile_set) and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "credssp.h"
#include "credssp_keyfile.h"

#define DEFAULT_N 2000u
#define DEFAULT_C 16u
#define DEFAULT_ROUNDS 2u
#define DEFAULT_WARMUP 200u
#define DEFAULT_SOAK 10000u
#define DEFAULT_BURST 1000u
#define DEFAULT_CONN_TIMEOUT_MS 60000u
#define DEFAULT_DEADLINE_S 600u
#define MAX_CONNS 1000000u
#define MAX_CONCURRENCY 8192u
#define MAX_ROUNDS 20u
#define MAX_PHASES (4u + 2u * MAX_ROUNDS)

#define TARGET_CPU_RATIO 1.25
#define TARGET_RSS_KIB 1024u
#define MIN_TICKS 200u            /* below this the 1-tick resolution exceeds 0.5 % */

struct opts {
    struct bench_target cssp, tls;
    bool have_cssp, have_tls;
    struct bench_creds cr;
    unsigned n, c, rounds, warmup, soak, burst;
    unsigned conn_timeout_ms, deadline_s;
    const char *make_keyfile;
};

/* Results kept for the summary. */
struct plan {
    struct bench_phase ph[MAX_PHASES];
    struct bench_result res[MAX_PHASES];
    unsigned count;
};

enum { OPT_CSSP = 0x100, OPT_CSSP_PID, OPT_TLS, OPT_TLS_PID, OPT_ROUNDS, OPT_WARMUP,
       OPT_SOAK, OPT_BURST, OPT_USER, OPT_DOMAIN, OPT_PASSWORD, OPT_CONN_TIMEOUT,
       OPT_DEADLINE, OPT_MAKE_KEYFILE, OPT_KRB5 };

static const struct option long_opts[] = {
    { "cssp", required_argument, NULL, OPT_CSSP },
    { "cssp-pid", required_argument, NULL, OPT_CSSP_PID },
    { "tls", required_argument, NULL, OPT_TLS },
    { "tls-pid", required_argument, NULL, OPT_TLS_PID },
    { "connections", required_argument, NULL, 'n' },
    { "concurrency", required_argument, NULL, 'c' },
    { "rounds", required_argument, NULL, OPT_ROUNDS },
    { "warmup", required_argument, NULL, OPT_WARMUP },
    { "soak", required_argument, NULL, OPT_SOAK },
    { "burst", required_argument, NULL, OPT_BURST },
    { "user", required_argument, NULL, OPT_USER },
    { "domain", required_argument, NULL, OPT_DOMAIN },
    { "password", required_argument, NULL, OPT_PASSWORD },
    { "conn-timeout", required_argument, NULL, OPT_CONN_TIMEOUT },
    { "deadline", required_argument, NULL, OPT_DEADLINE },
    { "make-keyfile", required_argument, NULL, OPT_MAKE_KEYFILE },
    { "krb5", no_argument, NULL, OPT_KRB5 },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

/* Usage text. */
static void
usage(FILE *f)
{
    fprintf(f,
"usage: credssp-bench --cssp 127.0.0.1:PORT --cssp-pid PID\n"
"                     [--tls 127.0.0.1:PORT --tls-pid PID] [options]\n"
"       credssp-bench --make-keyfile FILE [--user U --domain D --password P]\n"
"Load client for credssp-server (see tests/bench/run.sh, docs/PERFORMANCE.md).\n"
"\n"
"  --cssp ADDR --cssp-pid PID  the CredSSP server and its process\n"
"  --tls ADDR --tls-pid PID    the same server binary with --tls-only (baseline)\n"
"  -n, --connections N         connections per measured phase (default %u)\n"
"  -c, --concurrency C         in flight at once (default %u)\n"
"  --rounds R                  interleaved TLS-only/CredSSP pairs (default %u)\n"
"  --warmup W                  warm-up connections per server (default %u)\n"
"  --soak M                    CredSSP logins of the RSS phase, 0 = skip (default %u)\n"
"  --burst B                   connections all in flight at once, 0 = skip (default %u)\n"
"  --user U --domain D --password P   the NTLM account (default bench / BENCH / benchpw)\n"
"  --conn-timeout MS           per connection (default %u)\n"
"  --deadline S                per phase (default %u)\n"
"  --make-keyfile FILE         write the account's NT hash to FILE and exit\n"
"  --krb5                      CredSSP logins with SPNEGO(Kerberos) from the default\n"
"                              ccache (--user/--domain/--password: the delegated ones)\n",
            DEFAULT_N, DEFAULT_C, DEFAULT_ROUNDS, DEFAULT_WARMUP, DEFAULT_SOAK,
            DEFAULT_BURST, DEFAULT_CONN_TIMEOUT_MS, DEFAULT_DEADLINE_S);
}

/* Decimal in [lo, hi]. */
static int
parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned *out)
{
    char *end = NULL;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* "127.x.y.z:PORT" (loopback only: the bench never leaves the host). */
static int
parse_addr(const char *spec, struct sockaddr_in *out)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    unsigned port = 0;
    size_t hlen;

    memset(out, 0, sizeof(*out));
    if (colon == NULL || (hlen = (size_t)(colon - spec)) == 0 || hlen >= sizeof(host))
        return -1;
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    if (inet_pton(AF_INET, host, &out->sin_addr) != 1 ||
        parse_uint(colon + 1, 1, 65535, &port) != 0)
        return -1;
    if ((ntohl(out->sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "credssp-bench: %s is not a loopback address\n", host);
        return -1;
    }
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return 0;
}

/* Parse argv; 0 ok, 1 help, -1 error. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
    unsigned v = 0;
    int ch, bad = 0;

    o->n = DEFAULT_N;
    o->c = DEFAULT_C;
    o->rounds = DEFAULT_ROUNDS;
    o->warmup = DEFAULT_WARMUP;
    o->soak = DEFAULT_SOAK;
    o->burst = DEFAULT_BURST;
    o->conn_timeout_ms = DEFAULT_CONN_TIMEOUT_MS;
    o->deadline_s = DEFAULT_DEADLINE_S;
    o->cr.user = "bench";
    o->cr.domain = "BENCH";
    o->cr.password = "benchpw";
    while ((ch = getopt_long(argc, argv, "n:c:h", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_CSSP: bad |= parse_addr(optarg, &o->cssp.addr); o->have_cssp = true; break;
        case OPT_TLS: bad |= parse_addr(optarg, &o->tls.addr); o->have_tls = true; break;
        case OPT_CSSP_PID:
            bad |= parse_uint(optarg, 1, 4194304, &v);
            o->cssp.pid = (pid_t)v;
            break;
        case OPT_TLS_PID:
            bad |= parse_uint(optarg, 1, 4194304, &v);
            o->tls.pid = (pid_t)v;
            break;
        case 'n': bad |= parse_uint(optarg, 1, MAX_CONNS, &o->n); break;
        case 'c': bad |= parse_uint(optarg, 1, MAX_CONCURRENCY, &o->c); break;
        case OPT_ROUNDS: bad |= parse_uint(optarg, 1, MAX_ROUNDS, &o->rounds); break;
        case OPT_WARMUP: bad |= parse_uint(optarg, 0, MAX_CONNS, &o->warmup); break;
        case OPT_SOAK: bad |= parse_uint(optarg, 0, MAX_CONNS, &o->soak); break;
        case OPT_BURST: bad |= parse_uint(optarg, 0, MAX_CONCURRENCY, &o->burst); break;
        case OPT_USER: o->cr.user = optarg; break;
        case OPT_DOMAIN: o->cr.domain = optarg; break;
        case OPT_PASSWORD: o->cr.password = optarg; break;
        case OPT_CONN_TIMEOUT:
            bad |= parse_uint(optarg, 100, 600000, &o->conn_timeout_ms);
            break;
        case OPT_DEADLINE: bad |= parse_uint(optarg, 1, 7200, &o->deadline_s); break;
        case OPT_MAKE_KEYFILE: o->make_keyfile = optarg; break;
        case OPT_KRB5: o->cr.krb5 = true; break;
        case 'h': return 1;
        default: return -1;
        }
    }
    if (bad != 0 || optind != argc) {
        fprintf(stderr, "credssp-bench: bad arguments\n");
        return -1;
    }
    if (o->make_keyfile == NULL &&
        ((!o->have_cssp && !o->have_tls) || (o->have_cssp && o->cssp.pid == 0) ||
         (o->have_tls && o->tls.pid == 0))) {
        fprintf(stderr, "credssp-bench: --cssp and/or --tls needed, each with its --*-pid\n");
        return -1;
    }
    return 0;
}

/* --make-keyfile: the account's NT hash into an smbpasswd-format file. */
static int
make_keyfile(const struct opts *o)
{
    credssp_secret *h = NULL;
    credssp_error ret = credssp_nt_hash(o->cr.password, strlen(o->cr.password), &h);

    if (ret == CREDSSP_OK)
        ret = credssp_keyfile_set(o->make_keyfile, o->cr.user, o->cr.domain, h);
    credssp_secret_free(h);
    if (ret != CREDSSP_OK) {
        fprintf(stderr, "credssp-bench: %s: %s\n", o->make_keyfile, credssp_strerror(ret));
        return 1;
    }
    return 0;
}

/* Append a phase to the plan. */
static void
plan_add(struct plan *p, const struct opts *o, const char *label, enum bench_mode mode,
         unsigned n, unsigned c)
{
    struct bench_phase *ph;

    if (p->count >= MAX_PHASES || n == 0)
        return;
    ph = &p->ph[p->count++];
    ph->label = label;
    ph->mode = mode;
    ph->n = n;
    ph->c = c < n ? c : n;
    ph->conn_timeout_ms = o->conn_timeout_ms;
    ph->deadline_ms = o->deadline_s * 1000u;
}

/* Build the phase list (a mode without its server is left out). */
static void
plan_build(struct plan *p, const struct opts *o)
{
    static char labels[MAX_ROUNDS][24];

    memset(p, 0, sizeof(*p));
    if (o->have_tls)
        plan_add(p, o, "warmup", BENCH_TLS, o->warmup, o->c);
    if (o->have_cssp)
        plan_add(p, o, "warmup", BENCH_CSSP, o->warmup, o->c);
    for (unsigned r = 0; r < o->rounds; r++) {
        (void)snprintf(labels[r], sizeof(labels[r]), "round %u", r + 1);
        if (o->have_tls)
            plan_add(p, o, labels[r], BENCH_TLS, o->n, o->c);
        if (o->have_cssp)
            plan_add(p, o, labels[r], BENCH_CSSP, o->n, o->c);
    }
    if (o->have_cssp)
        plan_add(p, o, "soak", BENCH_CSSP, o->soak, o->c);
    if (o->have_tls)
        plan_add(p, o, "burst", BENCH_TLS, o->burst, o->burst);
    if (o->have_cssp)
        plan_add(p, o, "burst", BENCH_CSSP, o->burst, o->burst);
}

/* Sum of server CPU ticks / connections / client CPU over the rounds of a mode. */
static void
round_totals(const struct plan *p, enum bench_mode mode, double *srv_ms, double *cli_ms,
             double *rate, uint64_t *ticks_out)
{
    uint64_t ticks = 0, cli_us = 0;
    unsigned conns = 0, ok = 0;
    double wall = 0.0;

    for (unsigned i = 0; i < p->count; i++) {
        const struct bench_result *r = &p->res[i];

        if (p->ph[i].mode != mode || strncmp(p->ph[i].label, "round", 5) != 0)
            continue;
        ticks += r->srv_after.cpu_ticks - r->srv_before.cpu_ticks;
        cli_us += r->cli_cpu_us;
        conns += r->ok + r->failed;
        ok += r->ok;
        wall += r->wall_s;
    }
    *srv_ms = conns ? (double)ticks * 1000.0 / (double)bench_ticks_per_s() / conns : 0.0;
    *cli_ms = conns ? (double)cli_us / 1000.0 / conns : 0.0;
    *rate = wall > 0.0 ? ok / wall : 0.0;
    *ticks_out = ticks;
}

/* Index of the last phase with this label and mode, or -1. */
static int
find_phase(const struct plan *p, const char *label, enum bench_mode mode)
{
    int found = -1;

    for (unsigned i = 0; i < p->count; i++) {
        if (p->ph[i].mode == mode && strcmp(p->ph[i].label, label) == 0)
            found = (int)i;
    }
    return found;
}

/* The three targets. */
static void
summary(const struct plan *p, const struct opts *o)
{
    double cs, cc, cr, ts, tc, tr;
    uint64_t cticks = 0, tticks = 0;
    int soak = find_phase(p, "soak", BENCH_CSSP), burst = find_phase(p, "burst", BENCH_CSSP);

    cs = cc = cr = 0.0;
    round_totals(p, BENCH_CSSP, &cs, &cc, &cr, &cticks);
    printf("\nSummary over the %u measured round(s) of %u connections at concurrency %u:\n",
           o->rounds, o->n, o->c);
    if (o->have_cssp)
        printf("  credssp : %.0f logins/s, server CPU %.3f ms/login, client CPU %.3f ms/login\n",
               cr, cs, cc);
    if (o->have_tls) {
        round_totals(p, BENCH_TLS, &ts, &tc, &tr, &tticks);
        printf("  tls-only: %.0f handshakes/s, server CPU %.3f ms/handshake, client CPU "
               "%.3f ms/handshake\n", tr, ts, tc);
        if (ts > 0.0 && o->have_cssp) {
            printf("  [1] server CPU ratio credssp/tls-only = %.2f (target <= %.2f): %s\n",
                   cs / ts, TARGET_CPU_RATIO, cs / ts <= TARGET_CPU_RATIO ? "MET" : "NOT MET");
            if (cticks < MIN_TICKS || tticks < MIN_TICKS)
                printf("      (only %llu / %llu clock ticks of server CPU: raise -n or "
                       "--rounds for a ratio to +-1%%)\n", (unsigned long long)cticks,
                       (unsigned long long)tticks);
        }
    }
    if (burst >= 0) {
        const struct bench_result *b = &p->res[burst];

        printf("  [2] burst of %u: %u completed, %u failed, peak %u past X.224 at once, "
               "latency min %.1f ms max %.1f ms: %s\n", p->ph[burst].n, b->ok,
               b->failed + b->not_started, b->peak_in_flight, bench_quantile_ms(b, 0.0),
               bench_quantile_ms(b, 1.0),
               b->ok == p->ph[burst].n ? "MET (none starved)" : "NOT MET");
    }
    if (soak >= 0) {
        const struct bench_result *s = &p->res[soak];
        long long growth = (long long)s->srv_after.rss_kib - (long long)s->srv_before.rss_kib;

        printf("  [3] RSS over %u logins: %llu -> %llu KiB, growth %lld KiB (target < %u): "
               "%s\n", p->ph[soak].n, (unsigned long long)s->srv_before.rss_kib,
               (unsigned long long)s->srv_after.rss_kib, growth, TARGET_RSS_KIB,
               growth < (long long)TARGET_RSS_KIB ? "MET" : "NOT MET");
    }
}

/* Parse, run every phase of the plan, print rows and the summary. */
int
main(int argc, char **argv)
{
    static struct plan p;
    struct opts o;
    unsigned failures = 0;
    int rc;

    memset(&o, 0, sizeof(o));
    rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    if (o.make_keyfile != NULL)
        return make_keyfile(&o);
    (void)signal(SIGPIPE, SIG_IGN);
    plan_build(&p, &o);
    bench_report_header();
    for (unsigned i = 0; i < p.count; i++) {
        const struct bench_target *t = p.ph[i].mode == BENCH_CSSP ? &o.cssp : &o.tls;

        if (bench_run_phase(&p.ph[i], t, &o.cr, &p.res[i]) != 0) {
            fprintf(stderr, "credssp-bench: phase %s could not start\n", p.ph[i].label);
            failures++;
            continue;
        }
        bench_report_row(&p.ph[i], &p.res[i]);
        failures += p.res[i].failed + p.res[i].not_started;
    }
    summary(&p, &o);
    for (unsigned i = 0; i < p.count; i++)
        bench_result_clear(&p.res[i]);
    return failures == 0 ? 0 : 1;
}
