/*
 * keyfile.c - the smbpasswd-format NTLM key file as gss-ntlmssp 1.2 reads it
 * (src/gss_creds.c get_user_file_creds; docs/GSSAPI.md §2.1, §2.2): record
 * splitting, the lookup rule, line formatting, name checks, and the memfd
 * one-entry key file that keeps per-authentication hashes off the disk.
 * The format and the rules are described in keyfile.h and docs/NTLM-KEYS.md;
 * the atomic add / replace / remove is in keyfile_update.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "keyfile.h"
#include "secret.h"
#include "utf16.h"

#define NT_HASH_LEN 16u
#define NT_HEX_LEN 32u

/* ------------------------------------------------------------------ */
/* Records and names                                                   */
/* ------------------------------------------------------------------ */

/* The fgets(1024) record at p: up to 1023 bytes, through the first newline. */
size_t
cssp_keyfile_record_len(const uint8_t *p, size_t left)
{
    size_t max = left < CSSP_KEYFILE_RECORD_MAX ? left : CSSP_KEYFILE_RECORD_MAX;
    const uint8_t *nl = memchr(p, '\n', max);

    return nl != NULL ? (size_t)(nl - p) + 1 : max;
}

/* Split off the bytes before the next stop byte as field_out and consume the stop. */
static bool
take_field(struct cssp_reader *r, uint8_t stop, struct cssp_reader *field_out)
{
    const uint8_t *hit;

    if (!cssp_reader_ok(r) || r->left == 0)
        return false;
    hit = memchr(r->p, stop, r->left);
    if (hit == NULL)
        return false;
    if (!cssp_reader_sub(r, (size_t)(hit - r->p), field_out))
        return false;
    (void)cssp_read_u8(r);
    return cssp_reader_ok(r);
}

/* Bytes of r up to (not including) the first CR or LF, as strsep(&p, "\r\n") leaves them. */
static size_t
until_eol(const struct cssp_reader *r)
{
    size_t n = 0;

    while (n < r->left && r->p[n] != '\r' && r->p[n] != '\n')
        n++;
    return n;
}

/* Split one record into its fields the way get_user_file_creds does. */
bool
cssp_keyfile_parse_record(const uint8_t *rec, size_t len, struct cssp_kf_entry *e_out)
{
    struct cssp_reader r, f1, f2, f3, f4;
    const uint8_t *nul, *bs;

    memset(e_out, 0, sizeof(*e_out));
    /* gss-ntlmssp handles the record as a C string: it ends at a NUL. */
    nul = memchr(rec, 0, len);
    if (nul != NULL)
        len = (size_t)(nul - rec);
    if (len == 0 || rec[0] == '#')
        return false;
    cssp_reader_init(&r, rec, len);
    if (!take_field(&r, ':', &f1) || !take_field(&r, ':', &f2))
        return false;
    if (memchr(r.p, ':', r.left) == NULL) {
        /* Heimdal: DOMAIN:USER:PASSWORD; the password ends at CR or LF. */
        e_out->heimdal = true;
        e_out->domain = (const char *)f1.p;
        e_out->domain_len = f1.left;
        e_out->user = (const char *)f2.p;
        e_out->user_len = f2.left;
        e_out->secret = (const char *)r.p;
        e_out->secret_len = until_eol(&r);
        return true;
    }
    /* smbpasswd: NAME:UID:LM:NT: and the rest ignored; NAME may be DOMAIN\user. */
    if (!take_field(&r, ':', &f3) || !take_field(&r, ':', &f4))
        return false;
    e_out->secret = (const char *)f4.p;
    e_out->secret_len = f4.left;
    bs = memchr(f1.p, '\\', f1.left);
    if (bs != NULL) {
        e_out->domain = (const char *)f1.p;
        e_out->domain_len = (size_t)(bs - f1.p);
        e_out->user = (const char *)bs + 1;
        e_out->user_len = f1.left - e_out->domain_len - 1;
    } else {
        e_out->user = (const char *)f1.p;
        e_out->user_len = f1.left;
    }
    return true;
}

/* ASCII case-insensitive equality of two byte strings (see keyfile.h on non-ASCII). */
static bool
name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++) {
        unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb)
            return false;
    }
    return true;
}

