/*
 * admission.c - admission control of credssp-server and credssp-gateway
 * (admission.h; docs/ADMISSION.md): the accept loop that never pauses, the
 * pre-auth and session budgets, per-source counts and penalties in a small
 * hash table (seeded, bounded, cleaned incrementally), the choice of the
 * connection to displace (also when descriptors run low), and the per-step
 * deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admission.h"

#define ACCEPT_BATCH 256u           /* accept(2) calls per readiness event */
#define FD_HEADROOM 32              /* descriptors kept free for timers, xrdp, PAM */

struct adm_source {
    struct adm_source *next;        /* hash chain */
    struct adm_net key;             /* the masked source block */
    unsigned preauth;
    uint64_t penalty_ms;
    uint64_t ban_until;
    uint64_t last_strike;
};

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

/* Clear the bits past the prefix (admission.h). */
void
adm_net_mask(struct adm_net *n)
{
    unsigned total = n->family == AF_INET ? 32u : 128u;

    for (unsigned i = 0; i < 16; i++) {
        unsigned lo = i * 8u;

        if (lo >= total || lo >= n->bits)
            n->addr[i] = 0;
        else if (n->bits < lo + 8u)
            n->addr[i] &= (uint8_t)(0xffu << (lo + 8u - n->bits));
    }
}

/* A peer address as a block (IPv4 /32, IPv4-mapped IPv6 as IPv4, IPv6 /prefix). */
static bool
net_from_sockaddr(const struct sockaddr *sa, unsigned v6_prefix, struct adm_net *out)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;

        out->family = AF_INET;
        memcpy(out->addr, &s4->sin_addr, 4);
        out->bits = 32;
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;

        if (memcmp(s6->sin6_addr.s6_addr, mapped, sizeof(mapped)) == 0) {
            out->family = AF_INET;
            memcpy(out->addr, s6->sin6_addr.s6_addr + 12, 4);
            out->bits = 32;
            return true;
        }
        out->family = AF_INET6;
        memcpy(out->addr, s6->sin6_addr.s6_addr, 16);
        out->bits = v6_prefix;
        adm_net_mask(out);
        return true;
    }
    return false;
}

/* Does block n contain the (full) address a? */
static bool
net_contains(const struct adm_net *n, const struct adm_net *a)
{
    struct adm_net m = *a;

    if (n->family != a->family)
        return false;
    m.bits = n->bits;
    adm_net_mask(&m);
    return memcmp(m.addr, n->addr, sizeof(m.addr)) == 0;
}

