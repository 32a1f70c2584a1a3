/*
 * test_admission.c - admission control of the front ends (admission.c,
 * admission_opts.c): options and their bounds, source blocks (IPv4 address,
 * IPv6 /64, IPv4-mapped), budgets and the session cap, the choice of the
 * connection to displace, penalties and exemption, deadlines.  adm_accept
 * runs against a real loopback listening socket.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "admission.h"

/* What the callbacks saw. */
struct seen {
    int accepted;
    int fds[8];
    void *dropped[8];
    int n_dropped;
};

static struct seen *g_seen;      /* on_drop has no context argument */

static void
on_accept(void *ctx, int fd, const struct sockaddr *sa, socklen_t salen)
{
    struct seen *s = ctx;

    (void)sa;
    (void)salen;
    if (s->accepted < 8)
        s->fds[s->accepted] = fd;
    else
        (void)close(fd);
    s->accepted++;
}

static void
on_drop(void *owner, const char *outcome)
{
    assert_string_equal(outcome, "evicted");
    if (g_seen->n_dropped < 8)
        g_seen->dropped[g_seen->n_dropped] = owner;
    g_seen->n_dropped++;
}

static struct sockaddr_in
v4(const char *a)
{
    struct sockaddr_in s;

    memset(&s, 0, sizeof(s));
    s.sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, a, &s.sin_addr), 1);
    return s;
}

static struct sockaddr_in6
v6(const char *a)
{
    struct sockaddr_in6 s;

    memset(&s, 0, sizeof(s));
    s.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, a, &s.sin6_addr), 1);
    return s;
}

static void
cfg_test(struct adm_config *c)
{
    adm_config_defaults(c, 4);
    assert_int_equal(adm_option(c, "t", ADM_OPT_EXEMPT, "none"), 1);
}

/* A listening socket on 127.0.0.1 and a connected client from src. */
static int
listen_lo(unsigned short *port)
{
    struct sockaddr_in a = v4("127.0.0.1");
    socklen_t l = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    *port = a.sin_port;
    return fd;
}

static int
connect_from(const char *src, unsigned short port)
{
    struct sockaddr_in s = v4(src), d = v4("127.0.0.1");
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    d.sin_port = port;
    assert_int_equal(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&d, sizeof(d)), 0);
    return fd;
}

static void
test_options(void **state)
{
    struct adm_config c;

    (void)state;
    adm_config_defaults(&c, 64);
    assert_int_equal(c.max_startups, ADM_DEFAULT_STARTUPS);
    assert_int_equal(c.max_sessions, 64);
    assert_int_equal(c.x224_ms, 2000);
    assert_int_equal(c.n_exempt, 2);                       /* 127.0.0.1, ::1 */
    assert_int_equal(adm_option(&c, "t", ADM_OPT_STARTUPS, "0"), -1);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_STARTUPS, "12x"), -1);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_V6_PREFIX, "129"), -1);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_V6_PREFIX, "48"), 1);
    assert_int_equal(c.v6_prefix, 48);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_EXEMPT, "10.0.0.0/8,2001:db8::/32"), 1);
    assert_int_equal(c.n_exempt, 2);
    assert_int_equal(c.exempt[0].bits, 8);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_EXEMPT, "10.0.0.0/33"), -1);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_EXEMPT, "host.example"), -1);
    assert_int_equal(adm_option(&c, "t", 'x', "1"), 0);    /* not ours */
}

/* IPv6 sources are /64 blocks, IPv4-mapped ones count as IPv4; the cap applies per block. */
static void
test_source_blocks(void **state)
{
    struct adm_config c;
    struct adm a;
    struct adm_conn e[4];
    struct sockaddr_in6 x1 = v6("2001:db8:1:2::1"), x2 = v6("2001:db8:1:2:ffff::9");
    struct sockaddr_in6 y = v6("2001:db8:1:3::1"), m = v6("::ffff:192.0.2.7");
    struct sockaddr_in m4 = v4("192.0.2.7");

    (void)state;
    cfg_test(&c);
    assert_int_equal(adm_init(&a, &c, "test", NULL, on_accept, on_drop), 0);
    adm_join(&a, &e[0], (struct sockaddr *)&x1, -1, NULL);
    adm_join(&a, &e[1], (struct sockaddr *)&x2, -1, NULL);
    adm_join(&a, &e[2], (struct sockaddr *)&y, -1, NULL);
    adm_join(&a, &e[3], (struct sockaddr *)&m, -1, NULL);
    assert_ptr_equal(e[0].src, e[1].src);                  /* same /64 */
    assert_ptr_not_equal(e[0].src, e[2].src);
    assert_int_equal(a.n_sources, 3);
    assert_int_equal(a.preauth, 4);
    {
        struct adm_conn f;

        adm_join(&a, &f, (struct sockaddr *)&m4, -1, NULL);
        assert_ptr_equal(f.src, e[3].src);                 /* mapped == IPv4 */
        adm_leave(&f);
    }
    for (int i = 0; i < 4; i++)
        adm_leave(&e[i]);
    assert_int_equal(a.preauth, 0);
    adm_leave(&e[0]);                                      /* twice: no-op */
    assert_int_equal(a.preauth, 0);
    adm_fini(&a);
}

