/*
 * loopback.c - configuration, memory pump and common assertions of the
 * loopback test (see loopback.h; the group fixture is loopback_fixture.c).
 * The pump moves client output into credssp_engine_feed and engine output
 * into cssp_cli_feed until neither side has anything to say, at most
 * LB_MAX_ROUNDS times; a side that stopped is shown to the other as EOF, as
 * a closed TCP connection would be.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "internal.h"
#include "loopback.h"

#define LB_MAX_ROUNDS 64
#define LB_MAX_ROUNDS_CHUNKED 400000
#define LB_LOG_MAX 16384

static char log_buf[LB_LOG_MAX];
static size_t log_len;

/* Engine log sink: keep the lines of the current case for lb_dump. */
static void
log_sink(void *ud, int level, const char *msg)
{
    int n;

    (void)ud;
    if (log_len >= sizeof(log_buf) - 1)
        return;
    n = snprintf(log_buf + log_len, sizeof(log_buf) - log_len, "  [%d] %s\n", level, msg);
    if (n > 0)
        log_len +=
            (size_t)n < sizeof(log_buf) - log_len ? (size_t)n : sizeof(log_buf) - log_len - 1;
}

char lb_lookup_user[64], lb_lookup_domain[64];
unsigned lb_lookup_calls;

/*
 * An application's NT-hash source (credssp_config_set_ntlm_lookup): knows
 * alice (any domain) with alicepw, nobody else.
 */
static credssp_error
lb_lookup(void *userdata, const char *user, const char *domain, credssp_secret **nt_hash_out)
{
    (void)userdata;
    lb_lookup_calls++;
    snprintf(lb_lookup_user, sizeof(lb_lookup_user), "%s", user);
    snprintf(lb_lookup_domain, sizeof(lb_lookup_domain), "%s", domain);
    if (strcmp(user, "alice") != 0)
        return CREDSSP_E_LOGON_FAILURE;
    return credssp_nt_hash("alicepw", 7, nt_hash_out);
}

/* Servername callback: every handshake switches to the context of cert2. */
static int
switch_to_cert2(SSL *ssl, int *alert, void *arg)
{
    (void)alert;
    SSL_set_SSL_CTX(ssl, arg);
    return SSL_TLSEXT_ERR_OK;
}

