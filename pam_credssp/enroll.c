/*
 * enroll.c - NT-hash enrolment from PAM: keep the NTLM key file in step
 * with the passwords PAM sees, so that a local user can log in over NLA
 * with NTLM (MS-NLMP 3.3.1: the acceptor needs NTOWFv1 = MD4(UTF-16LE
 * password) before any password arrives; docs/NTLM-KEYS.md).
 *
 *   password  pam_sm_chauthtok: PAM_PRELIM_CHECK probes that the key file
 *             can be updated (so a `required` line refuses the change before
 *             any module made it); PAM_UPDATE_AUTHTOK hashes the new
 *             PAM_AUTHTOK set by the module that changed the password (this
 *             module never prompts) and writes it.
 *   auth      option enroll: pam_sm_authenticate hashes PAM_AUTHTOK (the
 *             password the modules before it verified, or the one
 *             pam_credssp itself forwarded) and keeps only the hash, in PAM
 *             data wiped at pam_end; pam_sm_setcred(ESTABLISH_CRED), which
 *             applications call only after the whole auth stack succeeded,
 *             writes it.  A wrong password therefore never reaches the file.
 *
 * Writes go through credssp_keyfile_set (lock file, temp file, fsync,
 * rename; acceptor/keys/keyfile_update.c).  The file must be a regular file owned
 * by our effective uid (root) with no group / other access: we refuse to
 * write hashes into a file someone else could read or swap.  Users below
 * minimum_uid, without a passwd entry or whose names cannot be stored are
 * skipped.  When an update fails the old entry is removed if possible, so
 * the old password stops working over NTLM.  Permissions are those of the
 * effective ids (faccessat AT_EACCESS), never the real uid's: passwd is a
 * setuid program run by the user.  Hashes are never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "keyfile.h"
#include "pcssp.h"

/* PAM data cleanup: wipe and free the kept NT hash. */
static void
hash_cleanup(pam_handle_t *pamh, void *data, int status)
{
    (void)pamh;
    (void)status;
    credssp_secret_free(data);
}

/* May PAM_USER be enrolled (passwd entry, uid >= minimum_uid, storable name)? */
static bool
eligible(const struct pcssp_ctx *ctx)
{
    struct passwd pwbuf, *pw = NULL;
    char store[4096], b_user[128];

    if (cssp_keyfile_check_name(ctx->user, false) != CREDSSP_OK) {
        pcssp_debug(ctx, "enroll: user=%s cannot be stored in a key file",
                    pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        return false;
    }
    if (getpwnam_r(ctx->user, &pwbuf, store, sizeof(store), &pw) != 0 || pw == NULL) {
        pcssp_debug(ctx, "enroll: user=%s has no passwd entry",
                    pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        return false;
    }
    if (pw->pw_uid < ctx->cfg.minimum_uid) {
        pcssp_debug(ctx, "enroll: user=%s uid %lu below minimum_uid",
                    pcssp_printable(ctx->user, b_user, sizeof(b_user)),
                    (unsigned long)pw->pw_uid);
        return false;
    }
    return true;
}

/* The directory part of path (malloc'ed), "." without a slash. */
static char *
parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/*
 * Can the key file be updated safely?  NULL when yes, else why not (static).
 * Also creates the lock file credssp_keyfile_set would create.
 */
static const char *
keyfile_problem(const char *path)
{
    struct stat st;
    char *dir = NULL, *lock = NULL;
    const char *why = NULL;
    int fd;

    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return "not a regular file";
        if (st.st_uid != geteuid())
            return "owned by another user";
        if ((st.st_mode & 077) != 0)
            return "accessible by group or other";
    } else if (errno != ENOENT) {
        return "cannot be examined";
    }
    dir = parent_dir(path);
    if (dir == NULL || asprintf(&lock, "%s.lock", path) < 0) {
        lock = NULL;
        why = "out of memory";
        goto cleanup;
    }
    /*
     * The effective ids write the file: under setuid passwd the real uid is
     * the user's, and access() would refuse (and so keep the old hash).
     */
    if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0) {
        why = "its directory is not writable";
        goto cleanup;
    }
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0) {
        why = "its lock file cannot be opened";
        goto cleanup;
    }
    close(fd);

cleanup:
    free(dir);
    free(lock);
    return why;
}

/* Write hash for PAM_USER (entry without a domain); a library error. */
static credssp_error
write_hash(const struct pcssp_ctx *ctx, const credssp_secret *hash, const char *phase)
{
    const char *why = keyfile_problem(ctx->cfg.keyfile);
    char b_user[128], b_path[256];
    credssp_error err;

    pcssp_printable(ctx->user, b_user, sizeof(b_user));
    pcssp_printable(ctx->cfg.keyfile, b_path, sizeof(b_path));
    if (why != NULL) {
        pcssp_log(ctx, LOG_ERR, "user=%s enroll=refused phase=%s keyfile=%s reason=%s", b_user,
                  phase, b_path, why);
        return CREDSSP_E_IO;
    }
    err = credssp_keyfile_set(ctx->cfg.keyfile, ctx->user, NULL, hash);
    if (err != CREDSSP_OK) {
        pcssp_log(ctx, LOG_ERR, "user=%s enroll=failed phase=%s keyfile=%s error=%s", b_user,
                  phase, b_path, credssp_error_name(err));
        return err;
    }
    pcssp_log(ctx, LOG_NOTICE, "user=%s enroll=ok phase=%s keyfile=%s", b_user, phase, b_path);
    return CREDSSP_OK;
}

