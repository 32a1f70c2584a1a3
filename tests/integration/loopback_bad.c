/*
 * loopback_bad.c - loopback cases that must fail, and how: wrong password and
 * unknown user (errorCode only for client versions 3, 4, 6), MITM binding,
 * nonce faults, version change, out-of-order, duplicate, corrupt and oversize
 * messages, garbage tokens and TLS, deadline, EOF, version / mechanism policy,
 * identity mismatch.
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
/* Authentication failures                                             */
/* ------------------------------------------------------------------ */

/* errorCode is allowed for client versions 3, 4 and 6 only. */
static uint32_t
logon_code(int version)
{
    return (version == 3 || version == 4 || version >= 6) ? CREDSSP_STATUS_LOGON_FAILURE : 0;
}

/* Wrong password: LOGON_FAILURE, errorCode only where the version allows. */
void
test_wrong_password(void **state)
{
    const struct vcase *vc = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, vc->mech, vc->version);
    o.auth_password = "wrongpw";
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, logon_code(vc->version));
    lb_expect_no_creds(&lb_cur);
}

/* A user the key file does not know. */
void
test_unknown_user(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_user = o.user = "mallory";
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
    lb_expect_no_creds(&lb_cur);
}

/* ------------------------------------------------------------------ */
/* Binding, nonce and message-order faults                             */
/* ------------------------------------------------------------------ */

/* One injected fault and the engine error it must cause. */
void
test_fault(void **state)
{
    const struct fcase *fc = *state;
    bool krb = fc->mech == CSSP_CLI_SPNEGO_KRB5 || fc->mech == CSSP_CLI_RAW_KRB5;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    if (krb) {
        lb_require_krb();
        lb_opts_krb(&o, fc->mech, fc->version);
    } else {
        lb_opts_ntlm(&o, fc->mech, fc->version);
    }
    o.faults = fc->faults;
    o.oversize_pad = 4096;
    o.sent_error_code = CREDSSP_STATUS_LOGON_FAILURE;
    if (fc->mitm_key) {
        o.binding_key = lb.spk2;
        o.binding_key_len = lb.spk2_len;
    }
    lb_cfg_init(&cfg);
    if (fc->faults & CSSP_CLI_F_OVERSIZE)
        cfg.max_message = 2048;
    if (fc->app_tls_cert2) {
        cfg.app_tls = true;
        cfg.server_cert2 = true;
        o.server_cert_der = lb.cert_der;
        o.server_cert_der_len = lb.cert_der_len;
    }
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, fc->want);
    if (fc->no_creds)
        lb_expect_no_creds(&lb_cur);
}

/* A TSRequest header announcing more than 65539 bytes (0x83 length form). */
void
test_oversize_header(void **state)
{
    static const uint8_t hdr[] = {0x30, 0x83, 0x01, 0x00, 0x00, 0xa0, 0x03, 0x02, 0x01, 0x06};
    credssp_status st;

    (void)state;
    assert_int_equal(credssp_config_new(&lb_cur.cfg), CREDSSP_OK);
    assert_int_equal(credssp_config_set_tls_files(lb_cur.cfg, lb.cert, lb.key), CREDSSP_OK);
    assert_int_equal(credssp_config_set_ntlm_keyfile(lb_cur.cfg, lb.keyfile), CREDSSP_OK);
    assert_int_equal(credssp_config_prepare(lb_cur.cfg), CREDSSP_OK);
    assert_int_equal(credssp_engine_new(lb_cur.cfg, CREDSSP_TLS_APPLICATION, &lb_cur.e),
                     CREDSSP_OK);
    assert_int_equal(credssp_engine_set_server_cert(lb_cur.e, lb.cert_der, lb.cert_der_len),
                     CREDSSP_OK);
    st = credssp_engine_feed(lb_cur.e, hdr, sizeof(hdr));
    assert_int_equal(st, CREDSSP_FAILED);
    assert_int_equal(credssp_engine_error(lb_cur.e), CREDSSP_E_TOO_LARGE);
}

/* Raw bytes as the authInfo plaintext: a protocol error after decryption. */
void
test_raw_auth_info(void **state)
{
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01, 0xde, 0xad};
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.cred = CSSP_CLI_CRED_RAW;
    o.raw_auth_info = junk;
    o.raw_auth_info_len = sizeof(junk);
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    if (credssp_engine_status(lb_cur.e) != CREDSSP_FAILED)
        lb_dump(&lb_cur);
    assert_int_equal(credssp_engine_status(lb_cur.e), CREDSSP_FAILED);
    assert_int_equal(credssp_error_category_of(credssp_engine_error(lb_cur.e)),
                     CREDSSP_CAT_PROTOCOL);
}

/* A nonce below v5 is ignored: echo binding. */
void
test_nonce_below_v5(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 4);
    o.faults = CSSP_CLI_F_NONCE_ALWAYS;
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 4);
}

/* A client newer than MS-CSSP v6 is treated as 6 (hash binding, errorCode allowed). */
void
test_client_v7(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 7);
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, NTLM, false, 7);
    lb_run_free(&lb_cur);
    o.auth_password = "wrongpw";
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
}

/* Version 1 does not exist: refused, nothing delegated. */
void
test_client_v1(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;
    credssp_error err;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 1);
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    err = credssp_engine_error(lb_cur.e);
    if (err != CREDSSP_E_BAD_VERSION && err != CREDSSP_E_POLICY_VERSION)
        lb_dump(&lb_cur);
    assert_false(lb_cur.stalled);
    print_message("  client version 1: engine %s\n", credssp_error_name(err));
    assert_int_equal(credssp_engine_status(lb_cur.e), CREDSSP_FAILED);
    assert_true(err == CREDSSP_E_BAD_VERSION || err == CREDSSP_E_POLICY_VERSION);
    lb_expect_no_creds(&lb_cur);
}

