/*
 * test_loopback.c - the acceptor engine (credssp.h) against the test client
 * (cssp_client.h), in process, over memory (GitHub issue #3).  This file only
 * lists the cases (loopback_ok.c, loopback_bad.c) with their parameters.
 *
 * Matrix: raw NTLM, SPNEGO(NTLM), SPNEGO(Kerberos), raw Kerberos at client
 * versions 2..6 (min version 2), plus nonce styles and Kerberos wrap layouts.
 * Kerberos cases need the KDC of run_loopback.sh and skip without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "loopback_cases.h"

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

static const char *const mech_names[] = {"", "ntlm", "spnego_ntlm", "spnego_krb5", "krb5"};

#define N_MATRIX (4 * 5 + 3 + 4)
static struct mcase matrix[N_MATRIX];

/* The 4 x 5 matrix plus nonce-style and wrap-layout variants. */
static void
fill_matrix(void)
{
    size_t n = 0;

    for (int m = CSSP_CLI_RAW_NTLM; m <= CSSP_CLI_RAW_KRB5; m++) {
        for (int v = 2; v <= 6; v++) {
            struct mcase *mc = &matrix[n++];

            snprintf(mc->name, sizeof(mc->name), "%s_v%d", mech_names[m], v);
            mc->mech = (enum cssp_cli_mech)m;
            mc->version = v;
            mc->nonce = CSSP_CLI_NONCE_EVERY;
            mc->wrap = CSSP_CLI_WRAP_IOV;
        }
    }
    for (int m = CSSP_CLI_RAW_NTLM; m <= CSSP_CLI_SPNEGO_KRB5; m++) {
        struct mcase *mc = &matrix[n++];

        snprintf(mc->name, sizeof(mc->name), "%s_v6_nonce_pubkey_only", mech_names[m]);
        mc->mech = (enum cssp_cli_mech)m;
        mc->version = 6;
        mc->nonce = CSSP_CLI_NONCE_PUBKEY;
        mc->wrap = CSSP_CLI_WRAP_IOV;
    }
    for (int m = CSSP_CLI_SPNEGO_KRB5; m <= CSSP_CLI_RAW_KRB5; m++) {
        for (int v = 3; v <= 6; v += 3) {
            struct mcase *mc = &matrix[n++];

            snprintf(mc->name, sizeof(mc->name), "%s_v%d_rrc0", mech_names[m], v);
            mc->mech = (enum cssp_cli_mech)m;
            mc->version = v;
            mc->nonce = CSSP_CLI_NONCE_PUBKEY;
            mc->wrap = CSSP_CLI_WRAP_PLAIN;
        }
    }
}

static struct ccase ccases[] = {
    {"restricted_admin_refused", CSSP_CLI_CRED_RESTRICTED_ADMIN, false, false, 0},
    {"restricted_admin_30_00_refused", CSSP_CLI_CRED_RESTRICTED_ADMIN_EMPTY, false, false, 0},
    {"restricted_admin_allowed", CSSP_CLI_CRED_RESTRICTED_ADMIN, true, false, 0},
    {"restricted_admin_30_00_allowed", CSSP_CLI_CRED_RESTRICTED_ADMIN_EMPTY, true, false, 0},
    {"remote_guard_refused", CSSP_CLI_CRED_REMOTE_GUARD, false, false, 0},
    {"remote_guard_no_supplemental", CSSP_CLI_CRED_REMOTE_GUARD, true, false, 0},
    {"remote_guard_empty_supplemental", CSSP_CLI_CRED_REMOTE_GUARD, true, true, 0},
    {"remote_guard_1_supplemental", CSSP_CLI_CRED_REMOTE_GUARD, true, true, 1},
    {"remote_guard_3_supplemental", CSSP_CLI_CRED_REMOTE_GUARD, true, true, 3},
};

static struct dcase dribble[] = {
    {"dribble_tls_ntlm_v6_1byte", CSSP_CLI_RAW_NTLM, 6, false, 1},
    {"dribble_tls_spnego_ntlm_v2_5bytes", CSSP_CLI_SPNEGO_NTLM, 2, false, 5},
    {"dribble_tls_spnego_krb5_v6_3bytes", CSSP_CLI_SPNEGO_KRB5, 6, false, 3},
    {"dribble_app_tls_spnego_ntlm_v6_1byte", CSSP_CLI_SPNEGO_NTLM, 6, true, 1},
    {"dribble_app_tls_krb5_v4_1byte", CSSP_CLI_RAW_KRB5, 4, true, 1},
};