/* gss-ntlmssp's match: user always, domain only when both sides have one. */
static bool
entry_matches_client(const struct cssp_kf_entry *e, const char *user, const char *domain)
{
    if (domain != NULL && domain[0] != '\0' && e->domain != NULL &&
        !name_eq(e->domain, e->domain_len, domain, strlen(domain)))
        return false;
    return name_eq(e->user, e->user_len, user, strlen(user));
}

/* Is e the entry for [domain\]user (the one set replaces and remove drops)? */
bool
cssp_keyfile_entry_is(const struct cssp_kf_entry *e, const char *user, const char *domain)
{
    size_t dlen = domain != NULL ? strlen(domain) : 0;
    size_t elen = e->domain != NULL ? e->domain_len : 0;

    /* POSIX account names are case-sensitive: the user part is exact. */
    return e->user_len == strlen(user) && memcmp(e->user, user, e->user_len) == 0 &&
           name_eq(e->domain != NULL ? e->domain : "", elen, domain != NULL ? domain : "", dlen);
}

/*
 * Would e and [domain\]user be one entry to gss-ntlmssp without being one
 * to us?  Users equal only when case is folded, and domains that can meet
 * (equal ignoring case, or missing on either side: no domain matches all).
 */
bool
cssp_keyfile_entry_collides(const struct cssp_kf_entry *e, const char *user, const char *domain)
{
    size_t ulen = strlen(user);
    bool has_domain = domain != NULL && domain[0] != '\0';

    if (!name_eq(e->user, e->user_len, user, ulen) || memcmp(e->user, user, ulen) == 0)
        return false;
    return e->domain == NULL || !has_domain ||
           name_eq(e->domain, e->domain_len, domain, strlen(domain));
}

/* May name be stored as a user or domain of an entry? */
credssp_error
cssp_keyfile_check_name(const char *name, bool is_domain)
{
    credssp_error ret = CREDSSP_E_INVALID_ARG;
    struct cssp_writer w;
    size_t len;

    (void)is_domain; /* the same rules hold for both today */
    cssp_writer_init(&w, 4 * CSSP_KEYFILE_MAX_NAME, false);
    if (name == NULL)
        goto cleanup;
    len = strlen(name);
    if (len == 0 || len > CSSP_KEYFILE_MAX_NAME || name[0] == '#')
        goto cleanup;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        /* ':' splits fields, '\\' splits DOMAIN\user, controls (CR, LF) split lines. */
        if (c < 0x20 || c == 0x7f || c == ':' || c == '\\')
            goto cleanup;
    }
    /* gss-ntlmssp compares against names decoded from UTF-16: only valid UTF-8 can match. */
    if (cssp_utf8_to_utf16le(name, len, &w) != CREDSSP_OK || !cssp_writer_ok(&w))
        goto cleanup;
    ret = CREDSSP_OK;

cleanup:
    cssp_writer_release(&w);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Hex                                                                 */
/* ------------------------------------------------------------------ */

