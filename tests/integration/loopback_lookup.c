/*
 * loopback_lookup.c - NTLM secrets from an application callback
 * (credssp_config_set_ntlm_lookup, acceptor/engine/ntlm_lookup.c): the engine reads
 * the user and domain of the AUTHENTICATE message (raw, or inside a SPNEGO
 * NegTokenResp), asks the callback for the NT hash and gives gss-ntlmssp a
 * one-line key file in a private memfd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "engine.h"
#include "keyfile.h"
#include "loopback.h"
#include "loopback_cases.h"

/* Right password through the callback, raw NTLM and SPNEGO(NTLM). */
void
test_lookup_ok(void **state)
{
    const struct vcase *vc = *state;
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    lb_opts_ntlm(&o, vc->mech, vc->version);
    lb_cfg_init(&cfg);
    cfg.lookup = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, CREDSSP_MECH_NTLM, vc->mech == CSSP_CLI_SPNEGO_NTLM, vc->version);
    lb_expect_password("TESTDOM\\alice", "alice", "TESTDOM", "alicepw");
    assert_int_equal(lb_lookup_calls, 1);
    assert_string_equal(lb_lookup_user, "alice");
    assert_string_equal(lb_lookup_domain, "TESTDOM");
    /* the one-line key file held the hash only while gss-ntlmssp read it */
    {
        struct stat st;

        assert_true(lb_cur.e->gss.keyfile_fd >= 0);
        assert_int_equal(fstat(lb_cur.e->gss.keyfile_fd, &st), 0);
        assert_int_equal(st.st_size, 0);
        /* ... and the key file gss-ntlmssp opens is a sealed memfd */
        assert_int_equal(fcntl(lb_cur.e->gss.keyfile_fd, F_GET_SEALS) & CSSP_KEYFILE_SEALS,
                         CSSP_KEYFILE_SEALS);
    }
}

/*
 * The entry is written with the domain exactly as the client sent it, so a
 * lower-case domain works (it fails against a key file entry "TESTDOM").
 */
void
test_lookup_domain_case(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_domain = "testdom";
    o.domain = "testdom";
    lb_cfg_init(&cfg);
    cfg.lookup = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_done(&lb_cur, CREDSSP_MECH_NTLM, false, 6);
    assert_string_equal(lb_lookup_domain, "testdom");
}

/* Wrong password: the hash from the callback does not verify. */
void
test_lookup_wrong_password(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_RAW_NTLM, 6);
    o.auth_password = "wrongpw";
    lb_cfg_init(&cfg);
    cfg.lookup = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
    assert_int_equal(lb_lookup_calls, 1);
}

/* The callback does not know the user: logon failure, errorCode. */
void
test_lookup_unknown_user(void **state)
{
    struct cssp_cli_opts o;
    struct lb_cfg cfg;

    (void)state;
    lb_opts_ntlm(&o, CSSP_CLI_SPNEGO_NTLM, 6);
    o.auth_user = "mallory";
    o.user = "mallory";
    lb_cfg_init(&cfg);
    cfg.lookup = true;
    lb_run(&lb_cur, &cfg, &o);
    lb_expect_fail(&lb_cur, CREDSSP_E_LOGON_FAILURE);
    lb_expect_error_code(&lb_cur, CREDSSP_STATUS_LOGON_FAILURE);
    assert_string_equal(lb_lookup_user, "mallory");
}