/* Sessions have their own cap and leave the pre-auth budget. */
static void
test_promote(void **state)
{
    struct adm_config c;
    struct adm a;
    struct adm_conn e[3];
    struct sockaddr_in s = v4("192.0.2.1");

    (void)state;
    cfg_test(&c);
    c.max_sessions = 2;
    assert_int_equal(adm_init(&a, &c, "test", NULL, on_accept, on_drop), 0);
    for (int i = 0; i < 3; i++)
        adm_join(&a, &e[i], (struct sockaddr *)&s, -1, NULL);
    assert_true(adm_promote(&e[0]));
    assert_true(adm_promote(&e[1]));
    assert_false(adm_promote(&e[2]));                      /* busy */
    assert_int_equal(a.preauth, 0);
    assert_int_equal(a.sessions, 2);
    assert_int_equal(a.busy, 1);
    adm_leave(&e[0]);
    adm_leave(&e[2]);
    assert_int_equal(a.sessions, 1);
    adm_leave(&e[1]);
    assert_int_equal(a.sessions, 0);
    adm_fini(&a);
}

/* Full budget: the oldest silent connection of the busiest source goes. */
static void
test_displace(void **state)
{
    struct adm_config c;
    struct adm a;
    struct seen seen;
    struct adm_conn e[3];
    struct sockaddr_in busy = v4("192.0.2.1"), lone = v4("192.0.2.2");
    unsigned short port;
    int lfd, cfd;

    (void)state;
    memset(&seen, 0, sizeof(seen));
    g_seen = &seen;
    cfg_test(&c);
    c.max_startups = 3;
    lfd = listen_lo(&port);
    assert_int_equal(adm_init(&a, &c, "test", &seen, on_accept, on_drop), 0);
    adm_join(&a, &e[0], (struct sockaddr *)&lone, -1, &e[0]);  /* oldest, but alone */
    adm_join(&a, &e[1], (struct sockaddr *)&busy, -1, &e[1]);
    adm_join(&a, &e[2], (struct sockaddr *)&busy, -1, &e[2]);
    adm_heard(&e[1]);                                      /* talking: spared first */
    cfd = connect_from("127.0.0.9", port);
    assert_int_equal(adm_accept(&a, lfd, 10, 1000), 1);
    assert_int_equal(seen.accepted, 1);
    assert_int_equal(seen.n_dropped, 1);
    assert_ptr_equal(seen.dropped[0], &e[2]);
    assert_int_equal(e[2].stage, ADM_OUT);
    assert_int_equal(a.evicted, 1);
    adm_leave(&e[2]);                                      /* the owner's free: no-op */
    adm_leave(&e[0]);
    adm_leave(&e[1]);
    (void)close(seen.fds[0]);
    (void)close(cfd);
    (void)close(lfd);
    adm_fini(&a);
}

/*
 * A connection whose first bytes wait unread in the kernel is not silent:
 * the loop has simply not read it yet (a burst of accepts runs first).  The
 * oldest connection that has really sent nothing goes instead.
 */
static void
test_displace_unread(void **state)
{
    struct adm_config c;
    struct adm a;
    struct seen seen;
    struct adm_conn e[2];
    struct sockaddr_in s1 = v4("192.0.2.1"), s2 = v4("192.0.2.2");
    unsigned short port;
    int lfd, cfd, talker[2], mute[2];

    (void)state;
    memset(&seen, 0, sizeof(seen));
    g_seen = &seen;
    cfg_test(&c);
    c.max_startups = 2;
    lfd = listen_lo(&port);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, talker), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, mute), 0);
    assert_int_equal(write(talker[1], "\x03\x00", 2), 2);   /* a TPKT start, unread */
    assert_int_equal(adm_init(&a, &c, "test", &seen, on_accept, on_drop), 0);
    adm_join(&a, &e[0], (struct sockaddr *)&s1, talker[0], &e[0]);  /* oldest */
    adm_join(&a, &e[1], (struct sockaddr *)&s2, mute[0], &e[1]);
    cfd = connect_from("127.0.0.9", port);
    assert_int_equal(adm_accept(&a, lfd, 10, 1000), 1);
    assert_int_equal(seen.n_dropped, 1);
    assert_ptr_equal(seen.dropped[0], &e[1]);
    adm_leave(&e[0]);
    adm_leave(&e[1]);
    (void)close(seen.fds[0]);
    (void)close(cfd);
    (void)close(lfd);
    for (int i = 0; i < 2; i++) {
        (void)close(talker[i]);
        (void)close(mute[i]);
    }
    adm_fini(&a);
}

