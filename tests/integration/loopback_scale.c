/*
 * loopback_scale.c - issue 15 against the real engine and gss-ntlmssp:
 *   - the indexed key file (credssp_config_set_ntlm_keyfile_indexed): logins,
 *     wrong password, unknown user (the entry without domain: loopback_ok.c);
 *   - deferred mode (credssp_engine_set_deferred / credssp_engine_step): the
 *     back-end step runs on another thread; while one client's back end hangs
 *     on a worker, another client's whole exchange completes on the "event
 *     loop" thread; a back end that answers after the deadline fails the
 *     exchange with CREDSSP_E_TIMEOUT; the audit line counts back-end time.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine.h"
#include "loopback.h"
#include "loopback_cases.h"

#define MAX_PUMP 400
#define MAX_PUMP_CHUNKED 400000   /* rounds when the input dribbles in */
#define WAIT_MAX_MS 10000

/* ------------------------------------------------------------------ */
/* Indexed key file                                                    */
/* ------------------------------------------------------------------ */

/* alice through the index, raw NTLM and SPNEGO(NTLM). */
void
test_indexed_ok(void **state)
{
    const struct vcase *vc = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, vc->mech, vc->version);
    lb_cfg_init(&cfg);
    cfg.indexed = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, vc->mech == CSSP_CLI_SPNEGO_NTLM, vc->version);
    lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
    assert_non_null(strstr(lb_log(), "entries"));   /* the index said what it loaded */
}

/*
 * The entry "TESTDOM\alice", the client types "testdom": the index matches
 * the domain case-insensitively and the one-line memfd carries the client's
 * spelling, so NTOWFv2 agrees (with the plain key file this fails, see
 * docs/NTLM-KEYS.md "The domain rule").
 */
void
test_indexed_domain_case(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_domain = o.domain = "testdom";
    lb_cfg_init(&cfg);
    cfg.indexed = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    lb_expect_password("testdom\\alice", "alice", "testdom", "alicepw");
}

/* Wrong password and unknown user: logon failure with errorCode. */
void
test_indexed_refused(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_password = "wrongpw";
    lb_cfg_init(&cfg);
    cfg.indexed = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
    lb_run_free(&lb_cur);
    lb_opts_ntlm(&o, CSSP_CLI_SPNEGO_NTLM, 6);
    o.auth_user = o.user = "mallory";
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
}

/* Another login on the config of lb_cur, on the pooled credential. */
static void
login_again(const char *user, const char *password, credssp_error want)
{
    struct cssp_cli_opts o;
    struct lb_run r;

    memset(&r, 0, sizeof(r));
    lb_opts_ntlm(&o, CSSP_CLI_SPNEGO_NTLM, 6);
    o.auth_user = o.user = user;
    o.auth_password = o.password = password;
    r.cfg = lb_cur.cfg;
    assert_int_equal(cssp_lookup_pool_idle(r.cfg->lookup_pool), 1);
    assert_int_equal(credssp_engine_new(r.cfg, CREDSSP_TLS_ENGINE, &r.e), CREDSSP_OK);
    assert_int_equal(cssp_lookup_pool_idle(r.cfg->lookup_pool), 0);   /* taken, not made */
    assert_int_equal(cssp_cli_new(&o, &r.c), CREDSSP_OK);
    lb_pump(&r);
    if (want == CREDSSP_OK)
        lb_expect_done(&r, NTLM, true, 6);
    else
        lb_expect_fail(&r, want);
    cssp_cli_free(r.c);
    credssp_engine_free(r.e);
    assert_int_equal(cssp_lookup_pool_idle(r.cfg->lookup_pool), 1);   /* given back */
}

/*
 * One config, one login after the other: the per-exchange credential and
 * memfd come from the config's pool and go back to it, and each login is
 * still checked against its own user's entry only.
 */
void
test_indexed_reuse(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    cfg.indexed = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    assert_int_equal(cssp_lookup_pool_idle(lb_cur.cfg->lookup_pool), 0);
    credssp_engine_free(lb_cur.e);   /* its credential goes back to the pool */
    lb_cur.e = NULL;
    login_again("mallory", "alicepw", CREDSSP_E_LOGON_FAILURE);
    login_again("alice", "carolpw", CREDSSP_E_LOGON_FAILURE);
    login_again("carol", "alicepw", CREDSSP_E_LOGON_FAILURE);
    login_again("carol", "carolpw", CREDSSP_OK);
    login_again("alice", "alicepw", CREDSSP_OK);
}

