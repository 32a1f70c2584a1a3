/*
 * loopback_ok.c - loopback cases that must succeed: the mechanism x version
 * matrix, nonce styles, Kerberos wrap layouts, application-owned TLS,
 * fragmented streams, application data after the exchange, smart card,
 * Restricted Admin and Remote Guard (refused by default, accepted when allowed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loopback_cases.h"

/* ------------------------------------------------------------------ */
/* Positive matrix                                                     */
/* ------------------------------------------------------------------ */

/* One successful exchange of the matrix. */
void
test_matrix(void **state)
{
    const struct mcase *mc = *state;
    bool krb = mc->mech == CSSP_CLI_SPNEGO_KRB5 || mc->mech == CSSP_CLI_RAW_KRB5;
    bool spnego = mc->mech == CSSP_CLI_SPNEGO_NTLM || mc->mech == CSSP_CLI_SPNEGO_KRB5;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    if (krb) {
        lb_require_krb();
        lb_opts_krb(&o, mc->mech, mc->version);
    } else {
        lb_opts_ntlm(&o, mc->mech, mc->version);
    }
    o.nonce = mc->nonce;
    o.krb_wrap = mc->wrap;
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, krb ? KRB : NTLM, spnego, mc->version);
    if (krb) {
        lb_expect_password("alice@TEST.LOCAL", "alice", "TEST.LOCAL", "alicepw");
        lb_expect_krb_layout(mc->wrap);
    } else {
        lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
        if (spnego)
            lb_expect_final_token(true);
    }
}

/* ------------------------------------------------------------------ */
/* Other successful exchanges                                          */
/* ------------------------------------------------------------------ */

/* A user whose key file entry has no domain, logging in with an empty domain (plain or indexed). */
void
test_ntlm_no_domain(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_user = o.user = "carol";
    o.auth_domain = o.domain = "";
    o.auth_password = o.password = "carolpw";
    lb_cfg_init(&cfg);
    cfg.indexed = *state != NULL;   /* any parameter: through the key index */
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    lb_expect_password("carol", "carol", "", "carolpw");
}

/* Spec-valid: a new nonce in the pubKeyAuth message, the hash over that one. */
void
test_nonce_changed_consistently(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.faults = CSSP_CLI_F_NONCE_CHANGED;
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
}

/* Kerberos without mutual authentication: AP-REQ and pubKeyAuth together. */
void
test_krb5_no_mutual(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_require_krb();
    lb_opts_krb(&o, CSSP_CLI_RAW_KRB5, 6);
    o.faults = CSSP_CLI_F_NO_MUTUAL;
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, KRB, false, 6);
    lb_expect_password("alice@TEST.LOCAL", "alice", "TEST.LOCAL", "alicepw");
}

/*
 * SPNEGO(NTLM) without mechListMIC.  gss-ntlmssp puts a MIC into every NTLMv2
 * AUTHENTICATE it makes under SPNEGO (the server's CHALLENGE has a
 * timestamp), so a MIC-less SPNEGO exchange needs NTLMv1: LM_COMPAT_LEVEL=2
 * for the whole process (client and acceptor read it when a context starts).
 */
void
test_spnego_ntlmv1_no_mic(void **state)
{
    const int *version = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_SPNEGO_NTLM, *version);
    lb_cfg_init(&cfg);
    assert_int_equal(setenv("LM_COMPAT_LEVEL", "2", 1), 0);
    lb_run(&lb_cur, &cfg, &o);
    unsetenv("LM_COMPAT_LEVEL");
    lb_expect_done(&lb_cur, NTLM, true, *version);
    lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
    lb_expect_final_token(false);
}

/* Application-owned TLS: plaintext TSRequests, server certificate given. */
void
test_app_tls(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    cfg.app_tls = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
}

/* Application-owned TLS at v3 (echo binding). */
void
test_app_tls_v3(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_SPNEGO_NTLM, 3);
    lb_cfg_init(&cfg);
    cfg.app_tls = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, true, 3);
}

