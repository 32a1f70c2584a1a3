/*
 * loopback_cases.h - the cases of the loopback test (loopback_ok.c,
 * loopback_bad.c, loopback_guard.c) and their parameter types;
 * test_loopback.c lists them.
 */
#ifndef LOOPBACK_CASES_H
#define LOOPBACK_CASES_H

#include "loopback.h"

#define NTLM CREDSSP_MECH_NTLM
#define KRB CREDSSP_MECH_KERBEROS

struct mcase {
    char name[48];
    enum cssp_cli_mech mech;
    int version;
    enum cssp_cli_nonce nonce;
    enum cssp_cli_krb_wrap wrap;
};

struct dcase {
    char name[48];
    enum cssp_cli_mech mech;
    int version;
    bool app_tls;
    size_t chunk;
};

struct ccase {
    char name[48];
    enum cssp_cli_cred cred;
    bool allow;
    bool rg_present;
    size_t rg_n;
};

struct vcase {
    char name[48];
    enum cssp_cli_mech mech;
    int version;
};

struct fcase {
    char name[48];
    enum cssp_cli_mech mech;
    int version;
    unsigned faults;
    bool mitm_key;      /* bind to cert2's key (MITM) */
    bool app_tls_cert2; /* app TLS: engine told cert2, client binds to cert1 */
    credssp_error want;
    bool no_creds; /* also check nothing was delegated */
};

void test_matrix(void **state);
void test_ntlm_no_domain(void **state);
void test_nonce_changed_consistently(void **state);
void test_krb5_no_mutual(void **state);
void test_spnego_ntlmv1_no_mic(void **state);
void test_app_tls(void **state);
void test_app_tls_v3(void **state);
void test_dribble(void **state);
void test_app_data(void **state);
void test_smartcard(void **state);
void test_cred_type(void **state);
void test_wrong_password(void **state);
void test_unknown_user(void **state);
void test_fault(void **state);
void test_oversize_header(void **state);
void test_raw_auth_info(void **state);
void test_nonce_below_v5(void **state);
void test_client_v7(void **state);
void test_client_v1(void **state);
void test_split_last(void **state);
void test_deadline(void **state);
void test_drive_fd_ok(void **state);
void test_drive_fd_timeout(void **state);
void test_drive_fd_engine_deadline(void **state);
void test_drive_fd_peer_closes(void **state);
void test_eof_mid_exchange(void **state);
void test_garbage_tls(void **state);
void test_corrupt_tls_record(void **state);
void test_default_min_version(void **state);
void test_mech_policy(void **state);
void test_identity_mismatch(void **state);
void test_lookup_ok(void **state);
void test_remote_guard_bad_ticket(void **state);
void test_sni_switch(void **state);
void test_lookup_domain_case(void **state);
void test_lookup_wrong_password(void **state);
void test_lookup_unknown_user(void **state);
void test_max_rounds(void **state);
void test_no_resumption(void **state);

/* loopback_scale.c (issue 15) */
void test_indexed_ok(void **state);
void test_indexed_refused(void **state);
void test_indexed_domain_case(void **state);
void test_indexed_reuse(void **state);
void test_deferred_steps_on_worker(void **state);
void test_deferred_slow_backend_does_not_stall(void **state);
void test_deferred_backend_deadline(void **state);

#endif /* LOOPBACK_CASES_H */