/* An application SSL_CTX with cert (default) that moves handshakes to cert2. */
static SSL_CTX *
make_switching_ctx(SSL_CTX **second_out)
{
    SSL_CTX *first = SSL_CTX_new(TLS_server_method());
    SSL_CTX *second = SSL_CTX_new(TLS_server_method());

    assert_non_null(first);
    assert_non_null(second);
    assert_int_equal(SSL_CTX_use_certificate_chain_file(first, lb.cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(first, lb.key, SSL_FILETYPE_PEM), 1);
    assert_int_equal(SSL_CTX_use_certificate_chain_file(second, lb.cert2), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(second, lb.key2, SSL_FILETYPE_PEM), 1);
    SSL_CTX_set_tlsext_servername_callback(first, switch_to_cert2);
    SSL_CTX_set_tlsext_servername_arg(first, second);
    *second_out = second;
    return first;
}

/* A prepared engine configuration for c. */
static credssp_config *
make_config(const struct lb_cfg *c)
{
    credssp_config *cfg = NULL;

    assert_int_equal(credssp_config_new(&cfg), CREDSSP_OK);
    credssp_config_set_log(cfg, log_sink, NULL);
    if (c->sni_switch) {
        SSL_CTX *second = NULL, *first = make_switching_ctx(&second);

        assert_int_equal(credssp_config_set_ssl_ctx(cfg, first), CREDSSP_OK);
        SSL_CTX_free(first);      /* the config keeps its reference */
        lb.sni_second = second;   /* freed at teardown */
    } else {
        assert_int_equal(credssp_config_set_tls_files(cfg, c->server_cert2 ? lb.cert2 : lb.cert,
                                                      c->server_cert2 ? lb.key2 : lb.key),
                         CREDSSP_OK);
    }
    if (c->lookup) {
        lb_lookup_calls = 0;
        lb_lookup_user[0] = lb_lookup_domain[0] = '\0';
        assert_int_equal(credssp_config_set_ntlm_lookup(cfg, c->lookup_fn != NULL ? c->lookup_fn
                                                                                 : lb_lookup,
                                                        c->lookup_data),
                         CREDSSP_OK);
    } else if (c->indexed) {
        assert_int_equal(credssp_config_set_ntlm_keyfile_indexed(cfg, lb.keyfile), CREDSSP_OK);
    } else {
        assert_int_equal(credssp_config_set_ntlm_keyfile(cfg, lb.keyfile), CREDSSP_OK);
    }
    if (lb.keytab != NULL)
        assert_int_equal(credssp_config_set_keytab(cfg, lb.keytab), CREDSSP_OK);
    if (c->min_version != 0)
        assert_int_equal(credssp_config_set_min_version(cfg, c->min_version), CREDSSP_OK);
    if (c->mechs != 0)
        assert_int_equal(credssp_config_set_mechs(cfg, c->mechs), CREDSSP_OK);
    if (c->cred_types != 0)
        assert_int_equal(credssp_config_set_cred_types(cfg, c->cred_types), CREDSSP_OK);
    if (c->max_message != 0 || c->max_rounds != 0) {
        size_t max_message = c->max_message != 0 ? c->max_message : CSSP_MAX_TSREQUEST;
        unsigned max_rounds = c->max_rounds != 0 ? c->max_rounds : 16;

        assert_int_equal(credssp_config_set_limits(cfg, max_message, max_rounds, 0), CREDSSP_OK);
    }
    assert_int_equal(credssp_config_prepare(cfg), CREDSSP_OK);
    return cfg;
}

/* True when the engine will not take more input. */
static bool
engine_stopped(const credssp_engine *e)
{
    credssp_status st = credssp_engine_status(e);

    return (st & (CREDSSP_DONE | CREDSSP_FAILED)) != 0;
}

/* At most the configured chunk of n bytes. */
static size_t
chunk_of(const struct lb_run *r, size_t n)
{
    return (r->chunk != 0 && n > r->chunk) ? r->chunk : n;
}

/*
 * The contract of credssp.h: feed() handles all it was given, so feeding
 * nothing right after it neither changes the status nor adds output (the
 * front ends' old re-feed loop had nothing to do).
 */
static void
assert_nothing_left(struct lb_run *r, credssp_status st)
{
    size_t before = 0, after = 0;

    (void)credssp_engine_output(r->e, &before);
    assert_int_equal(credssp_engine_feed(r->e, NULL, 0), st);
    (void)credssp_engine_output(r->e, &after);
    assert_int_equal(after, before);
}

/* Client bytes into the engine; the configured batch arrives with its last bit flipped. */
static void
feed_engine(struct lb_run *r, const uint8_t *p, size_t n)
{
    uint8_t *copy;

    if (++r->batches != r->corrupt_batch) {
        assert_nothing_left(r, credssp_engine_feed(r->e, p, n));
        return;
    }
    copy = malloc(n);
    assert_non_null(copy);
    memcpy(copy, p, n);
    copy[n - 1] ^= 0x01;
    assert_nothing_left(r, credssp_engine_feed(r->e, copy, n));
    free(copy);
}

/* One round: client output to the engine, engine output to the client. */
bool
lb_pump_once(struct lb_run *r)
{
    const uint8_t *p;
    size_t n;
    bool moved = false;

    p = cssp_cli_output(r->c, &n);
    n = chunk_of(r, n);
    if (n > 0) {
        /* after DONE the engine still takes application data */
        if (!(credssp_engine_status(r->e) & CREDSSP_FAILED))
            feed_engine(r, p, n);
        cssp_cli_output_consumed(r->c, n);
        moved = true;
    }
    p = credssp_engine_output(r->e, &n);
    n = chunk_of(r, n);
    if (n > 0) {
        (void)cssp_cli_feed(r->c, p, n);
        credssp_engine_output_consumed(r->e, n);
        moved = true;
    }
    return moved;
}

/* Move bytes both ways until nothing moves; a stopped side is an EOF. */
void
lb_pump(struct lb_run *r)
{
    unsigned max = r->chunk != 0 ? LB_MAX_ROUNDS_CHUNKED : LB_MAX_ROUNDS;

    for (r->rounds = 0; r->rounds < max; r->rounds++) {
        if (lb_pump_once(r))
            continue;
        if (engine_stopped(r->e) && cssp_cli_status(r->c) == CSSP_CLI_RUNNING) {
            (void)cssp_cli_feed_eof(r->c);
            continue;
        }
        if (!engine_stopped(r->e) && cssp_cli_status(r->c) != CSSP_CLI_RUNNING) {
            (void)credssp_engine_feed_eof(r->e);
            continue;
        }
        break;
    }
    r->stalled = !engine_stopped(r->e) || cssp_cli_status(r->c) == CSSP_CLI_RUNNING;
}

/* Build config, engine and client without moving any byte. */
void
lb_start(struct lb_run *r, const struct lb_cfg *cfg, const struct cssp_cli_opts *o)
{
    struct cssp_cli_opts co = *o;

    memset(r, 0, sizeof(*r));
    r->chunk = cfg->chunk;
    r->corrupt_batch = cfg->corrupt_batch;
    log_len = 0;
    log_buf[0] = '\0';
    r->cfg = make_config(cfg);
    if (cfg->app_tls) {
        const uint8_t *der = cfg->server_cert2 ? lb.cert2_der : lb.cert_der;
        size_t len = cfg->server_cert2 ? lb.cert2_der_len : lb.cert_der_len;

        assert_int_equal(credssp_engine_new(r->cfg, CREDSSP_TLS_APPLICATION, &r->e), CREDSSP_OK);
        assert_int_equal(credssp_engine_set_server_cert(r->e, der, len), CREDSSP_OK);
        co.tls = false;
        if (co.server_cert_der == NULL) {
            co.server_cert_der = lb.cert_der;
            co.server_cert_der_len = lb.cert_der_len;
        }
    } else {
        assert_int_equal(credssp_engine_new(r->cfg, CREDSSP_TLS_ENGINE, &r->e), CREDSSP_OK);
    }
    assert_int_equal(credssp_engine_set_peer(r->e, "loopback"), CREDSSP_OK);
    if (cfg->deferred)
        assert_int_equal(credssp_engine_set_deferred(r->e, 1), CREDSSP_OK);
    assert_int_equal(cssp_cli_new(&co, &r->c), CREDSSP_OK);
}

/* Build everything for one case and run it to the end. */
void
lb_run(struct lb_run *r, const struct lb_cfg *cfg, const struct cssp_cli_opts *o)
{
    lb_start(r, cfg, o);
    lb_pump(r);
}

/* Free the client, the engine and the config. */
void
lb_run_free(struct lb_run *r)
{
    cssp_cli_free(r->c);
    credssp_engine_free(r->e);
    credssp_config_free(r->cfg);
    SSL_CTX_free(lb.sni_second);
    lb.sni_second = NULL;
    memset(r, 0, sizeof(*r));
}

const char *
lb_log(void)
{
    return log_buf;
}

/* Diagnostics for a failing assertion. */
void
lb_dump(const struct lb_run *r)
{
    uint32_t code = 0;
    bool has = cssp_cli_error_code(r->c, &code);

    print_message("  engine: status %d error %s (0x%04x)%s\n", credssp_engine_status(r->e),
                  credssp_error_name(credssp_engine_error(r->e)), credssp_engine_error(r->e),
                  r->stalled ? " STALLED" : "");
    print_message("  client: status %d verified %d server-version %d violations 0x%x "
                  "sent %u errorCode %s0x%08x\n  client reason: %s\n",
                  cssp_cli_status(r->c), cssp_cli_server_verified(r->c),
                  cssp_cli_server_version(r->c), cssp_cli_violations(r->c),
                  cssp_cli_messages_sent(r->c), has ? "" : "(none) ", code, cssp_cli_reason(r->c));
    print_message("  engine log:\n%s", log_buf);
}

/* The checks every successful exchange shares. */
void
lb_expect_done(const struct lb_run *r, unsigned mech, bool spnego, int version)
{
    const credssp_result *res = credssp_engine_result(r->e);

    if (credssp_engine_status(r->e) != CREDSSP_DONE || cssp_cli_status(r->c) != CSSP_CLI_DONE ||
        res == NULL)
        lb_dump(r);
    assert_false(r->stalled);
    assert_int_equal(credssp_engine_status(r->e), CREDSSP_DONE);
    assert_int_equal(credssp_engine_error(r->e), CREDSSP_OK);
    assert_int_equal(cssp_cli_status(r->c), CSSP_CLI_DONE);
    assert_true(cssp_cli_server_verified(r->c));
    assert_false(cssp_cli_error_code(r->c, NULL));
    assert_int_equal(cssp_cli_server_version(r->c), 6);
    assert_int_equal(cssp_cli_violations(r->c), 0);
    assert_non_null(res);
    assert_int_equal(credssp_result_mech(res), mech);
    assert_int_equal(credssp_result_spnego(res), spnego ? 1 : 0);
    assert_int_equal(credssp_result_client_version(res), version);
    assert_int_equal(credssp_result_binding(res),
                     version >= 5 ? CREDSSP_BINDING_HASH : CREDSSP_BINDING_ECHO);
    assert_int_equal(credssp_result_error_code(res), 0);
}

/* Engine FAILED with exactly err. */
void
lb_expect_fail(const struct lb_run *r, credssp_error err)
{
    if (credssp_engine_status(r->e) != CREDSSP_FAILED || credssp_engine_error(r->e) != err) {
        print_message("  expected engine failure %s\n", credssp_error_name(err));
        lb_dump(r);
    }
    assert_false(r->stalled);
    assert_int_equal(credssp_engine_status(r->e), CREDSSP_FAILED);
    assert_int_equal(credssp_engine_error(r->e), err);
}

/* No credentials reached the engine; the client never saw a valid server binding. */
void
lb_expect_no_creds(const struct lb_run *r)
{
    const credssp_result *res = credssp_engine_result(r->e);

    assert_false(cssp_cli_server_verified(r->c));
    assert_int_not_equal(cssp_cli_status(r->c), CSSP_CLI_DONE);
    if (res != NULL) {
        assert_int_equal(credssp_result_cred_type(res), CREDSSP_CRED_NONE);
        assert_null(credssp_result_secret(res));
        assert_null(credssp_result_user(res));
    }
}

/* errorCode seen by the client (0 = none), and recorded in the result. */
void
lb_expect_error_code(const struct lb_run *r, uint32_t code)
{
    uint32_t got = 0;
    bool has = cssp_cli_error_code(r->c, &got);
    const credssp_result *res = credssp_engine_result(r->e);

    if (has != (code != 0) || got != code) {
        print_message("  expected errorCode 0x%08x\n", code);
        lb_dump(r);
    }
    assert_int_equal(has, code != 0);
    assert_int_equal(got, code);
    if (res != NULL)
        assert_int_equal(credssp_result_error_code(res), code);
}

/* The run of the current test; freed by the per-test teardown. */
struct lb_run lb_cur;

/* Per-test teardown: free whatever the test left (also after a failed assert). */
int
lb_free_current(void **state)
{
    (void)state;
    lb_run_free(&lb_cur);
    return 0;
}

/* The delegated password credentials arrived intact. */
void
lb_expect_password(const char *principal, const char *user, const char *domain,
                   const char *password)
{
    const credssp_result *res = credssp_engine_result(lb_cur.e);
    credssp_secret *want = NULL;

    assert_non_null(res);
    assert_string_equal(credssp_result_principal(res), principal);
    assert_int_equal(credssp_result_cred_type(res), CREDSSP_CRED_PASSWORD);
    assert_string_equal(credssp_result_user(res), user);
    assert_string_equal(credssp_result_domain(res), domain);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, password, strlen(password), &want),
                     CREDSSP_OK);
    assert_int_equal(credssp_secret_equal(credssp_result_secret(res), want), 1);
    credssp_secret_free(want);
    /* Kerberos: auth_to_local maps a principal of the default realm to its
     * first component (computed on demand into our buffer, twice gives the
     * same answer; a buffer too small for it is refused, not overrun). */
    if (strchr(principal, '@') != NULL) {
        char local[CREDSSP_LOCAL_NAME_MAX], small[2] = { 'x', 'x' };

        for (int i = 0; i < 2; i++) {
            assert_int_equal(credssp_result_local_name(res, local, sizeof(local)), CREDSSP_OK);
            assert_string_equal(local, user);
        }
        assert_int_equal(credssp_result_local_name(res, small, sizeof(small)),
                         CREDSSP_E_TOO_LARGE);
        assert_int_equal(small[0], '\0');
    }
}

