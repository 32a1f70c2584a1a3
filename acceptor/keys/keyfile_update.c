/*
 * keyfile_update.c - add, replace and remove key file entries atomically
 * (credssp_keyfile_set / credssp_keyfile_remove of credssp.h; the format is
 * in keyfile.h and docs/NTLM-KEYS.md).
 *
 * Every update runs under an exclusive flock(2) on the sibling lock file
 * "PATH.lock" (created 0600, never removed: removing it would let two
 * writers lock different inodes).  Under the lock the current file is read,
 * the new contents are built in a secure buffer, written to "PATH.XXXXXX"
 * (mode 0600, then the kept mode), fsync'ed, renamed over PATH, and the
 * directory is fsync'ed.  Readers such as gss-ntlmssp, which reopen the file
 * on every authentication, see either the old or the new file, never a mix.
 *
 * Other lines, comments and their order are kept byte for byte.  The entry
 * for [DOMAIN\]user is every line that cssp_keyfile_entry_is() accepts (user
 * exact, domain compared case-insensitively, Heimdal "DOM:USER:PASSWORD"
 * lines included): "set" rewrites the first in place and drops the others
 * (the lookup could never reach them), "remove" drops them all.  "set"
 * refuses a user that differs from another entry's only in case
 * (cssp_keyfile_entry_collides: gss-ntlmssp would confuse the two accounts)
 * with CREDSSP_E_NAME_COLLISION and leaves the file alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "keyfile.h"

#define NEW_FILE_MODE 0600

/* malloc'ed "<path><suffix>", or NULL. */
static char *
path_with(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);

    if (s != NULL)
        snprintf(s, n, "%s%s", path, suffix);
    return s;
}

/* fsync the directory that holds path, so the rename itself is durable. */
static credssp_error
sync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    int fd = -1;
    credssp_error ret = CREDSSP_E_INTERNAL;

    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    free(dir);
    return ret;
}

/* The UID field: getpwnam("DOMAIN\user"), then getpwnam("user") (as gss_localname does). */
static unsigned long
local_uid(const char *user, const char *domain)
{
    char qualified[2 * CSSP_KEYFILE_MAX_NAME + 2];
    char pwbuf[4096];
    struct passwd pw, *res = NULL;

    if (domain != NULL && domain[0] != '\0') {
        snprintf(qualified, sizeof(qualified), "%s\\%s", domain, user);
        if (getpwnam_r(qualified, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res != NULL)
            return (unsigned long)res->pw_uid;
    }
    if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res != NULL)
        return (unsigned long)res->pw_uid;
    return CSSP_KEYFILE_UID_UNKNOWN;
}

/*
 * Build the new contents from the old: keep every line that is not the entry
 * for [domain\]user; put line (NULL = remove) where the first one was, or at
 * the end.  *changed_out tells whether anything differs.
 */
static credssp_error
rewrite(const uint8_t *old, size_t old_len, const char *user, const char *domain, const char *line,
        size_t line_len, struct cssp_writer *w, bool *changed_out)
{
    bool placed = false, changed = false;
    size_t off = 0;

    *changed_out = false;
    while (off < old_len) {
        const uint8_t *nl = memchr(old + off, '\n', old_len - off);
        size_t n = nl != NULL ? (size_t)(nl - (old + off)) + 1 : old_len - off;
        struct cssp_kf_entry e;
        size_t rec = cssp_keyfile_record_len(old + off, n);

        bool parsed = cssp_keyfile_parse_record(old + off, rec, &e);

        if (parsed && line != NULL && cssp_keyfile_entry_collides(&e, user, domain))
            return CREDSSP_E_NAME_COLLISION;
        if (parsed && cssp_keyfile_entry_is(&e, user, domain)) {
            changed = true;
            if (line != NULL && !placed)
                cssp_write_bytes(w, line, line_len);
            placed = true;
        } else {
            cssp_write_bytes(w, old + off, n);
            /* A last line without its newline gets one before anything follows. */
            if (nl == NULL)
                cssp_write_u8(w, '\n');
        }
        off += n;
    }
    if (line != NULL && !placed) {
        cssp_write_bytes(w, line, line_len);
        changed = true;
    }
    if (!cssp_writer_ok(w))
        return w->err;
    *changed_out = changed;
    return CREDSSP_OK;
}

/*
 * Replace the file at path with data[0..len) through a temporary sibling:
 * mode, fsync, rename, directory fsync.  Owner and group are kept.
 */