static struct vcase wrong_pw[] = {
    {"wrong_password_v2", CSSP_CLI_RAW_NTLM, 2},
    {"wrong_password_v3", CSSP_CLI_RAW_NTLM, 3},
    {"wrong_password_v4", CSSP_CLI_RAW_NTLM, 4},
    {"wrong_password_v5", CSSP_CLI_RAW_NTLM, 5},
    {"wrong_password_v6", CSSP_CLI_RAW_NTLM, 6},
    {"wrong_password_spnego_v2", CSSP_CLI_SPNEGO_NTLM, 2},
    {"wrong_password_spnego_v6", CSSP_CLI_SPNEGO_NTLM, 6},
};

static struct vcase min_version[] = {
    {"default_policy_v2", CSSP_CLI_RAW_NTLM, 2}, {"default_policy_v3", CSSP_CLI_RAW_NTLM, 3},
    {"default_policy_v4", CSSP_CLI_RAW_NTLM, 4}, {"default_policy_v5", CSSP_CLI_RAW_NTLM, 5},
    {"default_policy_v6", CSSP_CLI_RAW_NTLM, 6},
};

static struct vcase mech_policy[] = {
    {"mech_policy_ntlm_refused", CSSP_CLI_RAW_NTLM, 6},
    {"mech_policy_spnego_ntlm_refused", CSSP_CLI_SPNEGO_NTLM, 6},
    {"mech_policy_spnego_krb5_refused", CSSP_CLI_SPNEGO_KRB5, 6},
    {"mech_policy_krb5_refused", CSSP_CLI_RAW_KRB5, 6},
};

static struct vcase identity[] = {
    {"identity_mismatch_ntlm", CSSP_CLI_RAW_NTLM, 6},
    {"identity_mismatch_krb5", CSSP_CLI_SPNEGO_KRB5, 6},
};

static struct fcase faults[] = {
    {"mitm_key_v6", CSSP_CLI_RAW_NTLM, 6, 0, true, false, CREDSSP_E_BINDING, true},
    {"mitm_key_v3", CSSP_CLI_RAW_NTLM, 3, 0, true, false, CREDSSP_E_BINDING, true},
    {"mitm_key_spnego_ntlm_v6", CSSP_CLI_SPNEGO_NTLM, 6, 0, true, false, CREDSSP_E_BINDING, true},
    {"mitm_key_spnego_krb5_v6", CSSP_CLI_SPNEGO_KRB5, 6, 0, true, false, CREDSSP_E_BINDING, true},
    {"mitm_key_krb5_v2", CSSP_CLI_RAW_KRB5, 2, 0, true, false, CREDSSP_E_BINDING, true},
    {"mitm_app_tls_cert", CSSP_CLI_RAW_NTLM, 6, 0, false, true, CREDSSP_E_BINDING, true},
    {"tampered_key_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_TAMPER_KEY, false, false,
     CREDSSP_E_BINDING, true},
    {"tampered_key_v2", CSSP_CLI_RAW_NTLM, 2, CSSP_CLI_F_TAMPER_KEY, false, false,
     CREDSSP_E_BINDING, true},
    {"nonce_missing_v5", CSSP_CLI_RAW_NTLM, 5, CSSP_CLI_F_NO_NONCE, false, false,
     CREDSSP_E_BAD_NONCE, true},
    {"nonce_missing_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_NO_NONCE, false, false,
     CREDSSP_E_BAD_NONCE, true},
    {"nonce_missing_krb5_v6", CSSP_CLI_SPNEGO_KRB5, 6, CSSP_CLI_F_NO_NONCE, false, false,
     CREDSSP_E_BAD_NONCE, true},
    {"nonce_short_v5", CSSP_CLI_RAW_NTLM, 5, CSSP_CLI_F_SHORT_NONCE, false, false,
     CREDSSP_E_BAD_NONCE, true},
    {"nonce_short_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_SHORT_NONCE, false, false,
     CREDSSP_E_BAD_NONCE, true},
    {"nonce_mismatch_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_NONCE_MISMATCH, false, false,
     CREDSSP_E_BINDING, true},
    {"version_change_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_VERSION_CHANGE, false, false,
     CREDSSP_E_BAD_VERSION, true},
    {"version_change_v2", CSSP_CLI_RAW_NTLM, 2, CSSP_CLI_F_VERSION_CHANGE, false, false,
     CREDSSP_E_BAD_VERSION, true},
    {"version_change_krb5", CSSP_CLI_SPNEGO_KRB5, 6, CSSP_CLI_F_VERSION_CHANGE, false, false,
     CREDSSP_E_BAD_VERSION, true},
    {"authinfo_before_pubkeyauth", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_AUTHINFO_EARLY, false, false,
     CREDSSP_E_UNEXPECTED, true},
    {"authinfo_before_pubkeyauth_krb5", CSSP_CLI_SPNEGO_KRB5, 6, CSSP_CLI_F_AUTHINFO_EARLY, false,
     false, CREDSSP_E_UNEXPECTED, true},
    {"oversize_message", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_OVERSIZE, false, false,
     CREDSSP_E_TOO_LARGE, true},
    {"garbage_first_token", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_GARBAGE_TOKEN, false, false,
     CREDSSP_E_BAD_TOKEN, true},
    {"duplicate_pubkeyauth", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_DUPLICATE, false, false,
     CREDSSP_E_UNEXPECTED, false},
    {"corrupt_pubkeyauth_ntlm_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_CORRUPT_PUBKEYAUTH, false,
     false, CREDSSP_E_CRYPTO, true},
    {"corrupt_pubkeyauth_krb5_v6", CSSP_CLI_SPNEGO_KRB5, 6, CSSP_CLI_F_CORRUPT_PUBKEYAUTH, false,
     false, CREDSSP_E_CRYPTO, true},
    {"corrupt_authinfo_ntlm_v6", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_CORRUPT_AUTHINFO, false, false,
     CREDSSP_E_CRYPTO, false},
    {"corrupt_authinfo_krb5_v3", CSSP_CLI_RAW_KRB5, 3, CSSP_CLI_F_CORRUPT_AUTHINFO, false, false,
     CREDSSP_E_CRYPTO, false},
    {"empty_first_token", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_EMPTY_TOKEN, false, false,
     CREDSSP_E_BAD_TOKEN, true},
    {"client_sends_error_code", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_SEND_ERROR_CODE, false, false,
     CREDSSP_E_UNEXPECTED, true},
    /* gss-ntlmssp negotiates no sealing when not asked (MIT krb5 always does) */
    {"no_confidentiality_ntlm", CSSP_CLI_RAW_NTLM, 6, CSSP_CLI_F_NO_CONF, false, false,
     CREDSSP_E_GSS, true},
    {"no_confidentiality_spnego_ntlm", CSSP_CLI_SPNEGO_NTLM, 6, CSSP_CLI_F_NO_CONF, false, false,
     CREDSSP_E_GSS, true},
};