static bool
is_exempt(const struct adm *a, const struct sockaddr *sa)
{
    struct adm_net full;

    if (!net_from_sockaddr(sa, 128, &full))
        return false;
    for (size_t i = 0; i < a->cfg.n_exempt; i++)
        if (net_contains(&a->cfg.exempt[i], &full))
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

static unsigned
source_hash(const struct adm *a, const struct adm_net *k)
{
    uint32_t h = 2166136261u ^ a->seed;

    for (size_t i = 0; i < sizeof(k->addr); i++)
        h = (h ^ k->addr[i]) * 16777619u;
    h = (h ^ (uint32_t)k->family) * 16777619u;
    return h % ADM_BUCKETS;
}

static bool
source_stale(const struct adm *a, const struct adm_source *s, uint64_t now)
{
    return s->preauth == 0 && now >= s->ban_until &&
           now - s->last_strike > (uint64_t)a->cfg.penalty_max_s * 1000u;
}

/* Free the stale entries of one bucket. */
static void
sweep_bucket(struct adm *a, unsigned b, uint64_t now)
{
    struct adm_source **pp = &a->buckets[b];

    while (*pp != NULL) {
        struct adm_source *s = *pp;

        if (source_stale(a, s, now)) {
            *pp = s->next;
            free(s);
            a->n_sources--;
        } else {
            pp = &s->next;
        }
    }
}

/* The source entry of key k; created when create is set (NULL when full). */
static struct adm_source *
source_get(struct adm *a, const struct adm_net *k, bool create, uint64_t now)
{
    unsigned b = source_hash(a, k);
    struct adm_source *s;

    for (s = a->buckets[b]; s != NULL; s = s->next)
        if (s->key.family == k->family && memcmp(s->key.addr, k->addr, sizeof(k->addr)) == 0)
            return s;
    if (!create)
        return NULL;
    if (a->n_sources >= ADM_MAX_SOURCES)
        for (unsigned i = 0; i < ADM_BUCKETS; i++)
            sweep_bucket(a, i, now);
    if (a->n_sources >= ADM_MAX_SOURCES)
        return NULL;                /* untracked: the global budget still holds */
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->key = *k;
    s->next = a->buckets[b];
    a->buckets[b] = s;
    a->n_sources++;
    return s;
}

/* The tracked source of a peer (NULL for exempt peers). */
static struct adm_source *
source_of(struct adm *a, const struct sockaddr *sa, bool create, uint64_t now)
{
    struct adm_net k;

    if (is_exempt(a, sa) || !net_from_sockaddr(sa, a->cfg.v6_prefix, &k))
        return NULL;
    return source_get(a, &k, create, now);
}

/* ------------------------------------------------------------------ */
/* Budgets                                                             */
/* ------------------------------------------------------------------ */

/* Leave the pre-auth list and counts. */
static void
preauth_remove(struct adm_conn *e)
{
    struct adm *a = e->adm;

    if (e->stage != ADM_PREAUTH)
        return;
    if (e->prev != NULL)
        e->prev->next = e->next;
    else
        a->head = e->next;
    if (e->next != NULL)
        e->next->prev = e->prev;
    else
        a->tail = e->prev;
    e->prev = e->next = NULL;
    a->preauth--;
    if (e->src != NULL)
        e->src->preauth--;
    e->stage = ADM_OUT;
}

/* How many pre-auth slots the entry's source holds (exempt: 1). */
static unsigned
weight(const struct adm_conn *e)
{
    return e->src != NULL ? e->src->preauth : 1u;
}

/*
 * Has the peer sent bytes the loop has not read yet?  A burst of accepts runs
 * before the connections' reads, so "silent" must be asked of the kernel.
 */
static bool
has_unread(const struct adm *a, struct adm_conn *e)
{
    char b;

    if (e->fd >= 0 && recv(e->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
        e->unread_batch = a->batch;
    return e->unread_batch == a->batch;
}

/*
 * The connection to displace: among those that have sent nothing (else
 * among all), the oldest of the source holding most slots.  Each candidate
 * is asked of the kernel at most once per batch: a "yes" holds until the
 * next adm_accept, by when the loop has read it.
 */
static struct adm_conn *
pick_victim(const struct adm *a)
{
    for (int pass = 0; pass < 2; pass++) {
        for (;;) {
            struct adm_conn *best = NULL;

            for (struct adm_conn *e = a->head; e != NULL; e = e->next)
                if ((pass == 1 || (!e->heard && e->unread_batch != a->batch)) &&
                    (best == NULL || weight(e) > weight(best)))
                    best = e;
            if (best == NULL)
                break;
            if (pass == 1 || !has_unread(a, best))
                return best;
        }
    }
    return NULL;
}

/* Displace one pre-auth connection; false when there is none. */
static bool
evict_one(struct adm *a)
{
    struct adm_conn *v = pick_victim(a);

    if (v == NULL)
        return false;
    preauth_remove(v);
    a->evicted++;
    a->drop(v->owner, "evicted");
    return true;
}

/* Refuse at accept with a reset: no TIME_WAIT left behind by a flood. */
static void
refuse(int fd)
{
    struct linger lg = { .l_onoff = 1, .l_linger = 0 };

    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    (void)close(fd);
}

/* Out of descriptors: displace someone, else drop the newcomer via the spare fd. */
static void
out_of_fds(struct adm *a, int lfd)
{
    int fd;

    if (evict_one(a) || a->reserve_fd < 0)
        return;                     /* its descriptor is free after this batch */
    (void)close(a->reserve_fd);
    fd = accept(lfd, NULL, NULL);
    if (fd >= 0)
        (void)close(fd);
    a->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/*
 * Would one more connection leave fewer than FD_HEADROOM descriptors?  Each
 * connection is counted at fds_per_conn (socket, timer, xrdp socket or PAM
 * eventfd), on top of what was open at start (fd_base).
 */
static bool
fds_short(const struct adm *a)
{
    long need = (long)a->fd_base + FD_HEADROOM +
                (long)(a->preauth + a->sessions + 1u) * (long)a->cfg.fds_per_conn;

    return need > (long)a->fd_limit;
}

/* Accept, refuse or displace (admission.h). */
unsigned
adm_accept(struct adm *a, int lfd, unsigned long max, uint64_t now_ms)
{
    unsigned taken = 0;

    a->now_ms = now_ms;
    a->batch++;                     /* earlier "unread" answers are stale: read since */
    sweep_bucket(a, a->sweep, now_ms);
    a->sweep = (a->sweep + 1u) % ADM_BUCKETS;
    for (unsigned i = 0; i < ACCEPT_BATCH && taken < max; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct adm_source *s;
        bool low;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                out_of_fds(a, lfd);
            return taken;
        }
        s = source_of(a, (struct sockaddr *)&ss, false, now_ms);
        if (s != NULL && now_ms < s->ban_until) {
            a->refused_banned++;
            refuse(fd);
            continue;
        }
        if (s != NULL && a->cfg.per_source > 0 && s->preauth >= a->cfg.per_source) {
            a->refused_source++;
            refuse(fd);
            continue;
        }
        if (a->preauth >= a->cfg.max_startups)
            (void)evict_one(a);
        low = fds_short(a);
        if (low && !evict_one(a)) {
            a->refused_fds++;       /* only sessions hold descriptors: no room */
            refuse(fd);
            return taken;
        }
        taken++;
        a->on_accept(a->ctx, fd, (struct sockaddr *)&ss, sl);
        if (low)
            return taken;           /* the displaced ones' descriptors free after this batch */
    }
    return taken;
}

void
adm_join(struct adm *a, struct adm_conn *e, const struct sockaddr *sa, int fd, void *owner)
{
    memset(e, 0, sizeof(*e));
    e->adm = a;
    e->fd = fd;
    e->owner = owner;
    e->src = source_of(a, sa, true, a->now_ms);
    e->stage = ADM_PREAUTH;
    e->prev = a->tail;
    if (a->tail != NULL)
        a->tail->next = e;
    else
        a->head = e;
    a->tail = e;
    a->preauth++;
    if (e->src != NULL)
        e->src->preauth++;
}

void
adm_heard(struct adm_conn *e)
{
    e->heard = true;
}

bool
adm_promote(struct adm_conn *e)
{
    struct adm *a = e->adm;

    if (a == NULL || e->stage != ADM_PREAUTH)
        return a != NULL && e->stage == ADM_SESSION;
    preauth_remove(e);
    if (a->sessions >= a->cfg.max_sessions) {
        a->busy++;
        return false;
    }
    e->stage = ADM_SESSION;
    a->sessions++;
    return true;
}

/* One line on stderr when a source starts being refused (fail2ban can watch it too). */
static void
log_ban(const struct adm *a, const struct adm_source *s, uint64_t ms)
{
    char text[INET6_ADDRSTRLEN];

    if (inet_ntop(s->key.family, s->key.addr, text, sizeof(text)) == NULL)
        (void)snprintf(text, sizeof(text), "%s", "?");
    fprintf(stderr, "%s: admission: source %s/%u refused for %llu s (timeouts or non-RDP "
            "requests)\n", a->prog, text, s->key.bits, (unsigned long long)(ms / 1000u));
}

void
adm_strike(struct adm_conn *e, uint64_t now_ms)
{
    struct adm_source *s = e->src;
    uint64_t max_ms, min_ms;

    if (e->adm == NULL)
        return;
    e->adm->timeouts++;
    if (s == NULL || e->adm->cfg.penalty_s == 0)
        return;
    max_ms = (uint64_t)e->adm->cfg.penalty_max_s * 1000u;
    min_ms = (uint64_t)e->adm->cfg.penalty_min_s * 1000u;
    if (now_ms >= s->ban_until && now_ms - s->last_strike > max_ms)
        s->penalty_ms = 0;          /* quiet long enough: start over */
    s->penalty_ms += (uint64_t)e->adm->cfg.penalty_s * 1000u;
    if (s->penalty_ms > max_ms)
        s->penalty_ms = max_ms;
    if (s->penalty_ms >= min_ms && s->penalty_ms > 0) {
        if (now_ms >= s->ban_until)
            log_ban(e->adm, s, s->penalty_ms);
        s->ban_until = now_ms + s->penalty_ms;
    }
    s->last_strike = now_ms;
}

void
adm_leave(struct adm_conn *e)
{
    if (e == NULL || e->adm == NULL)
        return;
    if (e->stage == ADM_PREAUTH)
        preauth_remove(e);
    else if (e->stage == ADM_SESSION)
        e->adm->sessions--;
    e->stage = ADM_OUT;
}

uint64_t
adm_timer_ms(const struct adm_conn *e, uint64_t start_ms, unsigned total_ms, uint64_t now_ms)
{
    uint64_t end = start_ms + total_ms;

    if (e->adm != NULL && e->stage == ADM_PREAUTH) {
        uint64_t step = e->heard ? now_ms + e->adm->cfg.step_ms : start_ms + e->adm->cfg.x224_ms;

        if (step < end)
            end = step;
    }
    return end > now_ms ? end - now_ms : 1u;
}

int
adm_init(struct adm *a, const struct adm_config *cfg, const char *prog, void *ctx,
         adm_accept_fn on_accept, adm_drop_fn drop)
{
    struct rlimit rl;

    memset(a, 0, sizeof(*a));
    a->cfg = *cfg;
    a->prog = prog;
    a->ctx = ctx;
    a->on_accept = on_accept;
    a->drop = drop;
    a->batch = 1;                   /* a new entry's unread_batch 0 is never current */
    if (getentropy(&a->seed, sizeof(a->seed)) != 0)
        a->seed = (uint32_t)getpid();
    a->fd_limit = INT_MAX;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)INT_MAX)
        a->fd_limit = (int)rl.rlim_cur;
    a->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    a->fd_base = a->reserve_fd + 1;             /* the lowest free one: about what is open */
    return a->reserve_fd >= 0 ? 0 : -1;
}

void
adm_fini(struct adm *a)
{
    for (unsigned i = 0; i < ADM_BUCKETS; i++) {
        while (a->buckets[i] != NULL) {
            struct adm_source *s = a->buckets[i];

            a->buckets[i] = s->next;
            free(s);
        }
    }
    a->n_sources = 0;
    if (a->reserve_fd >= 0)
        (void)close(a->reserve_fd);
    a->reserve_fd = -1;
}
