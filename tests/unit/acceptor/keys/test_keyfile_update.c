/*
 * test_keyfile_update.c - writing the smbpasswd-format key file
 * (acceptor/keys/keyfile_update.c): add / replace / remove keeping other
 * lines, modes, refused names, a symlink at the path, and lock + atomic
 * rename under concurrent writers (a reader never sees a torn file).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "keyfile_fixture.h"

/* ------------------------------------------------------------------ */
/* set / remove                                                        */
/* ------------------------------------------------------------------ */

static void
test_set_creates_0600(void **state)
{
    const char *path = tpath("create.keys");
    credssp_secret *h = hash_from_hex(H_PASSW0RD);
    char *text, line[512];
    struct stat st;

    (void)state;
    assert_int_equal(credssp_keyfile_set(path, "bob", "TESTDOM", h), CREDSSP_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    text = read_file(path);
    /* exactly one line; unknown account -> UID 65534; NT hash upper case */
    assert_entry_line(nth_line(text, 0, line, sizeof(line)), "TESTDOM\\bob", 65534,
                      "FC525C9683E8FE067095BA2DDC971889");
    assert_int_equal(strlen(text), strlen(line) + 1);
    free(text);
    expect_lookup(path, "bob", "TESTDOM", H_PASSW0RD);
    /* an account getpwnam knows gets its uid; no domain -> no prefix */
    assert_int_equal(credssp_keyfile_set(path, "root", NULL, h), CREDSSP_OK);
    text = read_file(path);
    assert_entry_line(nth_line(text, 1, line, sizeof(line)), "root", 0,
                      "FC525C9683E8FE067095BA2DDC971889");
    free(text);
    /* no temporary files left behind, the lock file stays */
    assert_int_equal(count_files("create.keys."), 1);
    assert_int_equal(count_files("create.keys.lock"), 1);
    credssp_secret_free(h);
}

/* Replace keeps comments, blank lines, CRLF and order; shadowed duplicates go. */
static void
test_set_replace_keeps_others(void **state)
{
    const char *path = tpath("replace.keys");
    credssp_secret *h = hash_from_hex(H_PASSWORD);
    char *text, line[512];
    const char *before =
        "# NTLM keys\n"
        "alice:1000:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\n"
        "\n"
        "TESTDOM\\bob:1001:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\n"
        "OTHER\\bob:1001:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\r\n"
        "TestDom\\bob:1001:" LM_X ":00000000000000000000000000000000:[U          ]:LCT-0\n"
        "junk line without colons\n"
        "zed:1:" LM_X ":" H_PASSW0RD ":"; /* last line without newline */

    (void)state;
    write_file(path, before, 0600);
    /* replaces the first TESTDOM\bob entry (domain in any case) in place, drops the shadowed one */
    assert_int_equal(credssp_keyfile_set(path, "bob", "testdom", h), CREDSSP_OK);
    text = read_file(path);
    assert_string_equal(nth_line(text, 0, line, sizeof(line)), "# NTLM keys");
    assert_string_equal(nth_line(text, 1, line, sizeof(line)),
                        "alice:1000:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000");
    assert_string_equal(nth_line(text, 2, line, sizeof(line)), "");
    assert_entry_line(nth_line(text, 3, line, sizeof(line)), "testdom\\bob", 65534,
                      "A4F49C406510BDCAB6824EE7C30FD852");
    assert_string_equal(nth_line(text, 4, line, sizeof(line)),
                        "OTHER\\bob:1001:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\r");
    assert_string_equal(nth_line(text, 5, line, sizeof(line)), "junk line without colons");
    assert_string_equal(nth_line(text, 6, line, sizeof(line)), "zed:1:" LM_X ":" H_PASSW0RD ":");
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(text);
    expect_lookup(path, "BOB", "TESTDOM", H_PASSWORD);
    expect_lookup(path, "bob", "other", H_PASSW0RD);
    expect_lookup(path, "alice", NULL, H_PASSW0RD);
    expect_lookup(path, "zed", "X", H_PASSW0RD);
    credssp_secret_free(h);
}

/* A plaintext Heimdal line of the same user becomes a hash line. */
static void
test_set_replaces_heimdal_line(void **state)
{
    const char *path = tpath("heimdal.keys");
    credssp_secret *h = hash_from_hex(H_PASSWORD);
    char *text, line[512];

    (void)state;
    write_file(path, "HEIMDOM:carol:Passw0rd!\nHEIMDOM:dave:x\n", 0600);
    expect_lookup(path, "carol", "HEIMDOM", H_PASSW0RD);
    assert_int_equal(credssp_keyfile_set(path, "carol", "HEIMDOM", h), CREDSSP_OK);
    text = read_file(path);
    /* the plaintext password line is gone, replaced by a hash line */
    assert_null(strstr(text, "Passw0rd!"));
    assert_entry_line(nth_line(text, 0, line, sizeof(line)), "HEIMDOM\\carol", 65534,
                      "A4F49C406510BDCAB6824EE7C30FD852");
    assert_string_equal(nth_line(text, 1, line, sizeof(line)), "HEIMDOM:dave:x");
    free(text);
    credssp_secret_free(h);
}

/* Remove drops every line of the entry and nothing else. */
static void
test_remove(void **state)
{
    const char *path = tpath("remove.keys");
    const char *before = "# c\n"
                         "TESTDOM\\bob:1:" LM_X ":" H_PASSW0RD ":\n"
                         "bob:1:" LM_X ":" H_PASSW0RD ":\n"
                         "testdom\\bob:1:" LM_X ":" H_PASSW0RD ":\n"
                         "TESTDOM\\BOB:1:" LM_X ":" H_PASSW0RD ":\n"
                         "alice:1:" LM_X ":" H_PASSW0RD ":\n";
    struct stat st1, st2;
    char *text;

    (void)state;
    write_file(path, before, 0600);
    /* removes both TESTDOM\bob lines (domain in any case), keeps the domain-less bob
     * and BOB, another account (user names are exact) */
    assert_int_equal(credssp_keyfile_remove(path, "bob", "testdom"), CREDSSP_OK);
    text = read_file(path);
    assert_string_equal(text, "# c\n"
                              "bob:1:" LM_X ":" H_PASSW0RD ":\n"
                              "TESTDOM\\BOB:1:" LM_X ":" H_PASSW0RD ":\n"
                              "alice:1:" LM_X ":" H_PASSW0RD ":\n");
    free(text);
    assert_int_equal(credssp_keyfile_remove(path, "BOB", "TESTDOM"), CREDSSP_OK);
    text = read_file(path);
    assert_string_equal(text, "# c\n"
                              "bob:1:" LM_X ":" H_PASSW0RD ":\n"
                              "alice:1:" LM_X ":" H_PASSW0RD ":\n");
    free(text);
    /* nothing to remove: OK and the file is not rewritten */
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal(credssp_keyfile_remove(path, "nobody-here", NULL), CREDSSP_OK);
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);
    /* the domain-less entry is removed by a domain-less remove ("" = none) */
    assert_int_equal(credssp_keyfile_remove(path, "bob", ""), CREDSSP_OK);
    text = read_file(path);
    assert_string_equal(text, "# c\nalice:1:" LM_X ":" H_PASSW0RD ":\n");
    free(text);
    /* a missing file stays missing */
    assert_int_equal(credssp_keyfile_remove(tpath("missing.keys"), "bob", NULL), CREDSSP_OK);
    assert_null(read_file(tpath("missing.keys")));
}

