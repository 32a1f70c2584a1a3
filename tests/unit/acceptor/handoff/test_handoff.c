/*
 * test_handoff.c - the keyring hand-off (acceptor/handoff/handoff.c, handoff_fmt.c):
 * store and claim once, second claim, forged / malformed / expired tokens,
 * tampering, racing claimants, key permissions and timeout, what another
 * uid sees (fork + setresuid(nobody)), the process keyring, and the owner
 * check of a claim (a key of another uid, or open to group/other, is refused
 * and left alone).  The record format is tested in test_handoff_fmt.c.
 *
 * The program joins a fresh anonymous session keyring first (the same as
 * running under `keyctl session -`); keys go to a private keyring linked
 * there, except in the tests of the default (user) keyring, which consume
 * every key they store so nothing is left in @u.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <keyutils.h>

#include "credssp_pam.h"
#include "result_fixture.h"
#include "handoff.h"

#define PW "p4ss w0rd\xc3\xa9"
#define NOBODY 65534

static key_serial_t ring;   /* private keyring in our session keyring */

/* A fresh private keyring for each test. */
/* The result's local name (credssp_result_local_name into a static buffer). */
static const char *
local_name(const credssp_result *r)
{
    static char buf[CREDSSP_LOCAL_NAME_MAX];

    assert_int_equal(credssp_result_local_name(r, buf, sizeof(buf)), CREDSSP_OK);
    return buf;
}

static int
setup(void **state)
{
    ring = add_key("keyring", "credssp-test", NULL, 0, KEY_SPEC_SESSION_KEYRING);
    (void)state;
    return ring > 0 ? 0 : -1;
}

/* Drop the private keyring and everything in it. */
static int
teardown(void **state)
{
    (void)keyctl_clear(ring);
    (void)keyctl_unlink(ring, KEY_SPEC_SESSION_KEYRING);
    (void)state;
    return 0;
}

/* The key a token names in keyring k, or -1. */
static key_serial_t
find_key(const char *token, key_serial_t k)
{
    struct cssp_handoff_keys keys;

    assert_int_equal(cssp_handoff_derive(token, &keys), CREDSSP_OK);
    return keyctl_search(k, "user", keys.desc, 0);
}

/* Store the standard NTLM password result in keyring k. */
static void
store(key_serial_t k, unsigned timeout, char token[CREDSSP_HANDOFF_TOKEN_LEN + 1])
{
    struct credssp_result *r =
        fixture_result(CREDSSP_MECH_NTLM, "TESTDOM\\alice", "alice", "TESTDOM", PW, 6);

    assert_int_equal(credssp_handoff_store(r, timeout, k, token), CREDSSP_OK);
    credssp_result_free(r);
}

static void
test_store_claim_roundtrip(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    const credssp_secret *s;

    store(ring, 0, token);
    assert_int_equal(strlen(token), CREDSSP_HANDOFF_TOKEN_LEN);
    assert_int_equal(strspn(token, "0123456789abcdef"), CREDSSP_HANDOFF_TOKEN_LEN);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    assert_non_null(r);
    assert_int_equal(credssp_result_mech(r), CREDSSP_MECH_NTLM);
    assert_int_equal(credssp_result_client_version(r), 6);
    assert_int_equal(credssp_result_binding(r), CREDSSP_BINDING_HASH);
    assert_int_equal(credssp_result_cred_type(r), CREDSSP_CRED_PASSWORD);
    assert_string_equal(credssp_result_principal(r), "TESTDOM\\alice");
    assert_string_equal(credssp_result_user(r), "alice");
    assert_string_equal(credssp_result_domain(r), "TESTDOM");
    assert_string_equal(local_name(r), "");
    s = credssp_result_secret(r);
    assert_int_equal(credssp_secret_get_kind(s), CREDSSP_SECRET_PASSWORD);
    assert_string_equal((const char *)credssp_secret_data(s), PW);
    credssp_result_free(r);
    /* Claimed means gone: unlinked and revoked. */
    assert_int_equal(find_key(token, ring), -1);
    (void)state;
}

static void
test_second_claim_fails(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;

    store(ring, 0, token);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    credssp_result_free(r);
    r = NULL;
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_E_LOGON_FAILURE);
    assert_null(r);
    (void)state;
}

