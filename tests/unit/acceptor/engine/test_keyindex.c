/*
 * test_keyindex.c - the in-memory NTLM key index (acceptor/engine/keyindex.c):
 * every answer equals cssp_keyfile_lookup's on the same file (gss-ntlmssp's
 * rule: domain wildcard, first match wins, case folding); 100,000 entries;
 * reload on request and on change; a malformed or vanished file keeps the
 * old table and says why; a forked child that calls cssp_keyindex_after_fork
 * reloads by itself and frees without waiting for the parent's thread.  The
 * real gss-ntlmssp login through the index is in
 * tests/integration/loopback_scale.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "keyfile.h"
#include "keyindex.h"

#define LM_X "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
#define H1 "FC525C9683E8FE067095BA2DDC971889"
#define H2 "A4F49C406510BDCAB6824EE7C30FD852"
#define H3 "0123456789ABCDEF0123456789ABCDEF"

static char dir[PATH_MAX];
static char path[PATH_MAX + 16];
static char logbuf[4096];
static credssp_config *cfg;

static void
capture_log(void *userdata, int level, const char *msg)
{
    (void)userdata;
    (void)level;
    snprintf(logbuf + strlen(logbuf), sizeof(logbuf) - strlen(logbuf), "%s\n", msg);
}

/* Replace the file atomically (new inode, as credssp_keyfile_set does). */
static void
put_file(const char *content)
{
    char tmp[PATH_MAX + 32];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    assert_int_equal(fputs(content, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
}

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/cssp-keyindex-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/keys", dir);
    assert_int_equal(credssp_config_new(&cfg), CREDSSP_OK);
    credssp_config_set_log(cfg, capture_log, NULL);
    logbuf[0] = '\0';
    return 0;
}

static int
teardown(void **state)
{
    char tmp[PATH_MAX + 32];

    (void)state;
    credssp_config_free(cfg);
    (void)unlink(path);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    (void)unlink(tmp);
    (void)rmdir(dir);
    return 0;
}

/* Hex of an NT hash secret ("" when none). */
static void
hex_of(const credssp_secret *s, char out[33])
{
    out[0] = '\0';
    for (size_t i = 0; s != NULL && i < credssp_secret_len(s); i++)
        snprintf(out + 2 * i, 3, "%02X", ((const unsigned char *)credssp_secret_data(s))[i]);
}

/* The index and the file-reading lookup give the same outcome and hash. */
static void
expect_same(struct cssp_keyindex *ix, const char *user, const char *domain, const char *want_hex)
{
    credssp_secret *a = NULL, *b = NULL;
    credssp_error ea = cssp_keyindex_lookup(ix, user, domain, &a);
    credssp_error eb = cssp_keyfile_lookup(path, user, domain, &b);
    char ha[33], hb[33];

    hex_of(a, ha);
    hex_of(b, hb);
    assert_int_equal(ea, eb);
    assert_string_equal(ha, hb);
    assert_string_equal(ha, want_hex);
    credssp_secret_free(a);
    credssp_secret_free(b);
}

static void
test_same_answers_as_file(void **state)
{
    struct cssp_keyindex *ix = NULL;

    (void)state;
    put_file("# comment\n"
             "\n"
             "bob:1000:" LM_X ":" H1 ":[U          ]:LCT-00000000\n"
             "TESTDOM\\bob:1000:" LM_X ":" H2 ":[U          ]:LCT-00000000\n"
             "TESTDOM\\alice:1000:" LM_X ":" H2 ":[U          ]:LCT-00000000\n"
             "OTHER\\alice:1000:" LM_X ":" H3 ":[U          ]:LCT-00000000\n"
             "carol:1000:" LM_X ":" H3 ":[U          ]:LCT-00000000\n"
             "HEIM:dave:Passw0rd!\n"
             "Erin:1000:" LM_X ":" H1 ":[U          ]:LCT-00000000");   /* no final newline */
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    assert_int_equal(cssp_keyindex_count(ix), 7);
    expect_same(ix, "bob", "TESTDOM", H1);      /* the domain-less line above wins */
    expect_same(ix, "BOB", "", H1);
    expect_same(ix, "alice", "TESTDOM", H2);
    expect_same(ix, "alice", "testdom", H2);    /* domain folded too */
    expect_same(ix, "alice", "OTHER", H3);
    expect_same(ix, "alice", "", H2);           /* no client domain: first entry */
    expect_same(ix, "alice", "NOPE", "");
    expect_same(ix, "carol", "ANY", H3);
    expect_same(ix, "dave", "HEIM", H1);        /* Heimdal line: NTOWFv1 of the password */
    expect_same(ix, "dave", "ELSE", "");
    expect_same(ix, "erin", NULL, H1);
    expect_same(ix, "mallory", NULL, "");
    expect_same(ix, "bo", NULL, "");
    cssp_keyindex_free(ix);
}

/* 100,000 entries: the last one is found, and quickly. */
static void
test_hundred_thousand(void **state)
{
    struct cssp_keyindex *ix = NULL;
    size_t n = 100000, cap = n * 160;
    char *big = malloc(cap), *p = big;
    struct timespec t0, t1;
    credssp_secret *s = NULL;
    char h[33];

    (void)state;
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - big),
                      "BENCH\\u%zu:65534:" LM_X ":%s:[U          ]:LCT-00000000\n", i,
                      i + 1 == n ? H2 : H1);
    put_file(big);
    free(big);
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    assert_int_equal(cssp_keyindex_count(ix), n);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(cssp_keyindex_lookup(ix, "u99999", "BENCH", &s), CREDSSP_OK);
        credssp_secret_free(s);
        s = NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* 1000 lookups of the last entry: far below one re-read of the file each */
    assert_true((t1.tv_sec - t0.tv_sec) * 1000.0 + (t1.tv_nsec - t0.tv_nsec) / 1e6 < 2000.0);
    assert_int_equal(cssp_keyindex_lookup(ix, "U99999", "bench", &s), CREDSSP_OK);
    hex_of(s, h);
    assert_string_equal(h, H2);
    credssp_secret_free(s);
    assert_int_equal(cssp_keyindex_lookup(ix, "u100000", "BENCH", &s), CREDSSP_E_LOGON_FAILURE);
    assert_null(s);
    cssp_keyindex_free(ix);
}

