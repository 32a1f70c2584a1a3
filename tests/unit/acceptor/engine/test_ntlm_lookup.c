/*
 * test_ntlm_lookup.c - the key file that NTLM lookup mode hands to
 * gss-ntlmssp (acceptor/engine/ntlm_lookup.c) is keyfile.c's sealed memfd.
 *
 * With a real acceptor credential (MIT mechglue + gss-ntlmssp, its
 * "ntlmssp_keyfile" = /proc/self/fd/N) and impacket's AUTHENTICATE for
 * TESTDOM\alice (tests/data/sniff_impacket_authenticate.hex), raw and inside
 * a SPNEGO NegTokenResp:
 *   - slot N holds a memfd sealed against write, shrink, grow and further
 *     sealing (F_GET_SEALS) before, while and after it holds the line, so
 *     nothing in the process can change what gss-ntlmssp reads;
 *   - while it holds the line, that line is what keyfile.c's lookup finds;
 *   - forgetting empties slot N, the pool keeps it sealed and empty;
 *   - a hostile AUTHENTICATE (a name field past its end) asks no callback and
 *     leaves the slot empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gss.h"
#include "keyfile.h"
#include "secret.h"
#include "vectors.h"

static unsigned lookup_calls;
static char lookup_user[64], lookup_domain[64];

static credssp_error
lookup_alice(void *data, const char *user, const char *domain, credssp_secret **out)
{
    (void)data;
    lookup_calls++;
    snprintf(lookup_user, sizeof(lookup_user), "%s", user);
    snprintf(lookup_domain, sizeof(lookup_domain), "%s", domain);
    return credssp_nt_hash("alicepw", 7, out);
}

static void
assert_sealed(int fd, off_t size)
{
    struct stat st;

    assert_true(fd >= 0);
    assert_int_equal(fcntl(fd, F_GET_SEALS) & CSSP_KEYFILE_SEALS, CSSP_KEYFILE_SEALS);
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, size);
    errno = 0;
    assert_true(write(fd, "x", 1) < 0);
    assert_int_equal(errno, EPERM);
    assert_true(size == 0 || ftruncate(fd, 0) < 0);   /* F_SEAL_SHRINK */
    assert_true(ftruncate(fd, size + 4096) < 0);      /* F_SEAL_GROW */
}

/* One AUTHENTICATE token through prepare / forget on engine state g. */
static void
check_token(const credssp_config *cfg, struct cssp_gss *g, const uint8_t *tok, size_t len)
{
    char path[CSSP_KEYFILE_PATH_LEN];
    credssp_secret *got = NULL, *want = NULL;
    struct stat st;
    int slot = g->keyfile_fd;

    lookup_calls = 0;
    assert_int_equal(cssp_gss_lookup_prepare(cfg, g, tok, len), CREDSSP_OK);
    assert_int_equal(lookup_calls, 1);
    assert_string_equal(lookup_user, "alice");
    assert_string_equal(lookup_domain, "TESTDOM");
    assert_int_equal(g->keyfile_fd, slot);   /* the number the credential names */
    assert_int_equal(fstat(slot, &st), 0);
    assert_true(st.st_size > 0);
    assert_sealed(slot, st.st_size);
    cssp_keyfile_fd_path(slot, path);
    assert_int_equal(cssp_keyfile_lookup(path, "alice", "TESTDOM", &got), CREDSSP_OK);
    assert_int_equal(credssp_nt_hash("alicepw", 7, &want), CREDSSP_OK);
    assert_true(credssp_secret_equal(got, want));
    credssp_secret_free(got);
    credssp_secret_free(want);

    cssp_gss_lookup_forget(g);
    assert_int_equal(g->keyfile_fd, slot);
    assert_sealed(slot, 0);
}

static void
test_keyfile_memfd_is_sealed(void **state)
{
    credssp_config *cfg = NULL;
    struct cssp_gss g;
    uint8_t *auth = NULL, *resp = NULL;
    size_t auth_len, resp_len;
    credssp_error ret;

    (void)state;
    assert_true(vector_load("sniff_impacket_authenticate.hex", &auth, &auth_len));
    assert_true(vector_load("sniff_spnego_resp_authenticate.hex", &resp, &resp_len));
    assert_int_equal(credssp_config_new(&cfg), CREDSSP_OK);
    assert_int_equal(credssp_config_set_ntlm_lookup(cfg, lookup_alice, NULL), CREDSSP_OK);
    assert_int_equal(cssp_lookup_pool_new(&cfg->lookup_pool), CREDSSP_OK);

    cssp_gss_init(&g);
    ret = cssp_gss_lookup_begin(cfg, &g);
    assert_sealed(g.keyfile_fd, 0);   /* sealed and empty before the client names itself */
    if (ret != CREDSSP_OK) {
        cssp_gss_clear(&g);
        credssp_config_free(cfg);
        free(auth);
        free(resp);
        skip();   /* no NTLM acceptor credential on this host (gss-ntlmssp missing) */
    }
    check_token(cfg, &g, auth, auth_len);
    check_token(cfg, &g, resp, resp_len);

    /* a name field one byte past the end: no callback, the slot stays empty */
    auth[36 + 4] = (uint8_t)(auth_len - 9);
    lookup_calls = 0;
    assert_int_equal(cssp_gss_lookup_prepare(cfg, &g, auth, auth_len), CREDSSP_E_BAD_TOKEN);
    assert_int_equal(lookup_calls, 0);
    assert_sealed(g.keyfile_fd, 0);

    /* back to the pool sealed and empty, and out of it again */
    cssp_gss_lookup_end(cfg, &g);
    assert_int_equal(g.keyfile_fd, -1);
    assert_int_equal(cssp_lookup_pool_idle(cfg->lookup_pool), 1);
    assert_int_equal(cssp_gss_lookup_begin(cfg, &g), CREDSSP_OK);
    assert_int_equal(cssp_lookup_pool_idle(cfg->lookup_pool), 0);
    assert_sealed(g.keyfile_fd, 0);

    cssp_gss_clear(&g);
    credssp_config_free(cfg);
    free(auth);
    free(resp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyfile_memfd_is_sealed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
