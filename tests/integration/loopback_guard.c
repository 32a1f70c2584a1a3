/*
 * loopback_guard.c - loopback cases for limits that no other case reaches
 * (GitHub issue #10, "every security check must be able to fail a test"):
 *   - the cap on client messages (credssp_config_set_limits max_rounds);
 *   - no TLS session resumption (MS-CSSP 3.1.5; config.c turns off the
 *     session cache, TLS 1.2 tickets and TLS 1.3 tickets): a real OpenSSL
 *     client gets no resumable session from the engine, and a session it
 *     offers again is not resumed, in TLS 1.2 and in TLS 1.3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/ssl.h>

#include "loopback_cases.h"

#define TLS_PUMP_ROUNDS 32

/* NTLM needs three client messages: with a cap of two the third is refused. */
void
test_max_rounds(void **state)
{
    const unsigned *cap = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    cfg.max_rounds = *cap;
    lb_run(&lb_cur, &cfg, &o);
    if (*cap >= 3) {
        lb_expect_done(&lb_cur, NTLM, false, 6);
        return;
    }
    lb_expect_fail(&lb_cur, CREDSSP_E_TOO_MANY_ROUNDS);
    assert_null(credssp_result_user(credssp_engine_result(lb_cur.e)));
    assert_null(credssp_result_secret(credssp_engine_result(lb_cur.e)));
}

/* Move what the engine queued to the client SSL; true when anything moved. */
static bool
to_client(credssp_engine *e, SSL *cli)
{
    const uint8_t *out;
    size_t len;
    bool moved = false;

    while ((out = credssp_engine_output(e, &len)) != NULL) {
        assert_int_equal(BIO_write(SSL_get_rbio(cli), out, (int)len), (int)len);
        credssp_engine_output_consumed(e, len);
        moved = true;
    }
    return moved;
}

/* Move every byte the client SSL wrote into the engine, and back. */
static bool
shuttle(SSL *cli, credssp_engine *e)
{
    uint8_t buf[4096];
    bool moved = false;
    int n;

    while ((n = BIO_read(SSL_get_wbio(cli), buf, sizeof(buf))) > 0) {
        assert_false(credssp_engine_feed(e, buf, (size_t)n) & CREDSSP_FAILED);
        moved = true;
    }
    return to_client(e, cli) || moved;
}

/*
 * One TLS handshake of an OpenSSL client (offering `resume` when not NULL)
 * with a new engine of cfg; post-handshake messages (TLS 1.3 tickets) are
 * read too.  Returns the client's session; *reused_out tells if it resumed.
 */
static SSL_SESSION *
handshake(credssp_config *cfg, SSL_CTX *cctx, SSL_SESSION *resume, bool *reused_out)
{
    credssp_engine *e = NULL;
    SSL *cli = SSL_new(cctx);
    SSL_SESSION *sess;
    uint8_t byte;
    bool done = false;

    assert_non_null(cli);
    SSL_set_bio(cli, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(cli);
    if (resume != NULL)
        assert_int_equal(SSL_set_session(cli, resume), 1);
    assert_int_equal(credssp_engine_new(cfg, CREDSSP_TLS_ENGINE, &e), CREDSSP_OK);
    for (unsigned i = 0; i < TLS_PUMP_ROUNDS; i++) {
        int rc = done ? SSL_read(cli, &byte, 1) : SSL_do_handshake(cli);

        if (!done && rc == 1)
            done = true;
        else if (rc <= 0)
            assert_int_equal(SSL_get_error(cli, rc), SSL_ERROR_WANT_READ);
        if (!shuttle(cli, e) && done)
            break;
    }
    assert_true(done);
    assert_int_equal(credssp_engine_status(e), CREDSSP_WANT_READ); /* awaits a TSRequest */
    *reused_out = SSL_session_reused(cli) == 1;
    sess = SSL_get1_session(cli);
    assert_non_null(sess);
    /* Orderly close on both sides: a session cut short would not be resumable
     * anyway (OpenSSL drops it), which would hide a resumable one. */
    credssp_engine_shutdown(e);
    (void)to_client(e, cli);
    (void)SSL_shutdown(cli);
    SSL_free(cli);
    credssp_engine_free(e);
    return sess;
}

void
test_no_resumption(void **state)
{
    const int *version = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_SESSION *first, *second;
    bool reused = true;

    assert_non_null(cctx);
    assert_int_equal(SSL_CTX_set_min_proto_version(cctx, *version), 1);
    assert_int_equal(SSL_CTX_set_max_proto_version(cctx, *version), 1);
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    lb_start(&lb_cur, &cfg, &o);     /* the configuration (one SSL_CTX) of both */
    first = handshake(lb_cur.cfg, cctx, NULL, &reused);
    assert_false(reused);
    assert_int_equal(SSL_SESSION_get_protocol_version(first), *version);
    if (*version == TLS1_2_VERSION) {
        /* no ticket, no session ID: nothing the client could resume with */
        assert_int_equal(SSL_SESSION_is_resumable(first), 0);
        assert_int_equal(SSL_SESSION_has_ticket(first), 0);
    } else {
        /* TLS 1.3: one ticket for clients that wait for a server record after
         * their Finished (docs/INTEROP.md §8); a stateful one that the cache
         * (off) never finds, so offering it must not resume (below). */
        assert_int_equal(SSL_SESSION_has_ticket(first), 1);
    }
    second = handshake(lb_cur.cfg, cctx, first, &reused);
    assert_false(reused);
    SSL_SESSION_free(first);
    SSL_SESSION_free(second);
    SSL_CTX_free(cctx);
}