/* ------------------------------------------------------------------ */
/* Deferred mode                                                       */
/* ------------------------------------------------------------------ */

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A lookup back end: alice/alicepw; records its thread; may wait or sleep. */
struct backend {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t caller;
    unsigned calls;
    unsigned sleep_ms;     /* a slow back end */
    bool hold;             /* wait until released (bounded) */
    bool waiting, released;
};

static credssp_error
backend_lookup(void *userdata, const char *user, const char *domain, credssp_secret **out)
{
    struct backend *b = userdata;
    struct timespec until;

    (void)domain;
    pthread_mutex_lock(&b->lock);
    b->caller = pthread_self();
    b->calls++;
    b->waiting = true;
    pthread_cond_broadcast(&b->cond);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MAX_MS / 1000;
    while (b->hold && !b->released)
        if (pthread_cond_timedwait(&b->cond, &b->lock, &until) != 0)
            break;
    b->waiting = false;
    pthread_mutex_unlock(&b->lock);
    if (b->sleep_ms != 0)
        usleep(b->sleep_ms * 1000u);
    if (strcmp(user, "alice") != 0)
        return CREDSSP_E_LOGON_FAILURE;
    return credssp_nt_hash("alicepw", 7, out);
}

static void
backend_init(struct backend *b)
{
    memset(b, 0, sizeof(*b));
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
}

/* Deferred engine whose NT hashes come from b. */
static void
deferred_cfg(struct lb_cfg *cfg, struct backend *b)
{
    lb_cfg_init(cfg);
    cfg->deferred = true;
    cfg->lookup = true;
    cfg->lookup_fn = backend_lookup;
    cfg->lookup_data = b;
}

static void
backend_destroy(struct backend *b)
{
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->cond);
}

struct stepper {
    pthread_t thread;
    credssp_engine *e;
    credssp_status status;
    int done;              /* set (atomically) when the step returned */
};