static void
test_forged_and_malformed_tokens(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1], forged[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;

    store(ring, 0, token);
    memcpy(forged, token, sizeof(forged));
    forged[10] = forged[10] == 'a' ? 'b' : 'a';
    assert_int_equal(credssp_handoff_claim(forged, ring, &r), CREDSSP_E_LOGON_FAILURE);
    assert_int_equal(credssp_handoff_claim("", ring, &r), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_handoff_claim(NULL, ring, &r), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_handoff_claim("abcd", ring, &r), CREDSSP_E_INVALID_ARG);
    memcpy(forged, token, sizeof(forged));
    forged[0] = 'G';
    assert_int_equal(credssp_handoff_claim(forged, ring, &r), CREDSSP_E_INVALID_ARG);
    memcpy(forged, token, sizeof(forged));
    forged[3] = (char)(forged[3] >= 'a' ? forged[3] - 'a' + 'A' : forged[3]);
    if (forged[3] != token[3])
        assert_int_equal(credssp_handoff_claim(forged, ring, &r), CREDSSP_E_INVALID_ARG);
    assert_null(r);
    /* The genuine token still works after all that. */
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    credssp_result_free(r);
    (void)state;
}

static void
test_expired_fails(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    credssp_error err;

    store(ring, 1, token);
    sleep(2);
    err = credssp_handoff_claim(token, ring, &r);
    /* The kernel expired the key (EKEYEXPIRED), or it is gone already. */
    assert_true(err == CREDSSP_E_TIMEOUT || err == CREDSSP_E_LOGON_FAILURE);
    assert_null(r);
    (void)state;
}

static void
test_store_arguments(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct credssp_result *r =
        fixture_result(CREDSSP_MECH_NTLM, "alice", "alice", "", PW, 6);

    assert_int_equal(credssp_handoff_store(r, CREDSSP_HANDOFF_TIMEOUT_MAX + 1, ring, token),
                     CREDSSP_E_INVALID_ARG);
    assert_string_equal(token, "");
    assert_int_equal(credssp_handoff_store(NULL, 0, ring, token), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_handoff_store(r, 0, ring, NULL), CREDSSP_E_INVALID_ARG);
    credssp_result_free(r);
    (void)state;
}

static void
test_permissions_and_timeout(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1], *desc = NULL, line[512], want[16];
    key_serial_t key;
    unsigned long perm = 0;
    int uid = -1, gid = -1, found = 0;
    FILE *f;
    credssp_result *r = NULL;

    store(ring, 0, token);
    key = find_key(token, ring);
    assert_true(key > 0);
    assert_true(keyctl_describe_alloc(key, &desc) > 0);
    /* "user;uid;gid;perm;description" */
    assert_int_equal(sscanf(desc, "user;%d;%d;%lx;", &uid, &gid, &perm), 3);
    assert_int_equal(perm & 0xffff, 0);                 /* no group, no other */
    assert_int_equal(perm, 0x2f0f0000ul);               /* possessor + owner only */
    assert_non_null(strstr(desc, ";credssp:"));
    assert_null(strstr(desc, token));                   /* the token is not the name */
    free(desc);
    /* /proc/keys shows the expiry: at most the default 30 s. */
    snprintf(want, sizeof(want), "%08x ", (unsigned)key);
    f = fopen("/proc/keys", "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned secs = 0;

        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        assert_int_equal(sscanf(line, "%*x %*s %*s %us", &secs), 1);
        assert_true(secs >= 25 && secs <= CREDSSP_HANDOFF_TIMEOUT_DEFAULT);
        found = 1;
    }
    fclose(f);
    assert_true(found);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    credssp_result_free(r);
    (void)state;
}

/*
 * The claim's owner check (docs/KEYRING.md, "Who may have stored it"): a
 * valid record under a key another uid owns is refused unopened and not
 * consumed.  keyctl_chown needs root; skipped otherwise.
 */
static void
test_foreign_owner_refused(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    key_serial_t key;

    (void)state;
    if (geteuid() != 0)
        skip();
    store(ring, 0, token);
    key = find_key(token, ring);
    assert_true(key > 0);
    assert_int_equal(keyctl_chown(key, NOBODY, (gid_t)-1), 0);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_E_LOGON_FAILURE);
    assert_null(r);
    assert_int_equal(find_key(token, ring), key);      /* not consumed */
    /* Back to our uid: the same record is claimed. */
    assert_int_equal(keyctl_chown(key, geteuid(), (gid_t)-1), 0);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    credssp_result_free(r);
}

/* A key opened to group or other is not what credssp_handoff_store made. */
static void
test_open_permissions_refused(void **state)
{
    static const key_perm_t opened[] = { 0x2f0f0100, 0x2f0f0001, 0x2f0f0008 };
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    key_serial_t key;

    (void)state;
    for (size_t i = 0; i < sizeof(opened) / sizeof(opened[0]); i++) {
        store(ring, 0, token);
        key = find_key(token, ring);
        assert_true(key > 0);
        assert_int_equal(keyctl_setperm(key, opened[i]), 0);
        assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_E_LOGON_FAILURE);
        assert_null(r);
        assert_int_equal(keyctl_setperm(key, 0x2f0f0000), 0);
        assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
        credssp_result_free(r);
        r = NULL;
    }
}

