/*
 * keyfile_fixture.h - helpers of the key file tests (test_keyfile.c,
 * test_keyfile_update.c, test_nthash.c); see keyfile_fixture.c.
 */
#ifndef KEYFILE_FIXTURE_H
#define KEYFILE_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "internal.h"
#include "keyfile.h"
#include "secret.h"

#define H_PASSW0RD "fc525c9683e8fe067095ba2ddc971889" /* "Passw0rd!" (docs/GSSAPI.md) */
#define H_PASSWORD "a4f49c406510bdcab6824ee7c30fd852" /* "Password" (MS-NLMP 4.2.1) */
#define LM_X "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

/* This run's private directory (keyfile_fixture_setup). */
extern char tmpdir[PATH_MAX];

/* Make the private directory <TMPDIR>/<name>.XXXXXX; 0 or -1. */
int keyfile_fixture_setup(const char *name);
/* Remove every file of the private directory, then the directory. */
void remove_tmpdir(void);

/* A path inside the private directory (a static buffer). */
const char *tpath(const char *name);
/* Create or replace path with content and the given mode. */
void write_file(const char *path, const char *content, mode_t mode);
/* Whole file as a NUL-terminated string (free it), or NULL if missing. */
char *read_file(const char *path);
/* An NT_HASH secret from 32 hex digits. */
credssp_secret *hash_from_hex(const char *hex);
/* The secret is an NT hash equal to hex (either case). */
void assert_hash_hex(const credssp_secret *s, const char *hex);
/* Lookup must succeed with the given hash. */
void expect_lookup(const char *path, const char *user, const char *domain, const char *hex);
/* Lookup must fail with err and leave the output NULL. */
void expect_lookup_error(const char *path, const char *user, const char *domain,
                         credssp_error err);
/* Number of entries in the private directory whose name starts with prefix. */
int count_files(const char *prefix);
/* The n-th line (0-based) of s, without its newline, in buf. */
const char *nth_line(const char *s, int n, char *buf, size_t cap);
/* One line in the documented format, with the given name, uid and hash. */
void assert_entry_line(const char *line, const char *name, unsigned long uid,
                       const char *hex_upper);

#endif