static int v2 = 2, v6 = 6;
static unsigned rounds2 = 2, rounds3 = 3;
static int tls12 = TLS1_2_VERSION, tls13 = TLS1_3_VERSION;

static struct vcase lookup_raw = { "lookup_raw", CSSP_CLI_RAW_NTLM, 6 };
static struct vcase lookup_spnego = { "lookup_spnego", CSSP_CLI_SPNEGO_NTLM, 6 };
static struct vcase lookup_raw_v2 = { "lookup_raw_v2", CSSP_CLI_RAW_NTLM, 2 };
static struct dcase deferred[] = {
    { "deferred_raw_ntlm_v6", CSSP_CLI_RAW_NTLM, 6, false, 0 },
    { "deferred_spnego_ntlm_v3", CSSP_CLI_SPNEGO_NTLM, 3, false, 0 },
    { "deferred_spnego_krb5_v6", CSSP_CLI_SPNEGO_KRB5, 6, false, 0 },
    { "deferred_raw_krb5_v5", CSSP_CLI_RAW_KRB5, 5, false, 0 },
    { "deferred_app_tls_spnego_ntlm_v6", CSSP_CLI_SPNEGO_NTLM, 6, true, 0 },
    { "deferred_app_tls_krb5_v6_7bytes", CSSP_CLI_SPNEGO_KRB5, 6, true, 7 },
    { "deferred_tls_ntlm_v6_1byte", CSSP_CLI_RAW_NTLM, 6, false, 1 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_TESTS 256

static struct CMUnitTest tests[MAX_TESTS];
static size_t n_tests;

/* Append one named test with its parameters. */
static void
add(const char *name, CMUnitTestFunction fn, void *param)
{
    if (n_tests >= MAX_TESTS) {
        fprintf(stderr, "test_loopback: too many tests, raise MAX_TESTS\n");
        exit(1);   /* never pass with cases silently left out */
    }
    tests[n_tests].name = name;
    tests[n_tests].test_func = fn;
    tests[n_tests].setup_func = NULL;
    tests[n_tests].teardown_func = lb_free_current;
    tests[n_tests].initial_state = param;
    n_tests++;
}

int
main(void)
{
    fill_matrix();
    for (size_t i = 0; i < N_MATRIX; i++)
        add(matrix[i].name, test_matrix, &matrix[i]);
    add("ntlm_no_domain_entry", test_ntlm_no_domain, NULL);
    add("nonce_changed_consistently", test_nonce_changed_consistently, NULL);
    add("krb5_no_mutual", test_krb5_no_mutual, NULL);
    add("spnego_ntlmv1_no_mic_v6", test_spnego_ntlmv1_no_mic, &v6);
    add("spnego_ntlmv1_no_mic_v2", test_spnego_ntlmv1_no_mic, &v2);
    add("app_tls_ntlm_v6", test_app_tls, NULL);
    add("app_tls_spnego_ntlm_v3", test_app_tls_v3, NULL);
    add("smartcard", test_smartcard, NULL);
    add("lookup_raw_ntlm_v6", test_lookup_ok, &lookup_raw);
    add("lookup_spnego_ntlm_v6", test_lookup_ok, &lookup_spnego);
    add("lookup_raw_ntlm_v2", test_lookup_ok, &lookup_raw_v2);
    add("lookup_domain_case", test_lookup_domain_case, NULL);
    add("remote_guard_bad_ticket", test_remote_guard_bad_ticket, NULL);
    add("sni_switch_binds_presented_cert", test_sni_switch, NULL);
    add("lookup_wrong_password", test_lookup_wrong_password, NULL);
    add("lookup_unknown_user", test_lookup_unknown_user, NULL);
    add("app_data_after_authinfo", test_app_data, NULL);
    add("indexed_raw_ntlm_v6", test_indexed_ok, &lookup_raw);
    add("indexed_spnego_ntlm_v6", test_indexed_ok, &lookup_spnego);
    add("indexed_no_domain_entry", test_ntlm_no_domain, &lookup_raw);
    add("indexed_refused", test_indexed_refused, NULL);
    add("indexed_domain_case", test_indexed_domain_case, NULL);
    add("indexed_reuse_credential", test_indexed_reuse, NULL);
    for (size_t i = 0; i < COUNT(deferred); i++)
        add(deferred[i].name, test_deferred_steps_on_worker, &deferred[i]);
    add("deferred_slow_backend_does_not_stall", test_deferred_slow_backend_does_not_stall, NULL);
    add("deferred_backend_deadline", test_deferred_backend_deadline, NULL);
    for (size_t i = 0; i < COUNT(dribble); i++)
        add(dribble[i].name, test_dribble, &dribble[i]);
    for (size_t i = 0; i < COUNT(ccases); i++)
        add(ccases[i].name, test_cred_type, &ccases[i]);
    for (size_t i = 0; i < COUNT(wrong_pw); i++)
        add(wrong_pw[i].name, test_wrong_password, &wrong_pw[i]);
    add("unknown_user", test_unknown_user, NULL);
    for (size_t i = 0; i < COUNT(faults); i++)
        add(faults[i].name, test_fault, &faults[i]);
    add("oversize_header", test_oversize_header, NULL);
    add("nonce_below_v5_ignored", test_nonce_below_v5, NULL);
    add("client_v7_as_v6", test_client_v7, NULL);
    add("client_v1_refused", test_client_v1, NULL);
    add("last_token_and_pubkeyauth_split", test_split_last, NULL);
    add("deadline_expired", test_deadline, NULL);
    add("drive_fd_ntlm", test_drive_fd_ok, NULL);
    add("drive_fd_timeout", test_drive_fd_timeout, NULL);
    add("drive_fd_engine_deadline", test_drive_fd_engine_deadline, NULL);
    add("drive_fd_peer_closes", test_drive_fd_peer_closes, NULL);
    add("eof_mid_exchange", test_eof_mid_exchange, NULL);
    add("garbage_instead_of_tls", test_garbage_tls, NULL);
    add("corrupt_tls_record", test_corrupt_tls_record, NULL);
    add("raw_auth_info_junk", test_raw_auth_info, NULL);
    for (size_t i = 0; i < COUNT(min_version); i++)
        add(min_version[i].name, test_default_min_version, &min_version[i]);
    for (size_t i = 0; i < COUNT(mech_policy); i++)
        add(mech_policy[i].name, test_mech_policy, &mech_policy[i]);
    for (size_t i = 0; i < COUNT(identity); i++)
        add(identity[i].name, test_identity_mismatch, &identity[i]);
    add("max_rounds_2_refuses_third_message", test_max_rounds, &rounds2);
    add("max_rounds_3_enough_for_ntlm", test_max_rounds, &rounds3);
    add("tls12_no_resumption", test_no_resumption, &tls12);
    add("tls13_no_resumption", test_no_resumption, &tls13);
    /* CSSP_TEST_FILTER: run only the matching cases (tests/mutation/run.sh) */
    if (getenv("CSSP_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("CSSP_TEST_FILTER"));
    return _cmocka_run_group_tests("loopback", tests, n_tests, lb_setup, lb_teardown);
}