static void
test_payload_at_rest_is_sealed(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    key_serial_t key;
    void *raw = NULL;
    long n;

    store(ring, 0, token);
    key = find_key(token, ring);
    n = keyctl_read_alloc(key, &raw);
    assert_true(n > 0);
    assert_null(memmem(raw, (size_t)n, "p4ss", 4));
    assert_null(memmem(raw, (size_t)n, "alice", 5));
    assert_memory_equal(raw, "CSSPHO\x02", 7);
    free(raw);
    (void)state;
}

static void
test_tampered_record_fails(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    key_serial_t key;
    uint8_t *raw = NULL;
    credssp_result *r = NULL;
    long n;

    store(ring, 0, token);
    key = find_key(token, ring);
    n = keyctl_read_alloc(key, (void **)&raw);
    assert_true(n > 40);
    raw[n / 2] ^= 0x01;
    assert_int_equal(keyctl_update(key, raw, (size_t)n), 0);
    free(raw);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_E_CRYPTO);
    assert_null(r);
    /* A tampered hand-off is consumed too: no second try. */
    assert_int_equal(find_key(token, ring), -1);
    (void)state;
}

static void
test_racing_claimants_one_wins(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    enum { N = 6 };
    pid_t pids[N];
    int wins = 0, losses = 0;

    store(ring, 0, token);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            credssp_result *r = NULL;
            credssp_error err = credssp_handoff_claim(token, ring, &r);

            credssp_result_free(r);
            _exit(err == CREDSSP_OK ? 0 : err == CREDSSP_E_LOGON_FAILURE ? 1 : 2);
        }
    }
    for (int i = 0; i < N; i++) {
        int st = 0;

        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st));
        if (WEXITSTATUS(st) == 0)
            wins++;
        else if (WEXITSTATUS(st) == 1)
            losses++;
    }
    assert_int_equal(wins, 1);
    assert_int_equal(losses, N - 1);
    (void)state;
}

/* In a child: become nobody; returns only in the child. */
static void
become_nobody(void)
{
    if (setresgid(NOBODY, NOBODY, NOBODY) != 0 || setresuid(NOBODY, NOBODY, NOBODY) != 0)
        _exit(99);
}