/*
 * Issue 10 #3: POSIX accounts secrevu and Secrevu are two people, but
 * gss-ntlmssp matches key-file user names ignoring case.  Adding Secrevu must
 * neither replace secrevu's hash (it did: Secrevu's password then logged in
 * as secrevu) nor sit beside it: it is refused and the file left alone.
 */
static void
test_set_refuses_case_collision(void **state)
{
    const char *path = tpath("collide.keys");
    const char *before = "secrevu:1:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\n"
                         "OTHER\\Carol:1:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\n";
    credssp_secret *h = hash_from_hex(H_PASSWORD);
    char *text;

    (void)state;
    write_file(path, before, 0600);
    assert_int_equal(credssp_keyfile_set(path, "Secrevu", NULL, h), CREDSSP_E_NAME_COLLISION);
    /* an entry without a domain meets every domain */
    assert_int_equal(credssp_keyfile_set(path, "SECREVU", "TESTDOM", h),
                     CREDSSP_E_NAME_COLLISION);
    assert_int_equal(credssp_keyfile_set(path, "carol", NULL, h), CREDSSP_E_NAME_COLLISION);
    assert_int_equal(credssp_keyfile_set(path, "carol", "other", h), CREDSSP_E_NAME_COLLISION);
    text = read_file(path);
    assert_string_equal(text, before);
    free(text);
    expect_lookup(path, "secrevu", NULL, H_PASSW0RD);
    /* removing Secrevu does not remove secrevu */
    assert_int_equal(credssp_keyfile_remove(path, "Secrevu", NULL), CREDSSP_OK);
    expect_lookup(path, "secrevu", NULL, H_PASSW0RD);
    /* domains that cannot meet are two entries */
    assert_int_equal(credssp_keyfile_set(path, "carol", "TESTDOM", h), CREDSSP_OK);
    expect_lookup(path, "carol", "TESTDOM", H_PASSWORD);
    expect_lookup(path, "carol", "OTHER", H_PASSW0RD);
    /* the exact name is replaced as before */
    assert_int_equal(credssp_keyfile_set(path, "secrevu", NULL, h), CREDSSP_OK);
    expect_lookup(path, "secrevu", NULL, H_PASSWORD);
    credssp_secret_free(h);
}

