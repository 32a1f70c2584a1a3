/*
 * keyfile_fixture.c - what the key file tests share (keyfile_fixture.h): a
 * private temporary directory per run, file helpers, NT-hash secrets from
 * hex, lookups that must succeed or fail, and the documented line format of
 * an entry (docs/NTLM-KEYS.md).
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "keyfile_fixture.h"

char tmpdir[PATH_MAX];

/* A path inside this run's private directory. */
const char *
tpath(const char *name)
{
    static char buf[PATH_MAX + 64];

    snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
    return buf;
}

/* Create or replace path with content and the given mode. */
void
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
char *
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
credssp_secret *
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
void
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
void
expect_lookup(const char *path, const char *user, const char *domain, const char *hex)
{
    credssp_secret *s = NULL;

    assert_int_equal(cssp_keyfile_lookup(path, user, domain, &s), CREDSSP_OK);
    assert_hash_hex(s, hex);
    credssp_secret_free(s);
}

/* Lookup must fail with err and leave the output NULL. */
void
expect_lookup_error(const char *path, const char *user, const char *domain, credssp_error err)
{
    credssp_secret *s = (credssp_secret *)0x1;

    assert_int_equal(cssp_keyfile_lookup(path, user, domain, &s), err);
    assert_null(s);
}

/* Number of entries in tmpdir whose name starts with prefix. */
int
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
const char *
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
void
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

/* Remove every file of the private directory, then the directory. */
void
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

int
keyfile_fixture_setup(const char *name)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX", base != NULL && base[0] != '\0' ? base : "/tmp",
             name);
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}