/*
 * After a failed update: drop the old entry so the old password stops
 * working.  Always tried, whatever keyfile_problem() thinks of the file:
 * removing a line never exposes a hash (the rewrite keeps the owner and at
 * most mode 0600), and a stale hash is a working password.
 */
static void
drop_stale(const struct pcssp_ctx *ctx)
{
    char b_user[128];
    credssp_error err;

    err = credssp_keyfile_remove(ctx->cfg.keyfile, ctx->user, NULL);
    pcssp_log(ctx, err == CREDSSP_OK ? LOG_NOTICE : LOG_ERR, "user=%s enroll=%s",
              pcssp_printable(ctx->user, b_user, sizeof(b_user)),
              err == CREDSSP_OK ? "stale_entry_removed" : "stale_entry_kept");
}

/* NT hash of the current PAM_AUTHTOK; NULL when there is none. */
static credssp_secret *
hash_authtok(const struct pcssp_ctx *ctx, credssp_error *err_out)
{
    const void *tok = NULL;
    credssp_secret *hash = NULL;

    *err_out = CREDSSP_OK;
    if (pam_get_item(ctx->pamh, PAM_AUTHTOK, &tok) != PAM_SUCCESS || tok == NULL ||
        ((const char *)tok)[0] == '\0')
        return NULL;
    *err_out = credssp_nt_hash(tok, strlen(tok), &hash);
    return hash;
}

/* auth, option enroll: keep the hash of PAM_AUTHTOK until setcred. */
void
pcssp_enroll_stash(struct pcssp_ctx *ctx)
{
    credssp_secret *hash = NULL;
    credssp_error err;
    char b_user[128];

    if (!ctx->cfg.enroll || !eligible(ctx))
        return;
    hash = hash_authtok(ctx, &err);
    if (hash == NULL) {
        if (err != CREDSSP_OK)
            pcssp_log(ctx, LOG_ERR, "user=%s enroll=failed phase=auth error=%s",
                      pcssp_printable(ctx->user, b_user, sizeof(b_user)),
                      credssp_error_name(err));
        else
            pcssp_debug(ctx, "enroll: no PAM_AUTHTOK for user=%s (place enroll after the "
                        "module that verifies the password)",
                        pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        return;
    }
    if (pam_set_data(ctx->pamh, PCSSP_DATA_ENROLL, hash, hash_cleanup) != PAM_SUCCESS) {
        credssp_secret_free(hash);
        pcssp_log(ctx, LOG_ERR, "user=%s enroll=failed phase=auth error=pam_set_data",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)));
        return;
    }
    pcssp_debug(ctx, "enroll: hash kept for setcred, user=%s",
                pcssp_printable(ctx->user, b_user, sizeof(b_user)));
}

/* setcred(ESTABLISH / REINITIALIZE): write what auth kept. */
int
pcssp_enroll_commit(struct pcssp_ctx *ctx)
{
    const void *data = NULL;
    credssp_error err;

    if (pam_get_data(ctx->pamh, PCSSP_DATA_ENROLL, &data) != PAM_SUCCESS || data == NULL)
        return PAM_IGNORE;
    err = write_hash(ctx, data, "setcred");
    /* The hash is needed no longer: the cleanup wipes it. */
    (void)pam_set_data(ctx->pamh, PCSSP_DATA_ENROLL, NULL, NULL);
    return err == CREDSSP_OK ? PAM_SUCCESS : PAM_CRED_ERR;
}

/* password: see the file comment. */
int
pcssp_chauthtok(struct pcssp_ctx *ctx, int flags)
{
    credssp_secret *hash = NULL;
    credssp_error err;
    const char *why;
    char b_user[128], b_path[256];
    int ret;

    if (!eligible(ctx))
        return PAM_IGNORE;
    if (flags & PAM_PRELIM_CHECK) {
        why = keyfile_problem(ctx->cfg.keyfile);
        if (why == NULL)
            return PAM_SUCCESS;
        pcssp_log(ctx, LOG_ERR, "user=%s enroll=refused phase=prelim keyfile=%s reason=%s",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)),
                  pcssp_printable(ctx->cfg.keyfile, b_path, sizeof(b_path)), why);
        return PAM_TRY_AGAIN;
    }
    if (!(flags & PAM_UPDATE_AUTHTOK))
        return PAM_IGNORE;
    hash = hash_authtok(ctx, &err);
    if (hash == NULL) {
        pcssp_log(ctx, LOG_ERR, "user=%s enroll=failed phase=password error=%s",
                  pcssp_printable(ctx->user, b_user, sizeof(b_user)),
                  err != CREDSSP_OK ? credssp_error_name(err) : "no_new_authtok");
        drop_stale(ctx);
        return PAM_AUTHTOK_ERR;
    }
    err = write_hash(ctx, hash, "password");
    credssp_secret_free(hash);
    ret = PAM_SUCCESS;
    if (err != CREDSSP_OK) {
        drop_stale(ctx);
        ret = PAM_AUTHTOK_ERR;
    }
    return ret;
}