static void *
step_main(void *arg)
{
    struct stepper *s = arg;

    s->status = credssp_engine_step(s->e);
    __atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Hand the engine to a worker thread for its step. */
static void
step_start(struct stepper *s, credssp_engine *e)
{
    s->e = e;
    s->done = 0;
    assert_int_equal(pthread_create(&s->thread, NULL, step_main, s), 0);
}

/*
 * The event loop of a deferred engine: move bytes; on WANT_STEP hand the
 * engine to a worker and wait for it (this loop has nothing else to do).
 * Returns the number of steps run.
 */
static unsigned
pump_deferred_within(struct lb_run *r, uint64_t step_ms)
{
    unsigned steps = 0, max = r->chunk != 0 ? MAX_PUMP_CHUNKED : MAX_PUMP;

    for (unsigned i = 0; i < max; i++) {
        credssp_status st = credssp_engine_status(r->e);

        if (st & CREDSSP_WANT_STEP) {
            struct stepper s;

            if (step_ms != 0)
                credssp_engine_set_deadline(r->e, now_ms() + step_ms);
            step_start(&s, r->e);
            assert_int_equal(pthread_join(s.thread, NULL), 0);
            if (step_ms != 0 && !(credssp_engine_status(r->e) & CREDSSP_FAILED))
                credssp_engine_set_deadline(r->e, 0);   /* the bound is the step's only */
            steps++;
            continue;
        }
        if (lb_pump_once(r))
            continue;
        if ((st & (CREDSSP_DONE | CREDSSP_FAILED)) &&
            cssp_cli_status(r->c) == CSSP_CLI_RUNNING) {
            (void)cssp_cli_feed_eof(r->c);
            continue;
        }
        break;
    }
    return steps;
}

static unsigned
pump_deferred(struct lb_run *r)
{
    return pump_deferred_within(r, 0);
}

/*
 * Kerberos or NTLM, raw or SPNEGO, engine or application TLS, whole or
 * dribbled input: every back-end step on a worker, same outcome.
 */
void
test_deferred_steps_on_worker(void **state)
{
    const struct dcase *vc = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;
    struct backend b;
    unsigned steps;

    backend_init(&b);
    deferred_cfg(&cfg, &b);
    if (vc->mech == CSSP_CLI_SPNEGO_KRB5 || vc->mech == CSSP_CLI_RAW_KRB5) {
        lb_require_krb();
        lb_opts_krb(&o, vc->mech, vc->version);
        cfg.lookup = false;         /* Kerberos: the back end is the keytab and replay cache */
    } else {
        lb_opts_ntlm(&o, vc->mech, vc->version);
    }
    cfg.app_tls = vc->app_tls;
    cfg.chunk = vc->chunk;
    lb_start(&lb_cur, &cfg, &o);
    steps = pump_deferred(&lb_cur);
    if (cssp_cli_status(lb_cur.c) != CSSP_CLI_DONE)
        lb_dump(&lb_cur);
    lb_expect_done(&lb_cur, vc->mech >= CSSP_CLI_SPNEGO_KRB5 ? KRB : NTLM,
                   vc->mech == CSSP_CLI_SPNEGO_NTLM || vc->mech == CSSP_CLI_SPNEGO_KRB5,
                   vc->version);
    assert_true(steps >= 1);
    if (cfg.lookup) {
        assert_int_equal(b.calls, 1);
        assert_false(pthread_equal(b.caller, pthread_self()));   /* not on the loop */
    }
    assert_non_null(strstr(lb_log(), "backend_ms="));
    backend_destroy(&b);
}

/*
 * One client's back end hangs (until released, at most 10 s); meanwhile the
 * loop thread runs another client's whole exchange.  Without deferred mode
 * the hang would be inside credssp_engine_feed on this thread: the second
 * client could not finish before the 10 s bound.
 */
void
test_deferred_slow_backend_does_not_stall(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg slow_cfg, fast_cfg;
    struct lb_run fast;
    struct backend b;
    struct stepper s;
    uint64_t t0;
    bool was_waiting;

    (void)state;
    backend_init(&b);
    b.hold = true;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    deferred_cfg(&slow_cfg, &b);
    lb_start(&lb_cur, &slow_cfg, &o);
    /* run the slow client until a worker's step is inside its back end */
    for (unsigned round = 0; round < 8; round++) {
        bool in_backend = false;

        for (unsigned i = 0; i < MAX_PUMP && !(credssp_engine_status(lb_cur.e) & CREDSSP_WANT_STEP);
             i++) {
            if (!lb_pump_once(&lb_cur))
                break;
        }
        assert_true(credssp_engine_status(lb_cur.e) & CREDSSP_WANT_STEP);
        step_start(&s, lb_cur.e);   /* the worker owns the slow engine now */
        for (unsigned ms = 0; ms < WAIT_MAX_MS && !__atomic_load_n(&s.done, __ATOMIC_ACQUIRE);
             ms += 5) {
            pthread_mutex_lock(&b.lock);
            in_backend = b.waiting;
            pthread_mutex_unlock(&b.lock);
            if (in_backend)
                break;
            usleep(5000);
        }
        if (in_backend)
            break;
        assert_int_equal(pthread_join(s.thread, NULL), 0);   /* a step without the back end */
    }
    t0 = now_ms();
    /* the other client, on this thread, while the back end hangs */
    lb_cfg_init(&fast_cfg);
    lb_start(&fast, &fast_cfg, &o);
    lb_pump(&fast);
    pthread_mutex_lock(&b.lock);
    was_waiting = b.waiting;
    b.released = true;
    pthread_cond_broadcast(&b.cond);
    pthread_mutex_unlock(&b.lock);
    assert_true(was_waiting);               /* the slow back end was still busy */
    assert_true(now_ms() - t0 < WAIT_MAX_MS);
    lb_expect_done(&fast, NTLM, false, 6);
    lb_run_free(&fast);
    assert_int_equal(pthread_join(s.thread, NULL), 0);
    (void)pump_deferred(&lb_cur);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    backend_destroy(&b);
}

/* A back end that answers after the engine's deadline: CREDSSP_E_TIMEOUT. */
void
test_deferred_backend_deadline(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;
    struct backend b;
    const char *p;

    (void)state;
    backend_init(&b);
    b.sleep_ms = 2000;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    deferred_cfg(&cfg, &b);
    lb_start(&lb_cur, &cfg, &o);
    /*
     * Each step gets 1 s, as the front ends' step pool gives it (a deadline
     * set before the handshake also timed the TLS handshake: under a loaded
     * ASan run it could pass before the back end was reached).
     */
    (void)pump_deferred_within(&lb_cur, 1000);
    lb_expect_fail(&lb_cur, CREDSSP_E_TIMEOUT);
    /* the client is told the logon servers did not answer, not "wrong password" */
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_NO_LOGON_SERVERS);
    lb_expect_no_creds(&lb_cur);
    p = strstr(lb_log(), "backend_ms=");
    assert_non_null(p);
    assert_true(strtoul(p + strlen("backend_ms="), NULL, 10) >= 1900);
    /* too late to switch once the exchange has begun */
    assert_int_equal(credssp_engine_set_deferred(lb_cur.e, 0), CREDSSP_E_STATE);
    backend_destroy(&b);
}
