/*
 * keyfile.h - NT hashes and smbpasswd-format NTLM key files for gss-ntlmssp
 * (library-internal part; the public part is in credssp.h).
 *
 * Implements MS-NLMP 3.3.1 NTOWFv1 (NT hash = MD4(UTF-16LE(password))) and
 * the key file that gss-ntlmssp 1.2 reads for an acceptor credential
 * (cred store key "ntlmssp_keyfile", src/gss_creds.c get_user_file_creds;
 * see docs/NTLM-KEYS.md and docs/GSSAPI.md §2).
 *
 * Line format we write (smbpasswd, extended with an optional domain):
 *
 *     [DOMAIN\]user:UID:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:NTHEX:[U          ]:LCT-HHHHHHHH
 *
 *   UID    the local uid of getpwnam("DOMAIN\user"), else of getpwnam("user"),
 *          else CSSP_KEYFILE_UID_UNKNOWN (65534, "nobody"): informative only,
 *          gss-ntlmssp ignores it; never 0 unless the account really is root.
 *   LM     32 'X' (no LM hash; gss-ntlmssp parses LM only at LM_COMPAT_LEVEL < 3).
 *   NTHEX  the NT hash, 32 upper-case hex digits.
 *   LCT    last change time, seconds since the epoch, 8 upper-case hex digits.
 *
 * Lookup rule (the one gss-ntlmssp applies; first match wins):
 *   - the file is read in fgets(1024) records: a line longer than 1023 bytes
 *     is split, and each piece is a record of its own;
 *   - a record starting with '#' is a comment; a record is cut at a NUL;
 *   - "DOM:USER:PASSWORD" (3 fields) is Heimdal format: its NT hash is
 *     NTOWFv1(PASSWORD up to the first CR/LF), its domain is DOM;
 *   - "NAME:UID:LM:NT:..." (a ':' after NT) is smbpasswd format; NAME may be
 *     "DOMAIN\user", else the entry has no domain; NT must be 32 hex digits;
 *   - user names are compared case-insensitively; domains too, but only when
 *     both the entry and the client have one (no domain = wildcard).
 *   Our writers treat user names as case-sensitive (POSIX): an entry is
 *   replaced or removed only under its exact user name, and a name that
 *   differs from an existing entry's only in case is refused, so the file
 *   never holds two accounts gss-ntlmssp could confuse.
 *   Case folding: ASCII only here; gss-ntlmssp uses libunistring's
 *   ulc_casecmp in the process locale, which also folds non-ASCII letters in
 *   a UTF-8 locale.  For non-ASCII names we are therefore stricter.
 *
 * The domain trap: gss-ntlmssp computes NTOWFv2 with the domain stored in the
 * matched entry (docs/GSSAPI.md §2.2), so a client that types the domain in another
 * case fails although the lookup matched.  An entry without a domain, read as
 * an acceptor "ntlmssp_keyfile", keeps the client's domain instead: every
 * client domain authenticates (measured, tests/integration/test_keyfile_gss.c).
 */
#ifndef CSSP_KEYFILE_H
#define CSSP_KEYFILE_H

#include <fcntl.h>

#include "internal.h"

/* Most bytes in a user or a domain name of an entry. */
#define CSSP_KEYFILE_MAX_NAME 256u
/* Largest key file we read or write. */
#define CSSP_KEYFILE_MAX_SIZE (16u << 20)
/* gss-ntlmssp reads records with fgets(line, 1024): at most 1023 bytes. */
#define CSSP_KEYFILE_RECORD_MAX 1023u
/* Room for "/proc/self/fd/N". */
#define CSSP_KEYFILE_PATH_LEN 64u
/* UID field of an account that getpwnam does not know (and of memfd lines). */
#define CSSP_KEYFILE_UID_UNKNOWN 65534u

/*
 * First entry of the key file at path that gss-ntlmssp would use for the
 * client's user and domain (domain NULL or "" = none).  CREDSSP_E_LOGON_FAILURE
 * when no entry matches; CREDSSP_E_NO_ACCEPTOR_CRED when the file cannot be
 * read or the matching entry is malformed (gss-ntlmssp fails it too).
 */
CSSP_WUR credssp_error cssp_keyfile_lookup(const char *path, const char *user, const char *domain,
                                           credssp_secret **nt_hash_out);

/*
 * The user name, as stored, of the entry cssp_keyfile_lookup would take for
 * the client's user and domain (*entry_user_out, free()).  gss-ntlmssp folds
 * case, so it may differ from the client's name; pam_credssp compares it with
 * the account.  Errors as for cssp_keyfile_lookup.
 */
