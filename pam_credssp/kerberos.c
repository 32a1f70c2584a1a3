/*
 * kerberos.c - a verified TGT for the session (MIT krb5 API, RFC 4120).
 *
 * krb5_get_init_creds_password for the mapped principal, then
 * krb5_verify_init_creds against the host keytab with ap_req_nofail set:
 * a TGT from a KDC that cannot issue a service ticket for one of our keys is
 * refused (KDC spoofing).  The tickets go to a ccache named by the `ccache=`
 * template; a FILE cache is created with mkstemp-style uniqueness, owned by
 * the user, mode 0600.  krb5 error codes become credssp_errors here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <krb5.h>

#include "pcssp.h"

#define MAX_CCNAME 4096

/* Classify a krb5 error from getting or verifying the TGT. */
static credssp_error
krb5_to_error(krb5_error_code code)
{
    switch (code) {
    case 0:
        return CREDSSP_OK;
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_REALM_UNKNOWN:
        return CREDSSP_E_IO;
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
    case KRB5KDC_ERR_CLIENT_REVOKED:
    case KRB5KDC_ERR_KEY_EXP:
    case KRB5KDC_ERR_POLICY:
        return CREDSSP_E_LOGON_FAILURE;
    case ENOENT:
    case EACCES:
    case KRB5_KT_NOTFOUND:
    case KRB5_KT_END:
    case KRB5_KT_NOWRITE:
    case KRB5_KT_UNKNOWN_TYPE:
    case KRB5_KT_BADNAME:
        return CREDSSP_E_NO_ACCEPTOR_CRED;
    case ENOMEM:
        return CREDSSP_E_NOMEM;
    default:
        return CREDSSP_E_GSS;
    }
}

/* Log a krb5 failure with the library's message (never contains the password). */
static void
log_krb5(const struct pcssp_ctx *ctx, krb5_context kctx, const char *what, krb5_error_code code)
{
    const char *msg = krb5_get_error_message(kctx, code);

    pcssp_log(ctx, LOG_ERR, "%s: %s", what, msg != NULL ? msg : "unknown error");
    krb5_free_error_message(kctx, msg);
}

/* Expand %{uid} and %{user}; other %-sequences are errors. */
credssp_error
pcssp_ccache_expand(const char *tmpl, const char *user, uid_t uid, char **out)
{
    char buf[MAX_CCNAME];
    size_t n = 0;
    int w;

    *out = NULL;
    if (strchr(user, '/') != NULL)
        return CREDSSP_E_CONFIG;
    for (const char *p = tmpl; *p != '\0';) {
        if (strncmp(p, "%{uid}", 6) == 0) {
            w = snprintf(buf + n, sizeof(buf) - n, "%lu", (unsigned long)uid);
            p += 6;
        } else if (strncmp(p, "%{user}", 7) == 0) {
            w = snprintf(buf + n, sizeof(buf) - n, "%s", user);
            p += 7;
        } else if (*p == '%') {
            return CREDSSP_E_CONFIG;
        } else {
            w = snprintf(buf + n, sizeof(buf) - n, "%c", *p);
            p++;
        }
        if (w < 0 || (size_t)w >= sizeof(buf) - n)
            return CREDSSP_E_CONFIG;
        n += (size_t)w;
    }
    *out = strdup(buf);
    return *out != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
}

/* The path of a FILE ccache name ("FILE:/x" or "/x"), or NULL for other types. */
static char *
file_path(char *ccname)
{
    if (strncmp(ccname, "FILE:", 5) == 0)
        return ccname + 5;
    if (ccname[0] == '/')
        return ccname;
    return NULL;
}

/*
 * Make a FILE ccache name unique (XXXXXX -> mkstemp) and reserve it; other
 * types are used as given.
 */
static credssp_error
reserve_ccache(char *ccname)
{
    char *path = file_path(ccname);
    size_t n;
    int fd;

    if (path == NULL)
        return CREDSSP_OK;
    n = strlen(path);
    if (n < 6 || strcmp(path + n - 6, "XXXXXX") != 0)
        return CREDSSP_OK;
    fd = mkstemp(path);
    if (fd < 0)
        return CREDSSP_E_IO;
    close(fd);
    return CREDSSP_OK;
}

/* Give a FILE ccache to the user, without following links. */
static credssp_error
chown_ccache(char *ccname, uid_t uid, gid_t gid)
{
    char *path = file_path(ccname);
    struct stat st;
    credssp_error ret = CREDSSP_E_IO;
    int fd;

    if (path == NULL)
        return CREDSSP_OK;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return CREDSSP_E_IO;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fchmod(fd, 0600) == 0 &&
        fchown(fd, uid, gid) == 0)
        ret = CREDSSP_OK;
    close(fd);
    return ret;
}

