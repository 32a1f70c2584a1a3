/*
 * admission.h - admission control shared by credssp-server and
 * credssp-gateway (in the spirit of OpenSSH MaxStartups /
 * PerSourceMaxStartups / PerSourcePenalties; docs/ADMISSION.md).
 *
 *   pre-auth budget   connections that have not finished CredSSP; when it is
 *                     full a newcomer displaces one of them (the oldest silent
 *                     one of the source holding most slots) - accept never stops
 *   sessions          authenticated connections (PAM / relay), a separate cap;
 *                     they never count against the pre-auth budget
 *   per source        pre-auth connections per IPv4 address / IPv6 netblock
 *   deadlines         the X.224 request within --x224-timeout, every later
 *                     round (TLS flight, CredSSP message) within --step-timeout
 *   penalties         a source whose connections time out or send garbage
 *                     collects penalty seconds; past --penalty-min it is
 *                     refused at accept until the penalty has run out
 *   exempt            addresses free of per-source caps and penalties
 *
 * One struct adm per process; one struct adm_conn embedded in every
 * connection.  Single-threaded (the epoll loop).
 */
#ifndef CSSP_EXAMPLE_ADMISSION_H
#define CSSP_EXAMPLE_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define ADM_MAX_EXEMPT 16u
#define ADM_BUCKETS 1024u
#define ADM_MAX_SOURCES 16384u

/* getopt_long codes of the shared options (kept clear of the programs' own). */
enum {
    ADM_OPT_STARTUPS = 0x700,
    ADM_OPT_PER_SOURCE,
    ADM_OPT_V6_PREFIX,
    ADM_OPT_X224_TIMEOUT,
    ADM_OPT_STEP_TIMEOUT,
    ADM_OPT_PENALTY,
    ADM_OPT_PENALTY_MIN,
    ADM_OPT_PENALTY_MAX,
    ADM_OPT_EXEMPT
};

/* Entries for a struct option table. */
#define ADM_LONG_OPTIONS                                                   \
    { "max-startups", required_argument, NULL, ADM_OPT_STARTUPS },          \
    { "per-source", required_argument, NULL, ADM_OPT_PER_SOURCE },          \
    { "ipv6-prefix", required_argument, NULL, ADM_OPT_V6_PREFIX },          \
    { "x224-timeout", required_argument, NULL, ADM_OPT_X224_TIMEOUT },      \
    { "step-timeout", required_argument, NULL, ADM_OPT_STEP_TIMEOUT },      \
    { "penalty", required_argument, NULL, ADM_OPT_PENALTY },                \
    { "penalty-min", required_argument, NULL, ADM_OPT_PENALTY_MIN },        \
    { "penalty-max", required_argument, NULL, ADM_OPT_PENALTY_MAX },        \
    { "penalty-exempt", required_argument, NULL, ADM_OPT_EXEMPT }

#define ADM_DEFAULT_STARTUPS 256u
#define ADM_DEFAULT_PER_SOURCE 16u
#define ADM_DEFAULT_V6_PREFIX 64u
#define ADM_DEFAULT_X224_MS 2000u
#define ADM_DEFAULT_STEP_MS 5000u
#define ADM_DEFAULT_PENALTY_S 5u
#define ADM_DEFAULT_PENALTY_MIN_S 15u
#define ADM_DEFAULT_PENALTY_MAX_S 60u
#define ADM_DEFAULT_EXEMPT "127.0.0.1,::1"
#define ADM_DEFAULT_FDS_PER_CONN 3u     /* server: socket, timer, PAM eventfd */

/* An address block: family AF_INET / AF_INET6, 16 bytes (IPv4 in the first 4), prefix bits. */
struct adm_net {
    int family;
    uint8_t addr[16];
    unsigned bits;
};

/* Clear the address bits past n->bits. */
void adm_net_mask(struct adm_net *n);

struct adm_config {
    unsigned max_startups;      /* pre-auth connections in all */
    unsigned max_sessions;      /* authenticated connections (the program's --max-concurrent) */
    unsigned per_source;        /* pre-auth connections per source, 0 = no cap */
    unsigned v6_prefix;         /* IPv6 sources are /v6_prefix blocks */
    unsigned x224_ms;           /* accept -> X.224 Connection Request */
    unsigned step_ms;           /* each later round while pre-auth */
    unsigned penalty_s;         /* per timeout / garbage, 0 = no penalties */
    unsigned penalty_min_s;     /* refuse once this much is collected */
    unsigned penalty_max_s;     /* cap of a source's penalty */
    unsigned fds_per_conn;      /* descriptors a connection may hold (the program sets it) */
    struct adm_net exempt[ADM_MAX_EXEMPT];
    size_t n_exempt;
};