static void
test_mode_never_more_open_than_0600(void **state)
{
    static const struct {
        mode_t before, after;
    } cases[] = {{0644, 0600}, {0666, 0600}, {0640, 0600}, {0400, 0400}, {0600, 0600}};
    const char *path = tpath("mode.keys");
    credssp_secret *h = hash_from_hex(H_PASSW0RD);
    struct stat st;

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(cases); i++) {
        write_file(path, "# x\n", cases[i].before);
        assert_int_equal(credssp_keyfile_set(path, "bob", NULL, h), CREDSSP_OK);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, cases[i].after);
    }
    credssp_secret_free(h);
}

/* Names that could break the file are refused and leave it untouched. */
static void
test_refused_names(void **state)
{
    static const char *const bad_users[] = {
        "", "a:b", "a\\b", "a\nb", "a\rb", "#bob", "tab\tuser", "del\x7f", "\xc3\x28",
    };
    static const char *const bad_domains[] = {"a:b", "A\\B", "D\nE", "#DOM", "\xed\xa0\x80"};
    const char *path = tpath("refuse.keys");
    const char *before = "alice:1:" LM_X ":" H_PASSW0RD ":\n";
    credssp_secret *h = hash_from_hex(H_PASSW0RD);
    credssp_secret *pw = NULL;
    char longname[CSSP_KEYFILE_MAX_NAME + 2];
    char *text;

    (void)state;
    write_file(path, before, 0600);
    for (size_t i = 0; i < CSSP_COUNT(bad_users); i++) {
        assert_int_equal(credssp_keyfile_set(path, bad_users[i], NULL, h), CREDSSP_E_INVALID_ARG);
        assert_int_equal(credssp_keyfile_remove(path, bad_users[i], NULL), CREDSSP_E_INVALID_ARG);
    }
    for (size_t i = 0; i < CSSP_COUNT(bad_domains); i++) {
        assert_int_equal(credssp_keyfile_set(path, "bob", bad_domains[i], h),
                         CREDSSP_E_INVALID_ARG);
        assert_int_equal(credssp_keyfile_remove(path, "bob", bad_domains[i]),
                         CREDSSP_E_INVALID_ARG);
    }
    assert_int_equal(credssp_keyfile_set(path, NULL, NULL, h), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_keyfile_set(NULL, "bob", NULL, h), CREDSSP_E_INVALID_ARG);
    /* only an NT_HASH secret is accepted */
    assert_int_equal(credssp_keyfile_set(path, "bob", NULL, NULL), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_PASSWORD, "0123456789abcdef", 16, &pw),
                     CREDSSP_OK);
    assert_int_equal(credssp_keyfile_set(path, "bob", NULL, pw), CREDSSP_E_INVALID_ARG);
    credssp_secret_free(pw);
    /* length cap; the cap itself is fine; spaces and UTF-8 are fine */
    memset(longname, 'u', sizeof(longname));
    longname[CSSP_KEYFILE_MAX_NAME + 1] = '\0';
    assert_int_equal(credssp_keyfile_set(path, longname, NULL, h), CREDSSP_E_INVALID_ARG);
    text = read_file(path);
    assert_string_equal(text, before);
    free(text);
    longname[CSSP_KEYFILE_MAX_NAME] = '\0';
    assert_int_equal(credssp_keyfile_set(path, longname, longname, h), CREDSSP_OK);
    assert_int_equal(credssp_keyfile_set(path, "John Smith", "M\xc3\xbcller GmbH", h), CREDSSP_OK);
    expect_lookup(path, "john smith", "M\xc3\xbcLLER GMBH", H_PASSW0RD);
    expect_lookup(path, longname, longname, H_PASSW0RD);
    assert_int_equal(count_files("refuse.keys."), 1); /* only the lock file */
    credssp_secret_free(h);
}