/* Write creds into the cache ccname (initialised for client). */
static krb5_error_code
store_creds(krb5_context kctx, const char *ccname, krb5_creds *creds)
{
    krb5_ccache cc = NULL;
    krb5_error_code code;

    code = krb5_cc_resolve(kctx, ccname, &cc);
    if (code == 0)
        code = krb5_cc_initialize(kctx, cc, creds->client);
    if (code == 0)
        code = krb5_cc_store_cred(kctx, cc, creds);
    if (cc != NULL)
        krb5_cc_close(kctx, cc);
    return code;
}

/* Get and verify the TGT into *creds; a credssp_error (logged). */
static credssp_error
get_verified(const struct pcssp_ctx *ctx, krb5_context kctx, const char *principal,
             const credssp_secret *password, krb5_creds *creds)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    krb5_principal client = NULL;
    krb5_keytab kt = NULL;
    krb5_verify_init_creds_opt vopt;
    krb5_error_code code;

    code = krb5_parse_name(kctx, principal, &client);
    if (code != 0) {
        log_krb5(ctx, kctx, "krb5_parse_name", code);
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    code = krb5_get_init_creds_password(kctx, creds, client,
                                        (const char *)credssp_secret_data(password), NULL,
                                        NULL, 0, NULL, NULL);
    if (code != 0) {
        log_krb5(ctx, kctx, "krb5_get_init_creds_password", code);
        ret = krb5_to_error(code);
        goto cleanup;
    }
    code = ctx->cfg.keytab != NULL ? krb5_kt_resolve(kctx, ctx->cfg.keytab, &kt)
                                   : krb5_kt_default(kctx, &kt);
    if (code != 0) {
        log_krb5(ctx, kctx, "keytab", code);
        ret = CREDSSP_E_NO_ACCEPTOR_CRED;
        goto cleanup;
    }
    krb5_verify_init_creds_opt_init(&vopt);
    krb5_verify_init_creds_opt_set_ap_req_nofail(&vopt, 1);
    code = krb5_verify_init_creds(kctx, creds, NULL, kt, NULL, &vopt);
    if (code != 0) {
        log_krb5(ctx, kctx, "krb5_verify_init_creds", code);
        ret = krb5_to_error(code);
        if (ret == CREDSSP_E_GSS || ret == CREDSSP_E_LOGON_FAILURE)
            ret = CREDSSP_E_CRYPTO;   /* the TGT did not verify */
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    if (kt != NULL)
        krb5_kt_close(kctx, kt);
    krb5_free_principal(kctx, client);
    return ret;
}

credssp_error
pcssp_krb5_get_tgt(const struct pcssp_ctx *ctx, const char *principal,
                   const credssp_secret *password, uid_t uid, gid_t gid, char **ccname_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    krb5_context kctx = NULL;
    krb5_creds creds;
    bool have_creds = false;
    char *ccname = NULL;
    krb5_error_code code;

    *ccname_out = NULL;
    memset(&creds, 0, sizeof(creds));
    if (krb5_init_context(&kctx) != 0)
        return CREDSSP_E_GSS;
    ret = get_verified(ctx, kctx, principal, password, &creds);
    have_creds = ret == CREDSSP_OK || creds.client != NULL;
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = pcssp_ccache_expand(ctx->cfg.ccache, ctx->user, uid, &ccname);
    if (ret == CREDSSP_OK)
        ret = reserve_ccache(ccname);
    if (ret != CREDSSP_OK) {
        pcssp_log(ctx, LOG_ERR, "cannot create a ticket cache from ccache=%s", ctx->cfg.ccache);
        goto cleanup;
    }
    code = store_creds(kctx, ccname, &creds);
    if (code != 0) {
        log_krb5(ctx, kctx, "storing the tickets", code);
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    ret = chown_ccache(ccname, uid, gid);
    if (ret != CREDSSP_OK) {
        pcssp_log(ctx, LOG_ERR, "cannot give the ticket cache to uid %lu", (unsigned long)uid);
        goto cleanup;
    }
    *ccname_out = ccname;
    ccname = NULL;

cleanup:
    if (ccname != NULL) {
        pcssp_krb5_destroy(ctx, ccname);
        free(ccname);
    }
    if (have_creds)
        krb5_free_cred_contents(kctx, &creds);
    krb5_free_context(kctx);
    return ret;
}

void
pcssp_krb5_destroy(const struct pcssp_ctx *ctx, const char *ccname)
{
    krb5_context kctx = NULL;
    krb5_ccache cc = NULL;
    krb5_error_code code;
    char *copy, *path;

    if (krb5_init_context(&kctx) != 0)
        return;
    code = krb5_cc_resolve(kctx, ccname, &cc);
    if (code == 0)
        code = krb5_cc_destroy(kctx, cc);
    krb5_free_context(kctx);
    /* A reserved but never initialised file is not a ccache: remove it too. */
    copy = strdup(ccname);
    path = copy != NULL ? file_path(copy) : NULL;
    if (path != NULL)
        (void)unlink(path);
    free(copy);
    if (code != 0 && code != KRB5_FCC_NOFILE)
        pcssp_debug(ctx, "destroying the ticket cache: krb5 error %ld", (long)code);
}