static credssp_error
replace_file(const char *path, const uint8_t *data, size_t len, mode_t mode,
             const struct stat *old_st)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    char *tmp = NULL;
    int fd = -1;

    tmp = path_with(path, ".XXXXXX");
    if (tmp == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    fd = mkostemp(tmp, O_CLOEXEC); /* created 0600 */
    if (fd < 0) {
        free(tmp);
        tmp = NULL;
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    if (old_st != NULL && (old_st->st_uid != geteuid() || old_st->st_gid != getegid()) &&
        fchown(fd, old_st->st_uid, old_st->st_gid) != 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    if (fchmod(fd, mode) != 0 || !cssp_keyfile_write_all(fd, data, len) || fsync(fd) != 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    free(tmp);
    tmp = NULL;
    ret = sync_parent_dir(path);

cleanup:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    return ret;
}

/* Take the exclusive update lock on "<path>.lock"; *fd_out holds it until closed. */
static credssp_error
lock_keyfile(const char *path, int *fd_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    char *lock = NULL;
    int fd = -1;

    *fd_out = -1;
    lock = path_with(path, ".lock");
    if (lock == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            ret = CREDSSP_E_IO;
            goto cleanup;
        }
    }
    *fd_out = fd;
    fd = -1;
    ret = CREDSSP_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    free(lock);
    return ret;
}

/*
 * The shared body of set and remove: line is the new entry, or NULL to remove.
 * A missing file is created (set) or left missing (remove).
 */
static credssp_error
update_keyfile(const char *path, const char *user, const char *domain, const char *line,
               size_t line_len)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_writer w;
    struct stat st;
    uint8_t *old = NULL;
    size_t old_len = 0;
    bool exists = false, changed = false;
    mode_t mode = NEW_FILE_MODE;
    int lock_fd = -1, fd = -1;

    cssp_writer_init(&w, CSSP_KEYFILE_MAX_SIZE + CSSP_KEYFILE_LINE_MAX, true);
    ret = lock_keyfile(path, &lock_fd);
    if (ret != CREDSSP_OK)
        goto cleanup;
    /* O_NOFOLLOW: renaming over a symlink would silently replace the link. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
    if (fd < 0 && errno != ENOENT) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    if (fd >= 0) {
        exists = true;
        if (fstat(fd, &st) != 0) {
            ret = CREDSSP_E_IO;
            goto cleanup;
        }
        /* Keep the mode, but never more open than 0600. */
        mode = st.st_mode & NEW_FILE_MODE;
        ret = cssp_keyfile_read_fd(fd, &old, &old_len);
        if (ret != CREDSSP_OK)
            goto cleanup;
    }
    if (!exists && line == NULL) {
        ret = CREDSSP_OK;
        goto cleanup;
    }
    ret = rewrite(old, old_len, user, domain, line, line_len, &w, &changed);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (!changed && exists) {
        ret = CREDSSP_OK;
        goto cleanup;
    }
    ret = replace_file(path, w.buf, w.len, mode, exists ? &st : NULL);

cleanup:
    cssp_writer_release(&w);
    cssp_wipe_free(old, old_len);
    if (fd >= 0)
        close(fd);
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
    return ret;
}

/* Check the arguments common to set and remove. */
static credssp_error
check_args(const char *path, const char *user, const char *domain)
{
    if (path == NULL || path[0] == '\0')
        return CREDSSP_E_INVALID_ARG;
    if (cssp_keyfile_check_name(user, false) != CREDSSP_OK)
        return CREDSSP_E_INVALID_ARG;
    if (domain != NULL && domain[0] != '\0' && cssp_keyfile_check_name(domain, true) != CREDSSP_OK)
        return CREDSSP_E_INVALID_ARG;
    return CREDSSP_OK;
}

/* Add or replace the entry for [domain\]user (public API, credssp.h). */
CREDSSP_API credssp_error
credssp_keyfile_set(const char *path, const char *user, const char *domain,
                    const credssp_secret *nt_hash)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    char line[CSSP_KEYFILE_LINE_MAX];
    size_t line_len = 0;

    ret = check_args(path, user, domain);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_keyfile_format_line(user, domain, local_uid(user, domain), nt_hash,
                                   (uint32_t)time(NULL), line, &line_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = update_keyfile(path, user, domain, line, line_len);

cleanup:
    OPENSSL_cleanse(line, sizeof(line));
    return ret;
}

/* Remove every entry for [domain\]user (public API, credssp.h). */
CREDSSP_API credssp_error
credssp_keyfile_remove(const char *path, const char *user, const char *domain)
{
    credssp_error ret = check_args(path, user, domain);

    if (ret != CREDSSP_OK)
        return ret;
    return update_keyfile(path, user, domain, NULL, 0);
}