/* The client's Kerberos wrap tokens had the layout it was asked for. */
void
lb_expect_krb_layout(enum cssp_cli_krb_wrap wrap)
{
    const uint8_t *h = cssp_cli_last_krb_header(lb_cur.c);

    assert_non_null(h);
    assert_int_equal(h[0], 0x05);
    assert_int_equal(h[1], 0x04);
    assert_int_equal(h[4] << 8 | h[5], 0);                                  /* EC */
    assert_int_equal(h[6] << 8 | h[7], wrap == CSSP_CLI_WRAP_IOV ? 28 : 0); /* RRC */
}

/*
 * SPNEGO(NTLM): the server's last NegTokenResp rides with its pubKeyAuth:
 * accept-completed with a mechListMIC, or exactly a1 07 30 05 a0 03 0a 01 00
 * (accept-completed, nothing else) when no MIC was exchanged.
 */
void
lb_expect_final_token(bool mic)
{
    static const uint8_t completed[] = {0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00};
    size_t len = 0;
    const uint8_t *t = cssp_cli_server_final_token(lb_cur.c, &len);

    assert_non_null(t);
    if (mic) {
        assert_true(len > sizeof(completed));
        assert_int_equal(t[0], 0xa1);
    } else {
        assert_int_equal(len, sizeof(completed));
        assert_memory_equal(t, completed, sizeof(completed));
    }
}