/* Every byte stream cut into small pieces: TLS records and TSRequests reassembled. */
void
test_dribble(void **state)
{
    const struct dcase *dc = *state;
    bool krb = dc->mech == CSSP_CLI_SPNEGO_KRB5 || dc->mech == CSSP_CLI_RAW_KRB5;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    if (krb) {
        lb_require_krb();
        lb_opts_krb(&o, dc->mech, dc->version);
    } else {
        lb_opts_ntlm(&o, dc->mech, dc->version);
    }
    lb_cfg_init(&cfg);
    cfg.app_tls = dc->app_tls;
    cfg.chunk = dc->chunk;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, krb ? KRB : NTLM,
                   dc->mech == CSSP_CLI_SPNEGO_NTLM || dc->mech == CSSP_CLI_SPNEGO_KRB5,
                   dc->version);
}

/* RDP data right behind authInfo, and back: the same TLS session continues. */
void
test_app_data(void **state)
{
    static const uint8_t mcs[] = "\x03\x00\x00\x0cMCS-CI-test";
    static const uint8_t reply[] = "server RDP bytes";
    uint8_t buf[64];
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.app_after_auth = mcs;
    o.app_after_auth_len = sizeof(mcs);
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    assert_int_equal(credssp_engine_read_app(lb_cur.e, buf, sizeof(buf)), sizeof(mcs));
    assert_memory_equal(buf, mcs, sizeof(mcs));
    assert_int_equal(credssp_engine_write_app(lb_cur.e, reply, sizeof(reply)), CREDSSP_OK);
    lb_pump(&lb_cur);
    assert_int_equal(cssp_cli_read_app(lb_cur.c, buf, sizeof(buf)), sizeof(reply));
    assert_memory_equal(buf, reply, sizeof(reply));
    assert_int_equal(cssp_cli_write_app(lb_cur.c, mcs, 4), CREDSSP_OK);
    lb_pump(&lb_cur);
    assert_int_equal(credssp_engine_read_app(lb_cur.e, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, mcs, 4);
    /* idle: nothing to read, but the session goes on */
    assert_int_equal(credssp_engine_read_app(lb_cur.e, buf, sizeof(buf)), 0);
    assert_int_equal(credssp_engine_app_eof(lb_cur.e), 0);
    /* a corrupt record ends it: 0 bytes and eof, for good */
    memset(buf, 0x17, sizeof(buf));
    (void)credssp_engine_feed(lb_cur.e, buf, sizeof(buf));
    assert_int_equal(credssp_engine_read_app(lb_cur.e, buf, sizeof(buf)), 0);
    assert_int_equal(credssp_engine_app_eof(lb_cur.e), 1);
}

/* Smart-card credentials (allowed by default): PIN and CSP data. */
void
test_smartcard(void **state)
{
    const credssp_result *res;
    credssp_secret *pin = NULL;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.cred = CSSP_CLI_CRED_SMARTCARD;
    o.password = "123456";
    o.sc_key_spec = 1;
    o.sc_card = "Test Card";
    o.sc_reader = "OMNIKEY CardMan 3x21 0";
    o.sc_container = "container-1";
    o.sc_csp = "Microsoft Base Smart Card Crypto Provider";
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    res = credssp_engine_result(lb_cur.e);
    assert_int_equal(credssp_result_cred_type(res), CREDSSP_CRED_SMARTCARD);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PIN, "123456", 6, &pin), CREDSSP_OK);
    assert_int_equal(credssp_secret_equal(credssp_result_secret(res), pin), 1);
    credssp_secret_free(pin);
    assert_int_equal(credssp_result_sc_key_spec(res), 1);
    assert_string_equal(credssp_result_sc_card_name(res), "Test Card");
    assert_string_equal(credssp_result_sc_reader_name(res), "OMNIKEY CardMan 3x21 0");
    assert_string_equal(credssp_result_sc_container_name(res), "container-1");
    assert_string_equal(credssp_result_sc_csp_name(res),
                        "Microsoft Base Smart Card Crypto Provider");
}