CSSP_WUR credssp_error cssp_keyfile_lookup_user(const char *path, const char *user,
                                                const char *domain, char **entry_user_out);

/* The seals of every key-file memfd: no write, no resize, no further sealing. */
#define CSSP_KEYFILE_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

/*
 * A memfd (MFD_CLOEXEC) holding data[0..len) (len 0: an empty key file),
 * sealed with CSSP_KEYFILE_SEALS before it is returned.
 */
CSSP_WUR credssp_error cssp_keyfile_sealed_memfd(const void *data, size_t len, int *fd_out);
/* "/proc/self/fd/N": the name under which gss-ntlmssp opens fd N. */
void cssp_keyfile_fd_path(int fd, char path_out[CSSP_KEYFILE_PATH_LEN]);

/*
 * A sealed memfd (MFD_CLOEXEC) holding exactly one key-file line for
 * [domain\]user, and its name "/proc/self/fd/N" for gss-ntlmssp's
 * "ntlmssp_keyfile": the hash never touches a disk.  The caller closes the fd.
 * Names are checked as for credssp_keyfile_set (they come from the client).
 */
CSSP_WUR credssp_error cssp_keyfile_memfd(const char *user, const char *domain,
                                          const credssp_secret *nt_hash, int *fd_out,
                                          char path_out[CSSP_KEYFILE_PATH_LEN]);

/*
 * CREDSSP_OK when name may be stored as a user (is_domain false) or a domain
 * of an entry: valid UTF-8, 1..CSSP_KEYFILE_MAX_NAME bytes, no control
 * character, ':' or '\\', not starting with '#'.  Else CREDSSP_E_INVALID_ARG.
 */
CSSP_WUR credssp_error cssp_keyfile_check_name(const char *name, bool is_domain);

/* ---- shared by keyfile.c and keyfile_update.c ---- */

/* Longest line we write: two capped names, the fixed fields, the newline. */
#define CSSP_KEYFILE_LINE_MAX (2u * CSSP_KEYFILE_MAX_NAME + 128u)

/* One record as gss-ntlmssp splits it; every pointer is a view into the record. */
struct cssp_kf_entry {
    const char *user;
    size_t user_len;
    const char *domain; /* NULL: the entry has no domain */
    size_t domain_len;
    bool heimdal;       /* DOM:USER:PASSWORD; else smbpasswd */
    const char *secret; /* Heimdal password, or the smbpasswd NT hex field */
    size_t secret_len;
};

/* Length of the fgets(1024) record starting at p (at most 1023, through '\n'). */
size_t cssp_keyfile_record_len(const uint8_t *p, size_t left);
/* Split a record; false for comments and records gss-ntlmssp skips. */
bool cssp_keyfile_parse_record(const uint8_t *rec, size_t len, struct cssp_kf_entry *e_out);
/*
 * True when the entry is the one credssp_keyfile_set would replace for
 * [domain\]user: the same user (exact bytes: POSIX names are case-sensitive)
 * and the same domain (case-insensitive, as in Windows), a missing domain
 * equal only to a missing (or empty) one.
 */
bool cssp_keyfile_entry_is(const struct cssp_kf_entry *e, const char *user, const char *domain);
/*
 * True when gss-ntlmssp's case-insensitive lookup could take the entry for
 * [domain\]user although it is another account: the users differ only in
 * ASCII case and the domains can meet (equal ignoring case, or missing on
 * either side).  credssp_keyfile_set refuses such a name
 * (CREDSSP_E_NAME_COLLISION).
 */
bool cssp_keyfile_entry_collides(const struct cssp_kf_entry *e, const char *user,
                                 const char *domain);
/*
 * Format one line (with its '\n') into buf[CSSP_KEYFILE_LINE_MAX]; names must
 * have passed cssp_keyfile_check_name.  The caller wipes buf.
 */
CSSP_WUR credssp_error cssp_keyfile_format_line(const char *user, const char *domain,
                                                unsigned long uid, const credssp_secret *nt_hash,
                                                uint32_t lct, char *buf, size_t *len_out);
/* Write all of data[0..n) to fd (retrying short writes and EINTR); false on error. */
bool cssp_keyfile_write_all(int fd, const void *data, size_t n);
/* Read a whole regular file (at most CSSP_KEYFILE_MAX_SIZE) into wiped-on-free memory. */
CSSP_WUR credssp_error cssp_keyfile_read_fd(int fd, uint8_t **data_out, size_t *len_out);

#endif /* CSSP_KEYFILE_H */