/* A malformed reload keeps the old table and names the line; a good one swaps. */
static void
test_reload_keeps_old_on_error(void **state)
{
    struct cssp_keyindex *ix = NULL;
    credssp_secret *s = NULL;
    char h[33];

    (void)state;
    put_file("alice:1:" LM_X ":" H1 ":[U          ]:LCT-00000000\n");
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    put_file("alice:1:" LM_X ":" H2 ":[U          ]:LCT-00000000\n"
             "bob:1:" LM_X ":NOTHEX:[U          ]:LCT-00000000\n");
    logbuf[0] = '\0';
    assert_int_equal(cssp_keyindex_reload(ix), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(logbuf, "line 2: NT hash is not 32 hex digits"));
    assert_non_null(strstr(logbuf, "keeping the 1 entries"));
    assert_int_equal(cssp_keyindex_lookup(ix, "alice", NULL, &s), CREDSSP_OK);
    hex_of(s, h);
    assert_string_equal(h, H1);                /* the old table answers */
    credssp_secret_free(s);
    s = NULL;
    put_file("garbage without colons\n");
    assert_int_equal(cssp_keyindex_reload(ix), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(logbuf, "line 1: not a key entry"));
    /* a removed file (unlike a broken one) means no accounts: lookups fail */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(cssp_keyindex_reload(ix), CREDSSP_OK);
    assert_non_null(strstr(logbuf, "was removed: no NTLM accounts"));
    assert_int_equal(cssp_keyindex_count(ix), 0);
    assert_int_equal(cssp_keyindex_lookup(ix, "alice", NULL, &s), CREDSSP_E_LOGON_FAILURE);
    assert_null(s);
    put_file("alice:1:" LM_X ":" H2 ":[U          ]:LCT-00000000\n");
    assert_int_equal(cssp_keyindex_reload(ix), CREDSSP_OK);
    assert_int_equal(cssp_keyindex_lookup(ix, "alice", NULL, &s), CREDSSP_OK);
    hex_of(s, h);
    assert_string_equal(h, H2);
    credssp_secret_free(s);
    cssp_keyindex_free(ix);
    /* a first load that fails fails the open */
    put_file("x\n");
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_null(ix);
}

/* Wait (bounded) until alice's hash is want; false on timeout. */
static bool
wait_for_hash(struct cssp_keyindex *ix, const char *want, unsigned ms)
{
    for (unsigned waited = 0; waited <= ms; waited += 20) {
        credssp_secret *s = NULL;
        char h[33] = "";

        if (cssp_keyindex_lookup(ix, "alice", NULL, &s) == CREDSSP_OK)
            hex_of(s, h);
        credssp_secret_free(s);
        if (strcmp(h, want) == 0)
            return true;
        usleep(20000);
    }
    return false;
}

/* The watcher picks up a replaced file by itself, and reloads on request. */
static void
test_watcher(void **state)
{
    struct cssp_keyindex *ix = NULL;
    int fd;

    (void)state;
    put_file("alice:1:" LM_X ":" H1 ":[U          ]:LCT-00000000\n");
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    put_file("alice:1:" LM_X ":" H2 ":[U          ]:LCT-00000000\n");
    assert_true(wait_for_hash(ix, H2, 3 * CSSP_KEYINDEX_POLL_MS));
    /* a broken edit: logged once, old table kept */
    put_file("alice:1:" LM_X ":" H3 "\n");
    usleep(3 * CSSP_KEYINDEX_POLL_MS * 1000);
    assert_false(wait_for_hash(ix, H3, 0));
    assert_true(wait_for_hash(ix, H2, 0));
    assert_non_null(strstr(logbuf, "not loaded"));
    /* edit in place with the same size and an explicit request */
    put_file("alice:1:" LM_X ":" H3 ":[U          ]:LCT-00000000\n");
    fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    close(fd);
    cssp_keyindex_request_reload(ix);
    assert_true(wait_for_hash(ix, H3, 3 * CSSP_KEYINDEX_POLL_MS));
    cssp_keyindex_free(ix);
}

