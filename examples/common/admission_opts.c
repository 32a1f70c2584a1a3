/*
 * admission_opts.c - the command-line options of admission control, shared
 * by credssp-server and credssp-gateway (admission.h): defaults, parsing
 * (numbers with bounds, the exempt list ADDR[/BITS],...) and --help text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "admission.h"
#include "util.h"

/* The same for an unsigned. */
static int
parse_num(const char *s, unsigned long lo, unsigned long hi, unsigned *out)
{
    unsigned long v = 0;

    if (fe_parse_ulong(s, lo, hi, &v) != 0)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* One "ADDR" or "ADDR/BITS" into n. */
static int
parse_net(const char *item, struct adm_net *n)
{
    char buf[64];
    char *slash;
    unsigned max;

    if (snprintf(buf, sizeof(buf), "%s", item) >= (int)sizeof(buf))
        return -1;
    slash = strchr(buf, '/');
    if (slash != NULL)
        *slash++ = '\0';
    memset(n, 0, sizeof(*n));
    if (inet_pton(AF_INET, buf, n->addr) == 1) {
        n->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
        n->family = AF_INET6;
        max = 128;
    } else {
        return -1;
    }
    n->bits = max;
    if (slash != NULL && parse_num(slash, 0, max, &n->bits) != 0)
        return -1;
    adm_net_mask(n);
    return 0;
}

/* "A,B/16,..." or "none" replaces the exempt list. */
static int
parse_exempt(struct adm_config *cfg, const char *list)
{
    char buf[1024];
    char *save = NULL;

    cfg->n_exempt = 0;
    if (strcmp(list, "none") == 0)
        return 0;
    if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf))
        return -1;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (cfg->n_exempt >= ADM_MAX_EXEMPT || parse_net(t, &cfg->exempt[cfg->n_exempt]) != 0)
            return -1;
        cfg->n_exempt++;
    }
    return 0;
}

void
adm_config_defaults(struct adm_config *cfg, unsigned max_sessions)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->max_startups = ADM_DEFAULT_STARTUPS;
    cfg->max_sessions = max_sessions;
    cfg->per_source = ADM_DEFAULT_PER_SOURCE;
    cfg->v6_prefix = ADM_DEFAULT_V6_PREFIX;
    cfg->x224_ms = ADM_DEFAULT_X224_MS;
    cfg->step_ms = ADM_DEFAULT_STEP_MS;
    cfg->penalty_s = ADM_DEFAULT_PENALTY_S;
    cfg->penalty_min_s = ADM_DEFAULT_PENALTY_MIN_S;
    cfg->penalty_max_s = ADM_DEFAULT_PENALTY_MAX_S;
    cfg->fds_per_conn = ADM_DEFAULT_FDS_PER_CONN;
    (void)parse_exempt(cfg, ADM_DEFAULT_EXEMPT);
}

int
adm_option(struct adm_config *cfg, const char *prog, int code, const char *arg)
{
    const char *name = NULL;
    int bad = 0;

    switch (code) {
    case ADM_OPT_STARTUPS:
        name = "--max-startups wants 1..65536";
        bad = parse_num(arg, 1, 65536, &cfg->max_startups);
        break;
    case ADM_OPT_PER_SOURCE:
        name = "--per-source wants 0..65536 (0 = no cap)";
        bad = parse_num(arg, 0, 65536, &cfg->per_source);
        break;
    case ADM_OPT_V6_PREFIX:
        name = "--ipv6-prefix wants 1..128";
        bad = parse_num(arg, 1, 128, &cfg->v6_prefix);
        break;
    case ADM_OPT_X224_TIMEOUT:
        name = "--x224-timeout wants 1..600000 ms";
        bad = parse_num(arg, 1, 600000, &cfg->x224_ms);
        break;
    case ADM_OPT_STEP_TIMEOUT:
        name = "--step-timeout wants 1..600000 ms";
        bad = parse_num(arg, 1, 600000, &cfg->step_ms);
        break;
    case ADM_OPT_PENALTY:
        name = "--penalty wants 0..3600 s (0 = off)";
        bad = parse_num(arg, 0, 3600, &cfg->penalty_s);
        break;
    case ADM_OPT_PENALTY_MIN:
        name = "--penalty-min wants 0..86400 s";
        bad = parse_num(arg, 0, 86400, &cfg->penalty_min_s);
        break;
    case ADM_OPT_PENALTY_MAX:
        name = "--penalty-max wants 1..86400 s";
        bad = parse_num(arg, 1, 86400, &cfg->penalty_max_s);
        break;
    case ADM_OPT_EXEMPT:
        name = "--penalty-exempt wants ADDR[/BITS],... (at most 16) or none";
        bad = parse_exempt(cfg, arg);
        break;
    default:
        return 0;
    }
    if (bad != 0) {
        fprintf(stderr, "%s: %s\n", prog, name);
        return -1;
    }
    return 1;
}

void
adm_usage(FILE *f)
{
    fprintf(f,
"Admission control (docs/ADMISSION.md):\n"
"  --max-startups N        connections not yet authenticated (default %u); when\n"
"                          full a newcomer displaces the oldest silent one of\n"
"                          the busiest source - accepting never pauses\n"
"  --per-source N          unauthenticated connections per source (default %u,\n"
"                          0 = no cap); a source is an IPv4 address or an\n"
"  --ipv6-prefix BITS      IPv6 /BITS block (default %u)\n"
"  --x224-timeout MS       accept to X.224 Connection Request (default %u)\n"
"  --step-timeout MS       each later round before authentication: TLS flight,\n"
"                          CredSSP message (default %u); --timeout bounds all\n"
"  --penalty S             seconds a source collects per pre-auth timeout or\n"
"                          non-RDP request (default %u, 0 = no penalties)\n"
"  --penalty-min S         refuse a source at accept once it has collected this\n"
"                          much (default %u), for as long as it has collected\n"
"  --penalty-max S         cap of a source's penalty (default %u)\n"
"  --penalty-exempt LIST   ADDR[/BITS],... free of per-source caps and penalties\n"
"                          (default %s; \"none\" for no exemption)\n",
            ADM_DEFAULT_STARTUPS, ADM_DEFAULT_PER_SOURCE, ADM_DEFAULT_V6_PREFIX,
            ADM_DEFAULT_X224_MS, ADM_DEFAULT_STEP_MS, ADM_DEFAULT_PENALTY_S,
            ADM_DEFAULT_PENALTY_MIN_S, ADM_DEFAULT_PENALTY_MAX_S, ADM_DEFAULT_EXEMPT);
}