/* Run fn in a child as nobody; its exit status. */
static int
as_nobody(int (*fn)(const char *token, key_serial_t key), const char *token, key_serial_t key)
{
    pid_t pid = fork();
    int st = 0;

    assert_true(pid >= 0);
    if (pid == 0) {
        become_nobody();
        _exit(fn(token, key));
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* nobody tries everything on root's user-keyring key; 0 when all fail. */
static int
nobody_attacks_user_key(const char *token, key_serial_t key)
{
    char buf[256];
    credssp_result *r = NULL;

    if (keyctl_read(key, buf, sizeof(buf)) >= 0 || errno != EACCES)
        return 1;
    if (keyctl_describe(key, buf, sizeof(buf)) >= 0)
        return 2;
    if (keyctl_revoke(key) >= 0 || keyctl_unlink(key, KEY_SPEC_USER_KEYRING) >= 0)
        return 3;
    /* With the token (it leaked): nobody's own keyrings do not hold it. */
    if (credssp_handoff_claim(token, CREDSSP_HANDOFF_KEYRING_DEFAULT, &r) != CREDSSP_E_LOGON_FAILURE)
        return 4;
    return 0;
}

static void
test_other_uid_cannot_read_user_keyring_key(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    key_serial_t key;
    credssp_result *r = NULL;

    if (geteuid() != 0)
        skip();
    store(CREDSSP_HANDOFF_KEYRING_DEFAULT, 0, token);
    key = find_key(token, KEY_SPEC_USER_KEYRING);
    assert_true(key > 0);
    assert_int_equal(as_nobody(nobody_attacks_user_key, token, key), 0);
    /* Untouched: the owner still claims it (and so removes it from @u). */
    assert_int_equal(credssp_handoff_claim(token, CREDSSP_HANDOFF_KEYRING_DEFAULT, &r), CREDSSP_OK);
    assert_string_equal((const char *)credssp_secret_data(credssp_result_secret(r)), PW);
    credssp_result_free(r);
    assert_int_equal(find_key(token, KEY_SPEC_USER_KEYRING), -1);
    (void)state;
}

/* Claim from a fresh session keyring (another login process of the uid). */
static int
claim_in_new_session(const char *token, key_serial_t key)
{
    credssp_result *r = NULL;
    int ret;

    (void)key;
    if (keyctl_join_session_keyring(NULL) < 0)
        return 10;
    ret = credssp_handoff_claim(token, CREDSSP_HANDOFF_KEYRING_DEFAULT, &r) == CREDSSP_OK &&
                  strcmp((const char *)credssp_secret_data(credssp_result_secret(r)), PW) == 0
              ? 0
              : 1;
    credssp_result_free(r);
    return ret;
}

static void
test_same_uid_other_session_claims_user_key(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    pid_t pid;
    int st = 0;

    store(CREDSSP_HANDOFF_KEYRING_DEFAULT, 0, token);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(claim_in_new_session(token, 0));
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    /* The child consumed it: nothing left in @u. */
    assert_int_equal(find_key(token, KEY_SPEC_USER_KEYRING), -1);
    (void)state;
}

/* nobody reads the raw key through the inherited session keyring: 0 if it can. */
static int
nobody_reads_session_key(const char *token, key_serial_t key)
{
    void *raw = NULL;
    long n = keyctl_read_alloc(key, &raw);
    int ret = n > 0 ? 0 : 1;

    (void)token;
    if (n > 0 && memmem(raw, (size_t)n, "p4ss", 4) != NULL)
        ret = 2;                    /* it must at least be sealed */
    free(raw);
    return ret;
}

static void
test_session_keyring_leaks_across_setuid(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    key_serial_t key;

    /*
     * The measured hazard (docs/TESTING.md §6) that rules @s out as the
     * default: a child that changes uid without pam_keyinit keeps our session
     * keyring and possesses its keys.  The record is still sealed by the token.
     */
    if (geteuid() != 0)
        skip();
    store(ring, 0, token);
    key = find_key(token, ring);
    assert_int_equal(as_nobody(nobody_reads_session_key, token, key), 0);
    (void)state;
}

/* A forked child tries to claim from its own process keyring: 0 when it fails. */
static int
child_claims_process_key(const char *token, key_serial_t key)
{
    credssp_result *r = NULL;

    (void)key;
    return credssp_handoff_claim(token, CREDSSP_HANDOFF_KEYRING_PROCESS, &r) == CREDSSP_OK;
}

static void
test_process_keyring_is_private(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    pid_t pid;
    int st = 0;

    store(CREDSSP_HANDOFF_KEYRING_PROCESS, 0, token);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_claims_process_key(token, 0));
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(credssp_handoff_claim(token, CREDSSP_HANDOFF_KEYRING_PROCESS, &r), CREDSSP_OK);
    credssp_result_free(r);
    (void)state;
}

static void
test_smartcard_and_kerberos_roundtrip(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct credssp_result *in =
        fixture_smartcard(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL", "alice", "TEST.LOCAL", "2468");
    credssp_result *r = NULL;

    in->spnego = true;
    in->local_name = strdup("alice");
    assert_int_equal(credssp_handoff_store(in, 5, ring, token), CREDSSP_OK);
    credssp_result_free(in);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    assert_int_equal(credssp_result_mech(r), CREDSSP_MECH_KERBEROS);
    assert_true(credssp_result_spnego(r));
    assert_int_equal(credssp_result_cred_type(r), CREDSSP_CRED_SMARTCARD);
    assert_string_equal(credssp_result_principal(r), "alice@TEST.LOCAL");
    assert_string_equal(local_name(r), "alice");
    assert_string_equal(credssp_result_user(r), "alice");
    assert_string_equal(credssp_result_domain(r), "TEST.LOCAL");
    assert_int_equal(credssp_secret_get_kind(credssp_result_secret(r)), CREDSSP_SECRET_PIN);
    assert_string_equal((const char *)credssp_secret_data(credssp_result_secret(r)), "2468");
    credssp_result_free(r);
    (void)state;
}

static void
test_restricted_admin_roundtrip(void **state)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct credssp_result *in = fixture_restricted(CREDSSP_MECH_KERBEROS, "alice@TEST.LOCAL");
    credssp_result *r = NULL;

    assert_int_equal(credssp_handoff_store(in, 0, ring, token), CREDSSP_OK);
    credssp_result_free(in);
    assert_int_equal(credssp_handoff_claim(token, ring, &r), CREDSSP_OK);
    assert_int_equal(credssp_result_cred_type(r), CREDSSP_CRED_RESTRICTED_ADMIN);
    assert_int_equal(credssp_secret_len(credssp_result_secret(r)), 0);
    assert_string_equal(credssp_result_principal(r), "alice@TEST.LOCAL");
    credssp_result_free(r);
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_claim_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_claim_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_and_malformed_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions_and_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_owner_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_permissions_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_payload_at_rest_is_sealed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_record_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racing_claimants_one_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_uid_cannot_read_user_keyring_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_same_uid_other_session_claims_user_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_session_keyring_leaks_across_setuid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_process_keyring_is_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smartcard_and_kerberos_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restricted_admin_roundtrip, setup, teardown),
    };

    /* Like `keyctl session -`: a fresh anonymous session keyring for this run. */
    if (keyctl_join_session_keyring(NULL) < 0) {
        perror("keyctl_join_session_keyring");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