/*
 * The last NTLM token without pubKeyAuth, pubKeyAuth in the next message.
 * MS-CSSP 3.1.5 says both MUST travel together; the engine may refuse
 * (UNEXPECTED) or cope, but must not hang.
 */
void
test_split_last(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.faults = CSSP_CLI_F_SPLIT_LAST;
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    if (lb_cur.stalled || (credssp_engine_status(lb_cur.e) != CREDSSP_DONE &&
                           credssp_engine_error(lb_cur.e) != CREDSSP_E_UNEXPECTED))
        lb_dump(&lb_cur);
    assert_false(lb_cur.stalled);
    print_message("  split last token: engine %s\n",
                  credssp_engine_status(lb_cur.e) == CREDSSP_DONE
                      ? "copes (DONE)"
                      : credssp_error_name(credssp_engine_error(lb_cur.e)));
    if (credssp_engine_status(lb_cur.e) == CREDSSP_DONE)
        lb_expect_done(&lb_cur, NTLM, false, 6);
    else
        lb_expect_fail(&lb_cur, CREDSSP_E_UNEXPECTED);
}

/* A deadline in the past fails the engine on its next call: before the TLS
 * handshake completes, so the client never sends a TSRequest (the back-end
 * deadline check in engine_auth.c alone would let the handshake finish). */
void
test_deadline(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    lb_start(&lb_cur, &cfg, &o);
    credssp_engine_set_deadline(lb_cur.e, 1);
    lb_pump(&lb_cur);
    lb_expect_fail(&lb_cur, CREDSSP_E_TIMEOUT);
    lb_expect_no_creds(&lb_cur);
    assert_int_equal(cssp_cli_messages_sent(lb_cur.c), 0);
}

/* The client goes away after its first TSRequest: CLOSED. */
void
test_eof_mid_exchange(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    lb_start(&lb_cur, &cfg, &o);
    for (int i = 0; i < 16 && cssp_cli_messages_sent(lb_cur.c) == 0; i++)
        assert_true(lb_pump_once(&lb_cur));
    assert_true(lb_pump_once(&lb_cur)); /* the first TSRequest reaches the engine */
    assert_int_equal(credssp_engine_status(lb_cur.e), CREDSSP_WANT_READ);
    /* FAILED, and the close_notify waits as output */
    assert_int_equal(credssp_engine_feed_eof(lb_cur.e), CREDSSP_FAILED | CREDSSP_WANT_WRITE);
    assert_int_equal(credssp_engine_error(lb_cur.e), CREDSSP_E_CLOSED);
}

/* Not TLS at all (an HTTP request on the RDP port). */
void
test_garbage_tls(void **state)
{
    static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    lb_start(&lb_cur, &cfg, &o);
    assert_int_equal(credssp_engine_feed(lb_cur.e, http, sizeof(http) - 1), CREDSSP_FAILED);
    assert_int_equal(credssp_engine_error(lb_cur.e), CREDSSP_E_TLS);
}

/* A TLS record with a flipped bit (the client Finished + first TSRequest). */
void
test_corrupt_tls_record(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    lb_cfg_init(&cfg);
    cfg.corrupt_batch = 2;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_TLS);
    lb_expect_no_creds(&lb_cur);
}

/* ------------------------------------------------------------------ */
/* Policy                                                              */
/* ------------------------------------------------------------------ */

/* Default minimum version 5: v2 closed silently, v3/v4 STATUS_NOT_SUPPORTED. */
void
test_default_min_version(void **state)
{
    const struct vcase *vc = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, vc->version);
    lb_cfg_init(&cfg);
    cfg.min_version = 0;
    lb_run(&lb_cur, &cfg, &o);
    if (vc->version >= 5) {
        lb_expect_done(&lb_cur, NTLM, false, vc->version);
        return;
    }
    lb_expect_fail(&lb_cur, CREDSSP_E_POLICY_VERSION);
    lb_expect_error_code(&lb_cur, vc->version == 2 ? 0 : CREDSSP_STATUS_NOT_SUPPORTED);
    lb_expect_no_creds(&lb_cur);
}

/* A mechanism the configuration does not allow. */
void
test_mech_policy(void **state)
{
    const struct vcase *vc = *state;
    bool krb = vc->mech == CSSP_CLI_SPNEGO_KRB5 || vc->mech == CSSP_CLI_RAW_KRB5;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    if (krb) {
        lb_require_krb();
        lb_opts_krb(&o, vc->mech, vc->version);
    } else {
        lb_opts_ntlm(&o, vc->mech, vc->version);
    }
    lb_cfg_init(&cfg);
    cfg.mechs = krb ? NTLM : KRB;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_POLICY_MECH);
    lb_expect_no_creds(&lb_cur);
    /* the client learns why (MS-CSSP 2.2.1: errorCode at version 6) */
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_NOT_SUPPORTED);
}

/* Authenticated as alice, delegating bob's name. */
void
test_identity_mismatch(void **state)
{
    const struct vcase *vc = *state;
    bool krb = vc->mech == CSSP_CLI_SPNEGO_KRB5 || vc->mech == CSSP_CLI_RAW_KRB5;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    if (krb) {
        lb_require_krb();
        lb_opts_krb(&o, vc->mech, vc->version);
    } else {
        lb_opts_ntlm(&o, vc->mech, vc->version);
    }
    o.user = "bob";
    o.password = "bobpw";
    lb_cfg_init(&cfg);
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_IDENTITY_MISMATCH);
    /* the refused credential was wiped at once, not kept until engine_free */
    assert_null(credssp_result_secret(credssp_engine_result(lb_cur.e)));
    assert_null(credssp_result_user(credssp_engine_result(lb_cur.e)));
}