/* ------------------------------------------------------------------ */
/* Restricted Admin and Remote Guard                                   */
/* ------------------------------------------------------------------ */

/* A credential type refused by default and accepted once allowed. */
void
test_cred_type(void **state)
{
    /*
     * A well-formed KERB_TICKET_LOGON (MS-CSSP note <22>): type 10, flags 0,
     * a 20-byte Ticket [APPLICATION 1] at 32, a 30-byte KRB-CRED
     * [APPLICATION 22] at 52.  The engine checks this structure.
     */
    static const uint8_t ticket[82] = {
        10, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0,
        32, 0, 0, 0, 0, 0, 0, 0, 52, 0, 0, 0, 0, 0, 0, 0,
        [32] = 0x61, [33] = 18, [52] = 0x76, [53] = 28,
    };
    const struct ccase *cc = *state;
    bool rg = cc->cred == CSSP_CLI_CRED_REMOTE_GUARD;
    unsigned type = rg ? CREDSSP_CRED_REMOTE_GUARD : CREDSSP_CRED_RESTRICTED_ADMIN;
    const credssp_result *res;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.cred = cc->cred;
    o.rg_buffer = ticket;
    o.rg_buffer_len = sizeof(ticket);
    o.rg_supplemental_present = cc->rg_present;
    o.rg_n_supplemental = cc->rg_n;
    lb_cfg_init(&cfg);
    if (cc->allow)
        cfg.cred_types = CREDSSP_CRED_PASSWORD | type;
    lb_run(&lb_cur, &cfg, &o);
    if (!cc->allow) {
        lb_expect_fail(&lb_cur, CREDSSP_E_POLICY_CRED_TYPE);
        return;
    }
    lb_expect_done(&lb_cur, NTLM, false, 6);
    res = credssp_engine_result(lb_cur.e);
    assert_string_equal(credssp_result_principal(res), "TESTDOM\\alice");
    assert_int_equal(credssp_result_cred_type(res), type);
    assert_null(credssp_result_secret(res));
    if (rg) {
        assert_int_equal(credssp_result_rg_package_count(res), 1 + cc->rg_n);
        assert_string_equal(credssp_result_rg_package_name(res, 0), "Kerberos");
        assert_int_equal(credssp_result_rg_buffer_len(res, 0), sizeof(ticket));
        for (size_t i = 1; i <= cc->rg_n; i++)
            assert_string_equal(credssp_result_rg_package_name(res, i), "NTLM");
    }
}

/*
 * The certificate bound is the one the handshake presented: an SNI callback
 * that switches the handshake to cert2 must not leave the engine binding
 * cert (that would look like a man-in-the-middle to an honest client).
 */
void
test_sni_switch(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    cfg.sni_switch = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 6);
    lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
}

/* Remote Guard allowed, but its Kerberos logon buffer is no KERB_TICKET_LOGON. */
void
test_remote_guard_bad_ticket(void **state)
{
    static const uint8_t junk[] = "KERB_TICKET_LOGON-ish opaque bytes";
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.cred = CSSP_CLI_CRED_REMOTE_GUARD;
    o.rg_buffer = junk;
    o.rg_buffer_len = sizeof(junk);
    lb_cfg_init(&cfg);
    cfg.cred_types = CREDSSP_CRED_PASSWORD | CREDSSP_CRED_REMOTE_GUARD;
    lb_run(&lb_cur, &cfg, &o);
    assert_int_equal(credssp_engine_status(lb_cur.e), CREDSSP_FAILED);
    assert_int_not_equal(credssp_engine_error(lb_cur.e), CREDSSP_OK);
    /* refused after authInfo: no errorCode, but TLS stays up for an EUA */
    assert_int_equal(credssp_engine_write_app(lb_cur.e, (const uint8_t *)"\x05\0\0\0", 4),
                     CREDSSP_OK);
}