/* Penalties: a ban after penalty-min, refused at accept; exempt sources never. */
static void
test_penalty(void **state)
{
    struct adm_config c;
    struct adm a;
    struct seen seen;
    struct adm_conn e, x;
    struct sockaddr_in bad = v4("127.0.0.7"), ex = v4("127.0.0.1");
    unsigned short port;
    int lfd, cfd;
    char b;

    (void)state;
    memset(&seen, 0, sizeof(seen));
    g_seen = &seen;
    cfg_test(&c);
    assert_int_equal(adm_option(&c, "t", ADM_OPT_EXEMPT, "127.0.0.1/32"), 1);
    lfd = listen_lo(&port);
    assert_int_equal(adm_init(&a, &c, "test", &seen, on_accept, on_drop), 0);
    adm_join(&a, &e, (struct sockaddr *)&bad, -1, NULL);
    adm_join(&a, &x, (struct sockaddr *)&ex, -1, NULL);
    assert_null(x.src);                                    /* exempt: untracked */
    adm_strike(&e, 1000);
    adm_strike(&e, 1100);                                  /* 10 s < 15 s: no ban yet */
    for (int i = 0; i < 5; i++)
        adm_strike(&x, 1100);
    cfd = connect_from("127.0.0.7", port);
    assert_int_equal(adm_accept(&a, lfd, 10, 1200), 1);
    (void)close(seen.fds[0]);
    (void)close(cfd);
    adm_strike(&e, 1300);                                  /* 15 s: banned until 16.3 s */
    cfd = connect_from("127.0.0.7", port);
    assert_int_equal(adm_accept(&a, lfd, 10, 1400), 0);
    assert_int_equal(a.refused_banned, 1);
    assert_true(read(cfd, &b, 1) <= 0);                    /* reset / closed */
    (void)close(cfd);
    cfd = connect_from("127.0.0.1", port);                 /* the exempt one is served */
    assert_int_equal(adm_accept(&a, lfd, 10, 1500), 1);
    (void)close(seen.fds[1]);
    (void)close(cfd);
    cfd = connect_from("127.0.0.7", port);                 /* ban over */
    assert_int_equal(adm_accept(&a, lfd, 10, 16400), 1);
    (void)close(seen.fds[2]);
    (void)close(cfd);
    adm_leave(&e);
    adm_leave(&x);
    (void)close(lfd);
    adm_fini(&a);
}

/* Deadlines: X.224 from the start, then a step per round, never past --timeout. */
static void
test_timer(void **state)
{
    struct adm_config c;
    struct adm a;
    struct adm_conn e;
    struct sockaddr_in s = v4("192.0.2.1");

    (void)state;
    cfg_test(&c);
    assert_int_equal(adm_init(&a, &c, "test", NULL, on_accept, on_drop), 0);
    adm_join(&a, &e, (struct sockaddr *)&s, -1, NULL);
    assert_int_equal(adm_timer_ms(&e, 1000, 10000, 1000), 2000);
    assert_int_equal(adm_timer_ms(&e, 1000, 1500, 1000), 1500);   /* --timeout first */
    adm_heard(&e);
    assert_int_equal(adm_timer_ms(&e, 1000, 10000, 1500), 5000);
    assert_int_equal(adm_timer_ms(&e, 1000, 10000, 8000), 3000);  /* capped at the end */
    assert_true(adm_promote(&e));
    assert_int_equal(adm_timer_ms(&e, 1000, 10000, 2000), 9000);  /* what is left */
    assert_int_equal(adm_timer_ms(&e, 1000, 10000, 20000), 1);    /* already late */
    adm_leave(&e);
    adm_fini(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_source_blocks),
        cmocka_unit_test(test_promote),
        cmocka_unit_test(test_displace),
        cmocka_unit_test(test_displace_unread),
        cmocka_unit_test(test_penalty),
        cmocka_unit_test(test_timer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