/* This process's threads: the entries of /proc/self/task. */
static int
thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/*
 * Fork a child that restarts its watcher (cssp_keyindex_after_fork; with
 * threads >= 0 it must then run that many threads), replaces the file with
 * H2 and sees it; the parent waits for the child's success.
 */
static void
fork_child_sees_h2(struct cssp_keyindex *ix, int threads)
{
    int status = -1;
    pid_t kid = fork();

    assert_true(kid >= 0);
    if (kid == 0) {
        int rc = 1;

        if (cssp_keyindex_after_fork(ix) == CREDSSP_OK &&
            (threads < 0 || thread_count() == threads)) {
            put_file("alice:1:" LM_X ":" H2 ":[U          ]:LCT-00000000\n");
            rc = wait_for_hash(ix, H2, 3 * CSSP_KEYINDEX_POLL_MS) ? 0 : 2;
        }
        cssp_keyindex_free(ix);
        _exit(rc);
    }
    assert_int_equal(waitpid(kid, &status, 0), kid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * fork(): the watcher thread stays in the parent.  The child restarts its own
 * (cssp_keyindex_after_fork), sees a replaced file, and frees the index
 * without joining the parent's thread (which would hang: it does not exist).
 */
static void
test_after_fork(void **state)
{
    struct cssp_keyindex *ix = NULL;
    (void)state;
    put_file("alice:1:" LM_X ":" H1 ":[U          ]:LCT-00000000\n");
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    fork_child_sees_h2(ix, -1);
    /* the parent's own watcher still runs: it sees the same file */
    assert_true(wait_for_hash(ix, H2, 3 * CSSP_KEYINDEX_POLL_MS));
    assert_int_equal(cssp_keyindex_after_fork(ix), CREDSSP_OK);   /* no-op here */
    cssp_keyindex_free(ix);
}

/*
 * Pre-forked workers: before_fork stops the watcher, so fork() runs with one
 * thread (nothing of ours or of a sanitizer can be held locked by a thread
 * the child does not get); after_fork starts one in the parent and in the
 * child, and each sees the file change.
 */
static void
test_before_fork(void **state)
{
    struct cssp_keyindex *ix = NULL;
    int base;

    (void)state;
    base = thread_count();
    put_file("alice:1:" LM_X ":" H1 ":[U          ]:LCT-00000000\n");
    assert_int_equal(cssp_keyindex_open(cfg, path, &ix), CREDSSP_OK);
    assert_int_equal(thread_count(), base + 1);
    cssp_keyindex_stop_watcher(ix);
    assert_int_equal(thread_count(), base);
    cssp_keyindex_stop_watcher(ix);                          /* twice: no-op */
    fork_child_sees_h2(ix, base + 1);
    assert_int_equal(cssp_keyindex_after_fork(ix), CREDSSP_OK);
    assert_int_equal(thread_count(), base + 1);
    assert_true(wait_for_hash(ix, H2, 3 * CSSP_KEYINDEX_POLL_MS));
    put_file("alice:1:" LM_X ":" H3 ":[U          ]:LCT-00000000\n");
    assert_true(wait_for_hash(ix, H3, 3 * CSSP_KEYINDEX_POLL_MS));   /* the new watcher */
    cssp_keyindex_free(ix);
    assert_int_equal(thread_count(), base);
}

/* /dev/null is an empty key file (as gss-ntlmssp reads it); a directory is refused. */
static void
test_special_files(void **state)
{
    struct cssp_keyindex *ix = NULL;
    credssp_secret *s = NULL;

    (void)state;
    assert_int_equal(cssp_keyindex_open(cfg, "/dev/null", &ix), CREDSSP_OK);
    assert_int_equal(cssp_keyindex_count(ix), 0);
    assert_int_equal(cssp_keyindex_lookup(ix, "alice", NULL, &s), CREDSSP_E_LOGON_FAILURE);
    cssp_keyindex_free(ix);
    ix = NULL;
    assert_int_equal(cssp_keyindex_open(cfg, dir, &ix), CREDSSP_E_NO_ACCEPTOR_CRED);
    assert_non_null(strstr(logbuf, "not a regular file"));
}

/* The public API: indexed at prepare, reload request only with an index. */
static void
test_config_api(void **state)
{
    (void)state;
    assert_int_equal(credssp_config_reload_ntlm_keyfile(cfg), CREDSSP_E_STATE);
    assert_int_equal(credssp_config_set_ntlm_keyfile_indexed(cfg, NULL), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_config_reload_ntlm_keyfile(NULL), CREDSSP_E_STATE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_answers_as_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hundred_thousand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_keeps_old_on_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watcher, setup, teardown),
        cmocka_unit_test_setup_teardown(test_after_fork, setup, teardown),
        cmocka_unit_test_setup_teardown(test_before_fork, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_files, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