enum adm_stage { ADM_OUT = 0, ADM_PREAUTH, ADM_SESSION };

struct adm;
struct adm_source;

/* Embedded in each connection. */
struct adm_conn {
    struct adm *adm;
    struct adm_conn *prev;      /* pre-auth list, oldest first */
    struct adm_conn *next;
    struct adm_source *src;     /* NULL: exempt or untracked */
    void *owner;
    enum adm_stage stage;
    bool heard;                 /* the X.224 request arrived */
    unsigned unread_batch;      /* == adm.batch: bytes wait in the kernel, not silent */
    int fd;                     /* its socket, peeked before it is displaced; -1: none */
};

/* The program's connection constructor and "drop this one now". */
typedef void (*adm_accept_fn)(void *ctx, int fd, const struct sockaddr *sa, socklen_t salen);
typedef void (*adm_drop_fn)(void *owner, const char *outcome);

struct adm {
    struct adm_config cfg;
    const char *prog;           /* prefix of the log line when a ban starts */
    void *ctx;
    adm_accept_fn on_accept;
    adm_drop_fn drop;
    struct adm_conn *head;
    struct adm_conn *tail;
    unsigned preauth;
    unsigned sessions;
    struct adm_source *buckets[ADM_BUCKETS];
    unsigned n_sources;
    unsigned sweep;             /* next bucket the incremental clean-up visits */
    uint32_t seed;
    uint64_t now_ms;            /* of the current adm_accept */
    unsigned batch;             /* counts adm_accept calls (from 1): unread_batch */
    int reserve_fd;             /* spare descriptor for EMFILE */
    int fd_limit;               /* RLIMIT_NOFILE at start */
    int fd_base;                /* descriptors open at start */
    unsigned long refused_banned, refused_source, refused_fds, evicted, busy, timeouts;
};

/* Defaults into cfg (max_sessions = the program's default --max-concurrent). */
void adm_config_defaults(struct adm_config *cfg, unsigned max_sessions);
/*
 * One of the ADM_OPT_* options: 1 = handled, 0 = not ours, -1 = bad value
 * (message on stderr prefixed with prog).
 */
int adm_option(struct adm_config *cfg, const char *prog, int code, const char *arg);
/* The --help lines of the shared options (with their defaults). */
void adm_usage(FILE *f);

/* Set up / tear down the process state. */
int adm_init(struct adm *a, const struct adm_config *cfg, const char *prog, void *ctx,
             adm_accept_fn on_accept, adm_drop_fn drop);
void adm_fini(struct adm *a);

/*
 * Accept up to max new connections from a nonblocking listening socket:
 * refuse banned / over-cap sources at once, displace a pre-auth connection
 * when the budget is full, hand the rest to on_accept (which must call
 * adm_join).  Never leaves the listener unread for lack of room.
 * Returns the number handed over.
 */
unsigned adm_accept(struct adm *a, int lfd, unsigned long max, uint64_t now_ms);

/* A new connection (socket fd, or -1) enters the pre-auth budget. */
void adm_join(struct adm *a, struct adm_conn *e, const struct sockaddr *sa, int fd, void *owner);
/* Its X.224 Connection Request arrived. */
void adm_heard(struct adm_conn *e);
/* CredSSP succeeded: move to the session budget; false = no room ("busy"). */
bool adm_promote(struct adm_conn *e);
/*
 * The connection timed out before authenticating, or sent garbage: penalise
 * its source (one line on stderr when the source starts being refused).
 */
void adm_strike(struct adm_conn *e, uint64_t now_ms);
/* The connection ends (NULL-safe on a connection that never joined). */
void adm_leave(struct adm_conn *e);
/*
 * Milliseconds until the connection's next deadline: pre-auth, before X.224:
 * start + x224; pre-auth later: now + step; never past start + total.
 */
uint64_t adm_timer_ms(const struct adm_conn *e, uint64_t start_ms, unsigned total_ms,
                      uint64_t now_ms);

#endif /* CSSP_EXAMPLE_ADMISSION_H */
