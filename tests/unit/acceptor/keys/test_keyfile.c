/*
 * test_keyfile.c - reading the smbpasswd-format key file
 * (acceptor/keys/keyfile.c): gss-ntlmssp's lookup rules, the memfd key
 * file, and a heap scan proving that no hex form of a hash stays in memory
 * after a write, a replace, a lookup, a remove or a memfd.  Writing the file
 * is tested in test_keyfile_update.c, the NT hash in test_nthash.c.
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
#include "heapscan.h"

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


/* A private temporary directory and the scan buffers. */
static int
group_setup(void **state)
{
    (void)state;
    if (keyfile_fixture_setup("test_keyfile") != 0)
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
        cmocka_unit_test(test_lookup_rules),
        cmocka_unit_test(test_lookup_long_line_records),
        cmocka_unit_test(test_memfd),
        cmocka_unit_test(test_no_hex_left_in_memory),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