/* A symlink at the path is refused rather than replaced. */
static void
test_symlink_refused(void **state)
{
    char target[PATH_MAX + 64], link[PATH_MAX + 64];
    credssp_secret *h = hash_from_hex(H_PASSW0RD);
    char *text;

    (void)state;
    snprintf(target, sizeof(target), "%s", tpath("target.keys"));
    write_file(target, "# t\n", 0600);
    snprintf(link, sizeof(link), "%s", tpath("link.keys"));
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(credssp_keyfile_set(link, "bob", NULL, h), CREDSSP_E_IO);
    text = read_file(target);
    assert_string_equal(text, "# t\n");
    free(text);
    credssp_secret_free(h);
}

/* ------------------------------------------------------------------ */
/* concurrency                                                         */
/* ------------------------------------------------------------------ */

#define WRITERS 6
#define PER_WRITER 15

/* The hash that writer w gives its i-th user (distinct per user). */
static void
user_hash(int w, int i, uint8_t out[16], char *hex)
{
    for (int k = 0; k < 16; k++) {
        out[k] = (uint8_t)(w * 31 + i * 7 + k);
        snprintf(hex + 2 * k, 3, "%02x", out[k]);
    }
}

/* Every line complete and well-formed: what a reader must always see. */
static bool
file_is_whole(const char *path)
{
    char *text = read_file(path);
    bool ok = true;

    if (text == NULL)
        return true; /* not created yet */
    for (char *p = text; *p != '\0' && ok;) {
        char *nl = strchr(p, '\n');
        struct cssp_kf_entry e;

        if (nl == NULL ||
            !cssp_keyfile_parse_record((const uint8_t *)p, (size_t)(nl - p + 1), &e) || e.heimdal ||
            e.secret_len != 32)
            ok = false;
        else
            p = nl + 1;
    }
    free(text);
    return ok;
}

/* Forked writers under the lock: every entry lands, a reader never sees a torn file. */
static void
test_concurrent_writers(void **state)
{
    const char *p = tpath("concurrent.keys");
    char path[PATH_MAX + 64];
    pid_t writers[WRITERS], reader;
    int status, stop[2];

    (void)state;
    snprintf(path, sizeof(path), "%s", p);
    assert_int_equal(pipe(stop), 0);
    /* the reader checks the file continuously until the pipe is closed */
    reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        char c;
        int checks = 0;

        close(stop[1]);
        fcntl(stop[0], F_SETFL, O_NONBLOCK);
        while (read(stop[0], &c, 1) < 0 && errno == EAGAIN) {
            if (!file_is_whole(path))
                _exit(2);
            checks++;
        }
        _exit(checks > 0 ? 0 : 3);
    }
    close(stop[0]);
    for (int w = 0; w < WRITERS; w++) {
        writers[w] = fork();
        assert_true(writers[w] >= 0);
        if (writers[w] == 0) {
            for (int i = 0; i < PER_WRITER; i++) {
                char user[32], hex[33];
                uint8_t b[16];
                credssp_secret *h = NULL;

                snprintf(user, sizeof(user), "u%d_%d", w, i);
                user_hash(w, i, b, hex);
                if (credssp_secret_new(CREDSSP_SECRET_NT_HASH, b, 16, &h) != CREDSSP_OK ||
                    credssp_keyfile_set(path, user, (i % 2) ? "DOM" : NULL, h) != CREDSSP_OK)
                    _exit(1);
                credssp_secret_free(h);
            }
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        assert_int_equal(waitpid(writers[w], &status, 0), writers[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    close(stop[1]);
    assert_int_equal(waitpid(reader, &status, 0), reader);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* every entry made it */
    for (int w = 0; w < WRITERS; w++) {
        for (int i = 0; i < PER_WRITER; i++) {
            char user[32], hex[33];
            uint8_t b[16];

            snprintf(user, sizeof(user), "u%d_%d", w, i);
            user_hash(w, i, b, hex);
            expect_lookup(path, user, (i % 2) ? "DOM" : NULL, hex);
        }
    }
    assert_true(file_is_whole(path));
    assert_int_equal(count_files("concurrent.keys."), 1); /* lock file only */
}


/* A private temporary directory. */
static int
group_setup(void **state)
{
    (void)state;
    return keyfile_fixture_setup("test_keyfile_update");
}

/* Remove the directory. */
static int
group_teardown(void **state)
{
    (void)state;
    remove_tmpdir();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_creates_0600),
        cmocka_unit_test(test_set_replace_keeps_others),
        cmocka_unit_test(test_set_replaces_heimdal_line),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_set_refuses_case_collision),
        cmocka_unit_test(test_mode_never_more_open_than_0600),
        cmocka_unit_test(test_refused_names),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_concurrent_writers),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
