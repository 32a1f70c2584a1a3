/*
 * loopback_driver.c - the blocking driver credssp_drive_fd()
 * (acceptor/engine/driver.c, on the public API only) over a socketpair: the
 * engine is driven on a thread, our test client talks to it through the
 * other end.  A whole NTLM exchange ends in CREDSSP_OK; a silent client ends
 * in CREDSSP_E_TIMEOUT by the driver's timeout and, with a shorter engine
 * deadline, by that one (the driver reads it with credssp_engine_deadline);
 * a client that hangs up ends in CREDSSP_E_CLOSED.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "loopback_cases.h"

#define CLIENT_ROUNDS 400   /* poll rounds of 50 ms: the exchange gets 20 s at most */

struct driven {
    credssp_engine *e;
    int fd;
    unsigned timeout_ms;
    credssp_error ret;
    pthread_t thread;
};

static void *
drive(void *arg)
{
    struct driven *d = arg;

    d->ret = credssp_drive_fd(d->e, d->fd, d->timeout_ms);
    return NULL;
}

/*
 * Start lb_cur (NTLM, v6) and a thread driving its engine over sv[0]; with
 * deadline_in_ms, the engine's own deadline that far from now.
 */
static void
start(struct driven *d, int sv[2], unsigned timeout_ms, uint64_t deadline_in_ms)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    lb_start(&lb_cur, &cfg, &o);
    if (deadline_in_ms != 0)
        credssp_engine_set_deadline(lb_cur.e, cssp_now_ms() + deadline_in_ms);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    *d = (struct driven){ .e = lb_cur.e, .fd = sv[0], .timeout_ms = timeout_ms };
    assert_int_equal(pthread_create(&d->thread, NULL, drive, d), 0);
}

/* The client's side over fd, until it is done and has sent all it had. */
static void
run_client(int fd)
{
    uint8_t buf[16384];

    for (int i = 0; i < CLIENT_ROUNDS; i++) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        const uint8_t *p;
        size_t n;
        ssize_t got;

        while ((p = cssp_cli_output(lb_cur.c, &n)) != NULL && n > 0) {
            assert_true(write(fd, p, n) == (ssize_t)n);
            cssp_cli_output_consumed(lb_cur.c, n);
        }
        if (cssp_cli_status(lb_cur.c) != CSSP_CLI_RUNNING)
            return;
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        got = read(fd, buf, sizeof(buf));
        if (got <= 0)
            (void)cssp_cli_feed_eof(lb_cur.c);
        else
            (void)cssp_cli_feed(lb_cur.c, buf, (size_t)got);
    }
    fail_msg("the client did not finish");
}

void
test_drive_fd_ok(void **state)
{
    struct driven d;
    int sv[2];

    (void)state;
    start(&d, sv, 20000, 0);
    run_client(sv[1]);
    assert_int_equal(pthread_join(d.thread, NULL), 0);
    assert_int_equal(d.ret, CREDSSP_OK);
    assert_int_equal(credssp_engine_status(lb_cur.e), CREDSSP_DONE);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    close(sv[0]);
    close(sv[1]);
}

/*
 * A client that never speaks: it fails with CREDSSP_E_TIMEOUT after about
 * expect_ms (the driver's timeout, or the engine's sooner deadline).
 */
static void
silent(unsigned timeout_ms, uint64_t deadline_in_ms, uint64_t expect_ms)
{
    struct driven d;
    uint64_t t0 = cssp_now_ms(), took;
    int sv[2];

    start(&d, sv, timeout_ms, deadline_in_ms);
    assert_int_equal(pthread_join(d.thread, NULL), 0);
    took = cssp_now_ms() - t0;
    assert_int_equal(d.ret, CREDSSP_E_TIMEOUT);
    assert_true(took + 50 >= expect_ms && took < expect_ms + 2000);
    assert_true(credssp_engine_status(lb_cur.e) & CREDSSP_FAILED);
    assert_int_equal(credssp_engine_error(lb_cur.e), CREDSSP_E_TIMEOUT);
    close(sv[0]);
    close(sv[1]);
}

void
test_drive_fd_timeout(void **state)
{
    (void)state;
    silent(200, 0, 200);
}

/* The driver may wait 30 s (the config's), the engine's deadline is 300 ms away. */
void
test_drive_fd_engine_deadline(void **state)
{
    (void)state;
    silent(0, 300, 300);
}

void
test_drive_fd_peer_closes(void **state)
{
    struct driven d;
    int sv[2];

    (void)state;
    start(&d, sv, 5000, 0);
    close(sv[1]);
    assert_int_equal(pthread_join(d.thread, NULL), 0);
    assert_int_equal(d.ret, CREDSSP_E_CLOSED);
    close(sv[0]);
}