/* Value of one hex digit (either case), or -1. */
static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The NT hash field (exactly 32 hex digits) as a new NT_HASH secret. */
static credssp_error
nt_hex_to_secret(const char *hex, size_t len, credssp_secret **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    credssp_secret *s = NULL;
    uint8_t *p = NULL;

    *out = NULL;
    if (len != NT_HEX_LEN) {
        ret = CREDSSP_E_NO_ACCEPTOR_CRED;
        goto cleanup;
    }
    ret = cssp_secret_alloc(CREDSSP_SECRET_NT_HASH, NT_HASH_LEN, &s, &p);
    if (ret != CREDSSP_OK)
        goto cleanup;
    for (size_t i = 0; i < NT_HASH_LEN; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            ret = CREDSSP_E_NO_ACCEPTOR_CRED;
            goto cleanup;
        }
        p[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = s;
    s = NULL;
    ret = CREDSSP_OK;

cleanup:
    credssp_secret_free(s);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Formatting                                                          */
/* ------------------------------------------------------------------ */

/* One key file line for [domain\]user with the hash in upper-case hex. */
credssp_error
cssp_keyfile_format_line(const char *user, const char *domain, unsigned long uid,
                         const credssp_secret *nt_hash, uint32_t lct, char *buf, size_t *len_out)
{
    static const char digits[] = "0123456789ABCDEF";
    const unsigned char *h;
    bool has_domain = domain != NULL && domain[0] != '\0';
    size_t n;
    int k;

    *len_out = 0;
    if (credssp_secret_get_kind(nt_hash) != CREDSSP_SECRET_NT_HASH ||
        credssp_secret_len(nt_hash) != NT_HASH_LEN)
        return CREDSSP_E_INVALID_ARG;
    k = snprintf(buf, CSSP_KEYFILE_LINE_MAX,
                 "%s%s%s:%lu:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:", has_domain ? domain : "",
                 has_domain ? "\\" : "", user, uid);
    if (k < 0 || (size_t)k + NT_HEX_LEN + 32 > CSSP_KEYFILE_LINE_MAX)
        return CREDSSP_E_INVALID_ARG;
    n = (size_t)k;
    h = credssp_secret_data(nt_hash);
    for (size_t i = 0; i < NT_HASH_LEN; i++) {
        buf[n++] = digits[h[i] >> 4];
        buf[n++] = digits[h[i] & 0x0f];
    }
    k = snprintf(buf + n, CSSP_KEYFILE_LINE_MAX - n, ":[U          ]:LCT-%08X\n", (unsigned)lct);
    if (k < 0 || (size_t)k >= CSSP_KEYFILE_LINE_MAX - n) {
        OPENSSL_cleanse(buf, CSSP_KEYFILE_LINE_MAX);
        return CREDSSP_E_INTERNAL;
    }
    *len_out = n + (size_t)k;
    return CREDSSP_OK;
}

/* ------------------------------------------------------------------ */
/* Reading and lookup                                                  */
/* ------------------------------------------------------------------ */

/* Read a whole regular file into memory that the caller wipes and frees. */
credssp_error
cssp_keyfile_read_fd(int fd, uint8_t **data_out, size_t *len_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct stat st;
    uint8_t *buf = NULL;
    size_t size = 0, got = 0;

    *data_out = NULL;
    *len_out = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    if (st.st_size < 0 || (unsigned long long)st.st_size > CSSP_KEYFILE_MAX_SIZE) {
        ret = CREDSSP_E_TOO_LARGE;
        goto cleanup;
    }
    size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (buf == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    /* Bytes appended after the fstat are not read: writers replace, never append. */
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = CREDSSP_E_IO;
            goto cleanup;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *data_out = buf;
    *len_out = got;
    buf = NULL;
    ret = CREDSSP_OK;

cleanup:
    cssp_wipe_free(buf, size + 1);
    return ret;
}

/*
 * Read the key file at path into *data_out (wiped and freed by the caller)
 * and point e_out at the first entry gss-ntlmssp would take for the client:
 * CREDSSP_E_LOGON_FAILURE when none matches, CREDSSP_E_NO_ACCEPTOR_CRED when
 * the file cannot be read.
 */
static credssp_error
lookup_entry(const char *path, const char *user, const char *domain, uint8_t **data_out,
             size_t *len_out, struct cssp_kf_entry *e_out)
{
    credssp_error ret;
    size_t off = 0;
    int fd;

    *data_out = NULL;
    *len_out = 0;
    if (path == NULL || user == NULL || user[0] == '\0')
        return CREDSSP_E_INVALID_ARG;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return CREDSSP_E_NO_ACCEPTOR_CRED;
    ret = cssp_keyfile_read_fd(fd, data_out, len_out);
    close(fd);
    if (ret != CREDSSP_OK)
        return ret == CREDSSP_E_NOMEM ? ret : CREDSSP_E_NO_ACCEPTOR_CRED;
    while (off < *len_out) {
        size_t n = cssp_keyfile_record_len(*data_out + off, *len_out - off);

        if (cssp_keyfile_parse_record(*data_out + off, n, e_out) &&
            entry_matches_client(e_out, user, domain))
            return CREDSSP_OK;
        off += n;
    }
    return CREDSSP_E_LOGON_FAILURE;
}

/* The NT hash gss-ntlmssp would use for the client user and domain. */
credssp_error
cssp_keyfile_lookup(const char *path, const char *user, const char *domain,
                    credssp_secret **nt_hash_out)
{
    credssp_error ret;
    struct cssp_kf_entry e;
    uint8_t *data = NULL;
    size_t len = 0;

    if (nt_hash_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *nt_hash_out = NULL;
    ret = lookup_entry(path, user, domain, &data, &len, &e);
    if (ret == CREDSSP_OK) {
        /* First match wins, even when it is malformed (gss-ntlmssp fails it too). */
        if (e.heimdal)
            ret = credssp_nt_hash(e.secret, e.secret_len, nt_hash_out);
        else
            ret = nt_hex_to_secret(e.secret, e.secret_len, nt_hash_out);
        if (ret != CREDSSP_OK && ret != CREDSSP_E_NOMEM)
            ret = CREDSSP_E_NO_ACCEPTOR_CRED;
    }
    cssp_wipe_free(data, len);
    return ret;
}

/* The user name of the entry gss-ntlmssp would take for the client (no secret). */
credssp_error
cssp_keyfile_lookup_user(const char *path, const char *user, const char *domain,
                         char **entry_user_out)
{
    credssp_error ret;
    struct cssp_kf_entry e;
    uint8_t *data = NULL;
    size_t len = 0;

    if (entry_user_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *entry_user_out = NULL;
    ret = lookup_entry(path, user, domain, &data, &len, &e);
    if (ret == CREDSSP_OK) {
        *entry_user_out = strndup(e.user, e.user_len);
        if (*entry_user_out == NULL)
            ret = CREDSSP_E_NOMEM;
    }
    cssp_wipe_free(data, len);
    return ret;
}

/* ------------------------------------------------------------------ */
/* memfd                                                               */
/* ------------------------------------------------------------------ */

/* Write all of data[0..n) to fd (shared with keyfile_update.c). */
bool
cssp_keyfile_write_all(int fd, const void *data, size_t n)
{
    const uint8_t *p = data;

    while (n > 0) {
        ssize_t k = write(fd, p, n);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

credssp_error
cssp_keyfile_sealed_memfd(const void *data, size_t len, int *fd_out)
{
    int fd;

    *fd_out = -1;
    fd = memfd_create("credssp-ntlm-key", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return errno == ENOMEM ? CREDSSP_E_NOMEM : CREDSSP_E_IO;
    /* Sealed before anyone sees it: nothing in the process can change the entry. */
    if (!cssp_keyfile_write_all(fd, data, len) ||
        fcntl(fd, F_ADD_SEALS, CSSP_KEYFILE_SEALS) != 0) {
        close(fd);
        return CREDSSP_E_IO;
    }
    *fd_out = fd;
    return CREDSSP_OK;
}

void
cssp_keyfile_fd_path(int fd, char path_out[CSSP_KEYFILE_PATH_LEN])
{
    int k = snprintf(path_out, CSSP_KEYFILE_PATH_LEN, "/proc/self/fd/%d", fd);

    if (k < 0 || (size_t)k >= CSSP_KEYFILE_PATH_LEN)
        path_out[0] = '\0';   /* cannot happen for an int */
}

/* A sealed memfd holding the one line for [domain\]user, and its /proc path. */
credssp_error
cssp_keyfile_memfd(const char *user, const char *domain, const credssp_secret *nt_hash, int *fd_out,
                   char path_out[CSSP_KEYFILE_PATH_LEN])
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    char line[CSSP_KEYFILE_LINE_MAX];
    size_t line_len = 0;

    if (fd_out == NULL || path_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *fd_out = -1;
    path_out[0] = '\0';
    if (cssp_keyfile_check_name(user, false) != CREDSSP_OK ||
        (domain != NULL && domain[0] != '\0' &&
         cssp_keyfile_check_name(domain, true) != CREDSSP_OK)) {
        ret = CREDSSP_E_INVALID_ARG;
        goto cleanup;
    }
    ret = cssp_keyfile_format_line(user, domain, CSSP_KEYFILE_UID_UNKNOWN, nt_hash,
                                   (uint32_t)time(NULL), line, &line_len);
    if (ret == CREDSSP_OK)
        ret = cssp_keyfile_sealed_memfd(line, line_len, fd_out);
    if (ret == CREDSSP_OK)
        cssp_keyfile_fd_path(*fd_out, path_out);

cleanup:
    OPENSSL_cleanse(line, sizeof(line));
    return ret;
}
