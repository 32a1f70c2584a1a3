/*
 * test_keyfile.c - NT hash (MS-NLMP 3.3.1 NTOWFv1) known answers and UTF-8
 * edge cases; the smbpasswd-format key file: add / replace / remove keeping
 * other lines, modes, refused names, lock + atomic rename under concurrent
 * writers, gss-ntlmssp's lookup rules, the memfd key file, and a heap scan
 * proving that no hex form of a hash stays in memory.
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

#include "internal.h"
#include "keyfile.h"
#include "secret.h"
#include "heapscan.h"

#define H_PASSW0RD "fc525c9683e8fe067095ba2ddc971889" /* "Passw0rd!" (docs/GSSAPI.md) */
#define H_PASSWORD "a4f49c406510bdcab6824ee7c30fd852" /* "Password" (MS-NLMP 4.2.1) */
#define LM_X "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

static char tmpdir[PATH_MAX];

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/* A path inside this run's private directory. */
static const char *
tpath(const char *name)
{
    static char buf[PATH_MAX + 64];

    snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
    return buf;
}

/* Create or replace path with content and the given mode. */
static void
write_file(const char *path, const char *content, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    size_t n = strlen(content);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

/* Whole file as a NUL-terminated string (free it), or NULL if missing. */
static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    if (f == NULL)
        return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* An NT_HASH secret from 32 hex digits. */
static credssp_secret *
hash_from_hex(const char *hex)
{
    uint8_t b[16];
    credssp_secret *s = NULL;

    for (int i = 0; i < 16; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        b[i] = (uint8_t)v;
    }
    assert_int_equal(credssp_secret_new(CREDSSP_SECRET_NT_HASH, b, 16, &s), CREDSSP_OK);
    return s;
}

/* The secret is an NT hash equal to hex (either case). */
static void
assert_hash_hex(const credssp_secret *s, const char *hex)
{
    char got[33];
    const unsigned char *d = credssp_secret_data(s);

    assert_int_equal(credssp_secret_get_kind(s), CREDSSP_SECRET_NT_HASH);
    assert_int_equal(credssp_secret_len(s), 16);
    for (int i = 0; i < 16; i++)
        snprintf(got + 2 * i, 3, "%02x", d[i]);
    assert_true(strcasecmp(got, hex) == 0);
}

/* Lookup must succeed with the given hash. */
static void
expect_lookup(const char *path, const char *user, const char *domain, const char *hex)
{
    credssp_secret *s = NULL;

    assert_int_equal(cssp_keyfile_lookup(path, user, domain, &s), CREDSSP_OK);
    assert_hash_hex(s, hex);
    credssp_secret_free(s);
}

/* Lookup must fail with err and leave the output NULL. */
static void
expect_lookup_error(const char *path, const char *user, const char *domain, credssp_error err)
{
    credssp_secret *s = (credssp_secret *)0x1;

    assert_int_equal(cssp_keyfile_lookup(path, user, domain, &s), err);
    assert_null(s);
}

/* Number of entries in tmpdir whose name starts with prefix. */
static int
count_files(const char *prefix)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

/* The n-th line (0-based) of s, without its newline, in buf. */
static const char *
nth_line(const char *s, int n, char *buf, size_t cap)
{
    const char *p = s, *e;

    for (int i = 0; i < n && p != NULL; i++) {
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    assert_non_null(p);
    e = strchr(p, '\n');
    assert_non_null(e);
    assert_true((size_t)(e - p) < cap);
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = '\0';
    return buf;
}

/* Check one line against the documented format, with the given name, uid and hash. */
static void
assert_entry_line(const char *line, const char *name, unsigned long uid, const char *hex_upper)
{
    char expect[512];
    size_t n;

    n = (size_t)snprintf(expect, sizeof(expect), "%s:%lu:" LM_X ":%s:[U          ]:LCT-", name, uid,
                         hex_upper);
    assert_int_equal(strncmp(line, expect, n), 0);
    assert_int_equal(strlen(line), n + 8);
    for (size_t i = n; i < n + 8; i++)
        assert_non_null(strchr("0123456789ABCDEF", line[i]));
}

/* ------------------------------------------------------------------ */
/* NT hash                                                             */
/* ------------------------------------------------------------------ */

/* docs/GSSAPI.md and MS-NLMP 4.2.1 vectors, the empty password, non-ASCII and surrogates. */
static void
test_nt_hash_known_answers(void **state)
{
    static const struct {
        const char *pw;
        const char *hex;
    } kat[] = {
        {"Passw0rd!", H_PASSW0RD},
        {"Password", H_PASSWORD},
        {"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
        {"\xc3\xa9", "e77286d072c7858e9110cc3a011d2ac8"}, /* U+00E9 */
        {"\xe2\x82\xac"
         "uro",
         "65a07986d69e1cb33d52eacab1a9322a"},                     /* U+20AC */
        {"\xf0\x9f\x98\x80", "4b58a10cc20a4e7d808d218e1f80aabc"}, /* U+1F600: surrogates */
    };

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(kat); i++) {
        credssp_secret *s = NULL;

        assert_int_equal(credssp_nt_hash(kat[i].pw, strlen(kat[i].pw), &s), CREDSSP_OK);
        assert_hash_hex(s, kat[i].hex);
        credssp_secret_free(s);
    }
}

/* Invalid UTF-8, embedded NUL, bad arguments and the length cap. */
static void
test_nt_hash_rejects(void **state)
{
    static const char *const bad[] = {
        "\x80",             /* lone continuation byte */
        "a\xc3",            /* truncated 2-byte sequence */
        "\xe2\x82",         /* truncated 3-byte sequence */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xed\xa0\x80",     /* UTF-16 surrogate D800 */
        "\xf4\x90\x80\x80", /* > U+10FFFF */
        "\xff",
    };
    credssp_secret *s = (credssp_secret *)0x1;
    char big[600];

    (void)state;
    for (size_t i = 0; i < CSSP_COUNT(bad); i++) {
        s = (credssp_secret *)0x1;
        assert_int_equal(credssp_nt_hash(bad[i], strlen(bad[i]), &s), CREDSSP_E_BAD_STRING);
        assert_null(s);
    }
    /* embedded NUL: a C consumer would hash a different password */
    assert_int_equal(credssp_nt_hash("ab\0cd", 5, &s), CREDSSP_E_BAD_STRING);
    assert_null(s);
    assert_int_equal(credssp_nt_hash(NULL, 1, &s), CREDSSP_E_INVALID_ARG);
    assert_int_equal(credssp_nt_hash("x", 1, NULL), CREDSSP_E_INVALID_ARG);
    /* 512 UTF-16 units is the cap (CSSP_MAX_SECRET_BYTES), 513 is too large */
    memset(big, 'a', sizeof(big));
    assert_int_equal(credssp_nt_hash(big, 512, &s), CREDSSP_OK);
    credssp_secret_free(s);
    s = NULL;
    assert_int_equal(credssp_nt_hash(big, 513, &s), CREDSSP_E_TOO_LARGE);
    assert_null(s);
}

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

/* ------------------------------------------------------------------ */
/* lookup                                                              */
/* ------------------------------------------------------------------ */

/* The gss-ntlmssp lookup rule: case, wildcard domains, formats, first match. */
static void
test_lookup_rules(void **state)
{
    const char *path = tpath("lookup.keys");
    const char *text = "# TESTDOM\\bob:0:" LM_X ":00000000000000000000000000000000:\n"
                       "TESTDOM\\bob:1001:" LM_X ":" H_PASSW0RD ":[U          ]:LCT-00000000\n"
                       "nodom:1002:" LM_X ":" H_PASSWORD ":[U          ]:LCT-00000000\n"
                       "HEIMDOM:carol:Password\r\n"
                       "lower:1:" LM_X ":a4f49c406510bdcab6824ee7c30fd852:\n"
                       "UPPER:1:" LM_X ":A4F49C406510BDCAB6824EE7C30FD852:\n"
                       "bad:1:" LM_X ":ZZ525c9683e8fe067095ba2ddc971889:\n"
                       "short:1:" LM_X ":fc525c:\n"
                       "nocolon:1:" LM_X ":" H_PASSW0RD "\n"
                       "nocolon:1:" LM_X ":" H_PASSWORD ":\n"
                       "dup:1:" LM_X ":" H_PASSW0RD ":\n"
                       "DUP:1:" LM_X ":" H_PASSWORD ":\n"
                       " spaced:1:" LM_X ":" H_PASSW0RD ":\n";

    (void)state;
    write_file(path, text, 0600);
    /* user and domain case-insensitive; no client domain = wildcard */
    expect_lookup(path, "bob", "TESTDOM", H_PASSW0RD);
    expect_lookup(path, "BOB", "testdom", H_PASSW0RD);
    expect_lookup(path, "bob", NULL, H_PASSW0RD);
    expect_lookup(path, "bob", "", H_PASSW0RD);
    expect_lookup_error(path, "bob", "OTHER", CREDSSP_E_LOGON_FAILURE);
    /* an entry without a domain matches every client domain */
    expect_lookup(path, "nodom", "ANY", H_PASSWORD);
    expect_lookup(path, "NoDom", NULL, H_PASSWORD);
    /* Heimdal DOM:USER:PASSWORD, password ends at CR/LF */
    expect_lookup(path, "carol", "heimdom", H_PASSWORD);
    expect_lookup(path, "carol", NULL, H_PASSWORD);
    expect_lookup_error(path, "carol", "X", CREDSSP_E_LOGON_FAILURE);
    /* hex of either case */
    expect_lookup(path, "lower", NULL, H_PASSWORD);
    expect_lookup(path, "upper", NULL, H_PASSWORD);
    /* the first match is malformed: no fallback to later lines */
    expect_lookup_error(path, "bad", NULL, CREDSSP_E_NO_ACCEPTOR_CRED);
    expect_lookup_error(path, "short", NULL, CREDSSP_E_NO_ACCEPTOR_CRED);
    /* no ':' after the NT field: skipped, the next line is used */
    expect_lookup(path, "nocolon", NULL, H_PASSWORD);
    /* first match wins */
    expect_lookup(path, "Dup", NULL, H_PASSW0RD);
    /* names are not trimmed */
    expect_lookup_error(path, "spaced", NULL, CREDSSP_E_LOGON_FAILURE);
    expect_lookup(path, " spaced", NULL, H_PASSW0RD);
    expect_lookup_error(path, "nobody", NULL, CREDSSP_E_LOGON_FAILURE);
    expect_lookup_error(tpath("absent.keys"), "bob", NULL, CREDSSP_E_NO_ACCEPTOR_CRED);
    expect_lookup_error(path, "", NULL, CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_keyfile_lookup(path, "bob", NULL, NULL), CREDSSP_E_INVALID_ARG);
}

/* gss-ntlmssp reads fgets(1024) records: the tail of a long line is a record of its own. */
static void
test_lookup_long_line_records(void **state)
{
    const char *path = tpath("long.keys");
    char text[4096];
    size_t n = 0;

    (void)state;
    /* a 1023-byte comment: its tail "eve:..." is a separate, non-comment record */
    text[n++] = '#';
    memset(text + n, 'c', 1022);
    n += 1022;
    n += (size_t)snprintf(text + n, sizeof(text) - n, "eve:1:" LM_X ":" H_PASSWORD ":\n");
    /* a line of exactly 1022 bytes + '\n' is one record */
    memset(text + n, 'd', 1022);
    text[n] = '#';
    n += 1022;
    text[n++] = '\n';
    snprintf(text + n, sizeof(text) - n, "mallory:1:" LM_X ":" H_PASSW0RD ":\n");
    write_file(path, text, 0600);
    expect_lookup(path, "eve", NULL, H_PASSWORD);
    expect_lookup(path, "mallory", NULL, H_PASSW0RD);
}

/* ------------------------------------------------------------------ */
/* memfd                                                               */
/* ------------------------------------------------------------------ */

/* The memfd key file: one line, sealed, close-on-exec, not on a disk. */
static void
test_memfd(void **state)
{
    credssp_secret *h = hash_from_hex(H_PASSW0RD);
    char path[CSSP_KEYFILE_PATH_LEN], link[256], buf[512];
    struct stat st;
    int fd = -1, seals;
    ssize_t n;

    (void)state;
    assert_int_equal(cssp_keyfile_memfd("bob", "TESTDOM", h, &fd, path), CREDSSP_OK);
    assert_true(fd >= 0);
    snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
    assert_string_equal(path, buf);
    /* not a disk file: an unlinked shmem object named "memfd:..." */
    n = readlink(path, link, sizeof(link) - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_int_equal(strncmp(link, "/memfd:credssp-ntlm-key", 23), 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_nlink, 0);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    seals = fcntl(fd, F_GET_SEALS);
    assert_true(seals & F_SEAL_WRITE);
    assert_true(seals & F_SEAL_GROW);
    assert_true(seals & F_SEAL_SEAL);
    assert_true(write(fd, "x", 1) < 0);
    /* exactly one line, in the documented format */
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_int_equal(buf[n - 1], '\n');
    assert_ptr_equal(strchr(buf, '\n'), buf + n - 1);
    buf[n - 1] = '\0';
    assert_entry_line(buf, "TESTDOM\\bob", 65534, "FC525C9683E8FE067095BA2DDC971889");
    /* readable through its path, as gss-ntlmssp will read it */
    expect_lookup(path, "bob", "TESTDOM", H_PASSW0RD);
    OPENSSL_cleanse(buf, sizeof(buf));
    close(fd);

    /* no domain */
    assert_int_equal(cssp_keyfile_memfd("alice", NULL, h, &fd, path), CREDSSP_OK);
    expect_lookup(path, "alice", "ANY", H_PASSW0RD);
    close(fd);

    /* client-supplied names cannot inject lines or fields */
    fd = 1234;
    assert_int_equal(cssp_keyfile_memfd("bob\nevil:0:X:" H_PASSWORD ":", NULL, h, &fd, path),
                     CREDSSP_E_INVALID_ARG);
    assert_int_equal(fd, -1);
    assert_string_equal(path, "");
    assert_int_equal(cssp_keyfile_memfd("bob", "A:B", h, &fd, path), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_keyfile_memfd("x\\y", NULL, h, &fd, path), CREDSSP_E_INVALID_ARG);
    assert_int_equal(cssp_keyfile_memfd("bob", NULL, NULL, &fd, path), CREDSSP_E_INVALID_ARG);
    credssp_secret_free(h);
}

/* ------------------------------------------------------------------ */
/* no hex copy of a hash stays in memory                               */
/* ------------------------------------------------------------------ */

#define NEEDLE_LEN HEAPSCAN_NEEDLE_LEN
#define needle heapscan_needle
#define count_needle heapscan_count

struct wipe_ctx {
    const char *path;
    credssp_secret *h;
};

/* Add an entry. */
static void
op_set(struct wipe_ctx *c)
{
    assert_int_equal(credssp_keyfile_set(c->path, "bob", "DOM", c->h), CREDSSP_OK);
}

/* Replace that entry (domain in other case). */
static void
op_replace(struct wipe_ctx *c)
{
    assert_int_equal(credssp_keyfile_set(c->path, "bob", "dom", c->h), CREDSSP_OK);
}

/* Look the entry up and compare. */
static void
op_lookup(struct wipe_ctx *c)
{
    credssp_secret *got = NULL;

    assert_int_equal(cssp_keyfile_lookup(c->path, "bob", "DOM", &got), CREDSSP_OK);
    assert_true(credssp_secret_equal(got, c->h));
    credssp_secret_free(got);
}

/* Remove another entry (rewrites the file). */
static void
op_remove(struct wipe_ctx *c)
{
    assert_int_equal(credssp_keyfile_remove(c->path, "alice", NULL), CREDSSP_OK);
}

/* Write the entry into a memfd. */
static void
op_memfd(struct wipe_ctx *c)
{
    char mpath[CSSP_KEYFILE_PATH_LEN];
    int fd = -1;

    assert_int_equal(cssp_keyfile_memfd("bob", "DOM", c->h, &fd, mpath), CREDSSP_OK);
    close(fd);
}

/*
 * Run op below a 32 KiB pad, so that the scanner's own stack frames (which
 * start where op's caller is) overwrite the pad and not op's dead frames:
 * an unwiped stack buffer inside op stays visible to the scan.
 */
static __attribute__((noinline)) void
run_deep(void (*op)(struct wipe_ctx *), struct wipe_ctx *c)
{
    volatile char pad[32768];

    for (size_t i = 0; i < sizeof(pad); i++)
        pad[i] = 0;
    op(c);
    pad[0] = pad[1];
}

/* After each operation, no hex form of the hash is left in writable memory. */
static void
test_no_hex_left_in_memory(void **state)
{
    static const char digits[] = "0123456789ABCDEF";
    static void (*const ops[])(struct wipe_ctx *) = {
        op_set, op_replace, op_lookup, op_remove, op_memfd,
    };
    struct wipe_ctx c = {tpath("wipe.keys"), NULL};
    uint8_t *d = NULL;
    char *copy;

    (void)state;
    if (getenv("CREDSSP_SKIP_HEAP_SCAN") != NULL)
        skip();
#if defined(__SANITIZE_ADDRESS__)
    skip(); /* the scan would read ASan's terabytes of shadow mappings */
#endif
    write_file(c.path, "# other\nalice:1:" LM_X ":" H_PASSW0RD ":\n", 0600);
    /* the hash is only ever in the secret; its hex form only in the needle mapping */
    assert_int_equal(cssp_secret_alloc(CREDSSP_SECRET_NT_HASH, 16, &c.h, &d), CREDSSP_OK);
    assert_int_equal(RAND_bytes(d, 16), 1);
    for (int i = 0; i < 16; i++) {
        needle[2 * i] = (uint8_t)digits[d[i] >> 4];
        needle[2 * i + 1] = (uint8_t)digits[d[i] & 0x0f];
    }
    /* positive control: the scanner finds a heap copy */
    copy = malloc(NEEDLE_LEN);
    assert_non_null(copy);
    memcpy(copy, needle, NEEDLE_LEN);
    assert_int_equal(count_needle(), 1);
    OPENSSL_cleanse(copy, NEEDLE_LEN);
    free(copy);
    assert_int_equal(count_needle(), 0);
    for (size_t i = 0; i < CSSP_COUNT(ops); i++) {
        run_deep(ops[i], &c);
        assert_int_equal(count_needle(), 0);
    }
    credssp_secret_free(c.h);
}

/* ------------------------------------------------------------------ */

/* Remove every file of the private directory, then the directory. */
static void
remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char p[PATH_MAX + 300];

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

/* A private temporary directory and the scan buffers. */
static int
group_setup(void **state)
{
    const char *base = getenv("TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_keyfile.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    return heapscan_setup();
}

/* Remove the directory and the scan buffers. */
static int
group_teardown(void **state)
{
    (void)state;
    remove_tmpdir();
    heapscan_teardown();
    return 0;
}

/* Run the key file tests. */
int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nt_hash_known_answers),
        cmocka_unit_test(test_nt_hash_rejects),
        cmocka_unit_test(test_set_creates_0600),
        cmocka_unit_test(test_set_replace_keeps_others),
        cmocka_unit_test(test_set_replaces_heimdal_line),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_set_refuses_case_collision),
        cmocka_unit_test(test_mode_never_more_open_than_0600),
        cmocka_unit_test(test_refused_names),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_lookup_rules),
        cmocka_unit_test(test_lookup_long_line_records),
        cmocka_unit_test(test_memfd),
        cmocka_unit_test(test_no_hex_left_in_memory),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
