/*
 * account.c - CredSSP identity -> local account, the one answer both front
 * ends use (see account.h): credssp-server for PAM, the gateway for xrdp.
 *
 * Sources, in order: for delegated passwords (MS-CSSP 2.2.1.2.1
 * TSPasswordCreds) the delegated user and domain - which the engine has
 * already checked against the authenticated identity; for logons without a
 * password (Restricted Admin, Remote Guard: trust mode only) the local name
 * GSSAPI gave (gss_localname) or the authenticated principal
 * ("DOMAIN\user" for NTLM, "user@REALM" for Kerberos).
 * The name must be a portable POSIX user name (letters, digits, '.', '_',
 * '-', not starting with '-', at most cap - 1 octets) and, when the rules say
 * need_passwd (the gateway: xrdp-sesman starts a session for it), exist
 * locally; credssp-server leaves that to PAM.
 * With --domain, the domain the client *proved* (the NTLM domain of the
 * authenticated principal, or its Kerberos realm) must be listed, whatever
 * the delegated domain says (the client chooses that one, and may leave it
 * empty); an NTLM logon without a domain proves none and is refused.  A
 * non-empty delegated domain must be listed as well.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"

#define PW_BUF 4096u

/* Split "DOMAIN\name" or "name@domain" (when domain is still empty). */
static void
split_name(const char *in, const char **name, size_t *nlen, const char **dom, size_t *dlen)
{
    const char *bs = strchr(in, '\\');
    const char *at = strrchr(in, '@');

    if (bs != NULL) {
        *dom = in;
        *dlen = (size_t)(bs - in);
        *name = bs + 1;
        *nlen = strlen(bs + 1);
    } else if (at != NULL && *dlen == 0) {
        *name = in;
        *nlen = (size_t)(at - in);
        *dom = at + 1;
        *dlen = strlen(at + 1);
    } else {
        *name = in;
        *nlen = strlen(in);
    }
}

/* Is d[0..dlen) one of the --domain values (ASCII case-insensitive)? */
static bool
domain_listed(const struct fe_account_rules *opt, const char *d, size_t dlen)
{
    for (size_t i = 0; i < opt->n_domains; i++) {
        if (strlen(opt->domains[i]) == dlen && strncasecmp(opt->domains[i], d, dlen) == 0)
            return true;
    }
    return false;
}

/* A delegated domain: empty, or listed when any --domain is given. */
static bool
domain_allowed(const struct fe_account_rules *opt, const char *d, size_t dlen)
{
    return dlen == 0 || opt->n_domains == 0 || domain_listed(opt, d, dlen);
}

/*
 * The authenticated identity's domain: "DOMAIN\user" (NTLM) or "user@REALM"
 * (Kerberos) must name a listed one when any --domain is given.
 */
static bool
principal_allowed(const struct fe_account_rules *opt, const credssp_result *r)
{
    const char *p = credssp_result_principal(r), *sep;

    if (opt->n_domains == 0)
        return true;
    if (p == NULL)
        return false;
    if (credssp_result_mech(r) == CREDSSP_MECH_KERBEROS) {
        sep = strrchr(p, '@');
        return sep != NULL && domain_listed(opt, sep + 1, strlen(sep + 1));
    }
    sep = strchr(p, '\\');
    return sep != NULL && domain_listed(opt, p, (size_t)(sep - p));
}

/* Portable POSIX user name, at most cap - 1 octets. */
static bool
valid_name(const char *n, size_t len, size_t cap)
{
    if (len == 0 || len >= cap || n[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = n[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Does the passwd database know this account? */
static bool
account_exists(const char *name)
{
    struct passwd pw, *res = NULL;
    char *buf = malloc(PW_BUF);
    bool ok;

    if (buf == NULL)
        return false;
    ok = getpwnam_r(name, &pw, buf, PW_BUF, &res) == 0 && res != NULL;
    free(buf);
    return ok;
}

/*
 * --ad: the authenticated identity's local account (credssp_domain_local_
 * account); a delegated user must map to the same account, exactly as NSS
 * spells it.
 */
static credssp_error
map_domain_user(const struct fe_account_rules *opt, const credssp_result *r, char *local,
                size_t cap, const char **why_out)
{
    char delegated[FE_ACCOUNT_NAME_MAX];
    const char *user = credssp_result_user(r);
    credssp_error ret = ado_local_account(opt->ad, credssp_result_principal(r), NULL, local, cap);

    if (ret == CREDSSP_OK && user != NULL && user[0] != '\0') {
        ret = ado_local_account(opt->ad, user, credssp_result_domain(r), delegated,
                                sizeof(delegated));
        if (ret == CREDSSP_OK && strcmp(delegated, local) != 0)
            ret = CREDSSP_E_IDENTITY_MISMATCH;
    }
    if (ret != CREDSSP_OK) {
        local[0] = '\0';
        *why_out = ret == CREDSSP_E_LOGON_FAILURE ? "no_such_user"
                   : ret == CREDSSP_E_IDENTITY_MISMATCH ? "domain" : "name";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    return CREDSSP_OK;
}

/* Map r to a local account name. */
credssp_error
fe_map_account(const struct fe_account_rules *opt, const credssp_result *r, char *local,
               size_t cap, const char **why_out)
{
    const char *src, *name = NULL, *dom = "";
    char lname[CREDSSP_LOCAL_NAME_MAX];
    size_t nlen = 0, dlen = 0;

    *why_out = NULL;
    local[0] = '\0';
    if (opt->ad != NULL && opt->ad->on)
        return map_domain_user(opt, r, local, cap, why_out);
    if (credssp_result_secret(r) != NULL && credssp_result_user(r) != NULL) {
        src = credssp_result_user(r);
        dom = credssp_result_domain(r) != NULL ? credssp_result_domain(r) : "";
        dlen = strlen(dom);
    } else if (credssp_result_local_name(r, lname, sizeof(lname)) == CREDSSP_OK &&
               lname[0] != '\0') {
        src = lname;
    } else {
        src = credssp_result_principal(r);
    }
    if (src == NULL) {
        *why_out = "name";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    split_name(src, &name, &nlen, &dom, &dlen);
    if (!principal_allowed(opt, r) || !domain_allowed(opt, dom, dlen)) {
        *why_out = "domain";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    if (!valid_name(name, nlen, cap)) {
        *why_out = "name";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    memcpy(local, name, nlen);
    local[nlen] = '\0';
    if (!opt->need_passwd || account_exists(local))
        return CREDSSP_OK;
    for (size_t i = 0; i < nlen; i++) {
        if (local[i] >= 'A' && local[i] <= 'Z')
            local[i] = (char)(local[i] - 'A' + 'a');
    }
    if (account_exists(local))
        return CREDSSP_OK;
    local[0] = '\0';
    *why_out = "no_such_user";
    return CREDSSP_E_IDENTITY_MISMATCH;
}
