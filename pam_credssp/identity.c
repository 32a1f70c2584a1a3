/*
 * identity.c - does the claimed credential belong to PAM_USER?
 *
 * Both the identity CredSSP authenticated and the user the client delegated
 * must map to the account PAM_USER names (documented in pam_credssp(8),
 * "IDENTITY MAPPING", and docs/IDENTITY.md).  The account's canonical name is
 * getpwnam(PAM_USER)->pw_name (PAM_USER itself without a passwd entry).  A
 * user name names the account when it equals the canonical name exactly, or
 * when NSS resolves it to that same account (a directory whose names are
 * case-insensitive, e.g. sssd case_sensitive = false): POSIX names are
 * case-sensitive, and secrevu and Secrevu can be two people.
 *   Kerberos  "name@REALM": krb5_aname_to_localname (auth_to_local of
 *             krb5.conf) must name the account; with realm= the realm must
 *             be listed, and a listed realm's single-component principal
 *             maps to its name when auth_to_local has no rule.
 *   NTLM      "DOMAIN\name" or "name": name names the account; with domain=
 *             the domain must be listed (case-insensitive, as in Windows).
 *             gss-ntlmssp finds key-file entries ignoring case and reports
 *             the name as typed, so when the key file (keyfile=) holds the
 *             entry it would take, that entry's user must be the canonical
 *             name exactly: Secrevu's entry never logs in secrevu.
 *   delegated "name", "DOMAIN\name" or "name@domain" plus the domain field:
 *             name names the account; a non-empty domain must be listed in
 *             domain= or realm= when either is given (case-insensitive).
 * With ad (or any ad_* option) domain users follow the one mapping of
 * acceptor/keys/account_map.c instead (docs/IDENTITY.md "Domain users"): the
 * authenticated principal and the delegated user are mapped to the member's
 * local account as NSS spells it, and that name must equal the canonical
 * name exactly; the Kerberos principal for the TGT is the mapped one.
 * A hand-off without an authenticated identity never maps.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <krb5.h>

#include "account_domain.h"
#include "keyfile.h"
#include "pcssp.h"

#define NAME_MAX_LEN 256
#define PW_BUF_LEN 4096

/* The account a name must map to: its canonical name (see the file comment). */
struct account {
    const char *name;
    char buf[PW_BUF_LEN];
};

/* Fill acct for pam_user: getpwnam's pw_name, else pam_user itself. */
static void
account_of(const char *pam_user, struct account *acct)
{
    struct passwd pw, *res = NULL;

    acct->name = pam_user;
    if (getpwnam_r(pam_user, &pw, acct->buf, sizeof(acct->buf), &res) == 0 && res != NULL)
        acct->name = res->pw_name;
}

/* Does n[0..nlen) name the account: exactly its name, or the same account to NSS? */
static bool
names_account(const char *n, size_t nlen, const struct account *acct)
{
    char name[NAME_MAX_LEN], buf[PW_BUF_LEN];
    struct passwd pw, *res = NULL;

    if (strlen(acct->name) == nlen && memcmp(n, acct->name, nlen) == 0)
        return true;
    if (nlen == 0 || nlen >= sizeof(name) || memchr(n, '\0', nlen) != NULL)
        return false;
    memcpy(name, n, nlen);
    name[nlen] = '\0';
    return getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res != NULL &&
           strcmp(res->pw_name, acct->name) == 0;
}

/*
 * The key-file entry gss-ntlmssp took for the NTLM name user (domain dom)
 * must be the account's own: no readable file or no entry (winbind, a lookup
 * callback, another file) leaves the decision to the other checks.
 */
static bool
keyfile_entry_is_account(const struct pcssp_config *cfg, const char *user, const char *dom,
                         size_t dlen, const struct account *acct)
{
    char domain[NAME_MAX_LEN];
    char *entry_user = NULL;
    credssp_error err;
    bool ok;

    if (cfg->keyfile == NULL)
        return true;
    if (dlen >= sizeof(domain))
        return false;
    memcpy(domain, dom, dlen);
    domain[dlen] = '\0';
    err = cssp_keyfile_lookup_user(cfg->keyfile, user, domain, &entry_user);
    if (err == CREDSSP_E_NO_ACCEPTOR_CRED || err == CREDSSP_E_LOGON_FAILURE)
        return true;
    ok = err == CREDSSP_OK && strcmp(entry_user, acct->name) == 0;
    free(entry_user);
    return ok;
}

/* Case-insensitive ASCII equality of a[0..alen) and the string b (domains, realms). */
static bool
name_equal(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && strncasecmp(a, b, alen) == 0;
}

/* Is d[0..dlen) in list (case-insensitive)? */
static bool
in_list(char *const *list, size_t n, const char *d, size_t dlen)
{
    for (size_t i = 0; i < n; i++) {
        if (name_equal(d, dlen, list[i]))
            return true;
    }
    return false;
}

/* Map a Kerberos principal to a local name through auth_to_local. */
static credssp_error
krb5_local(const struct pcssp_config *cfg, const char *principal, char *local, size_t cap)
{
    credssp_error ret = CREDSSP_E_IDENTITY_MISMATCH;
    krb5_context kctx = NULL;
    krb5_principal p = NULL;
    krb5_error_code kerr;
    const char *at = strrchr(principal, '@');

    if (at == NULL || at[1] == '\0')
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (cfg->n_realms != 0 && !in_list(cfg->realms, cfg->n_realms, at + 1, strlen(at + 1)))
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (krb5_init_context(&kctx) != 0)
        return CREDSSP_E_GSS;
    if (krb5_parse_name(kctx, principal, &p) != 0)
        goto cleanup;
    kerr = krb5_aname_to_localname(kctx, p, (int)cap - 1, local);
    if (kerr == 0) {
        ret = CREDSSP_OK;
    } else if (kerr == KRB5_LNAME_NOTRANS && cfg->n_realms != 0 &&
               krb5_princ_size(kctx, p) == 1 &&
               (size_t)(at - principal) < cap && memchr(principal, '/', (size_t)(at - principal)) == NULL) {
        /* A listed realm without an auth_to_local rule: the bare name. */
        memcpy(local, principal, (size_t)(at - principal));
        local[at - principal] = '\0';
        ret = CREDSSP_OK;
    }

cleanup:
    krb5_free_principal(kctx, p);
    krb5_free_context(kctx);
    return ret;
}

/* The domain settings of options ad / ad_* (realm: the first realm=). */
static credssp_error
ad_names(const struct pcssp_config *cfg, struct cssp_domain_conf *conf,
         struct cssp_domain_names *names)
{
    credssp_error ret = cssp_domain_setup(cfg->ad_domain, cfg->ad_dns,
                                          cfg->n_realms != 0 ? cfg->realms[0] : NULL,
                                          cfg->ad_names, NULL, conf);

    if (ret == CREDSSP_OK)
        cssp_domain_names_of(conf, names);
    return ret;
}

/* Option ad: (name, domain) maps, resolved by NSS, to exactly the account? */
static bool
ad_maps(const struct pcssp_config *cfg, const char *name, const char *domain,
        const struct account *acct)
{
    struct cssp_domain_conf conf;
    struct cssp_domain_names names;
    struct cssp_account a;

    return ad_names(cfg, &conf, &names) == CREDSSP_OK &&
           cssp_account_local(&names, name, domain, &a) == CREDSSP_OK &&
           strcmp(a.local, acct->name) == 0;
}

/* Option ad: the mapped principal of an NTLM identity (none: mismatch). */
static credssp_error
ad_principal(const struct pcssp_config *cfg, const char *principal, char **out)
{
    struct cssp_domain_conf conf;
    struct cssp_domain_names names;
    struct cssp_account a;
    credssp_error ret;

    if (principal == NULL)
        return CREDSSP_E_IDENTITY_MISMATCH;
    ret = ad_names(cfg, &conf, &names);
    if (ret == CREDSSP_OK)
        ret = cssp_account_local(&names, principal, "", &a);
    if (ret == CREDSSP_OK && a.principal[0] == '\0')
        ret = CREDSSP_E_IDENTITY_MISMATCH;
    if (ret != CREDSSP_OK)
        return ret;
    return (*out = strdup(a.principal)) != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
}

/* The authenticated identity maps to the account? */
static bool
authenticated_maps(const struct pcssp_config *cfg, const credssp_result *r,
                   const struct account *acct)
{
    const char *principal = credssp_result_principal(r);
    char local[NAME_MAX_LEN];
    const char *bs, *user;
    size_t dlen;

    if (principal == NULL || principal[0] == '\0')
        return false;
    if (cfg->ad) {
        bs = strchr(principal, '\\');
        user = bs != NULL ? bs + 1 : principal;
        dlen = bs != NULL ? (size_t)(bs - principal) : 0;
        return (credssp_result_mech(r) == CREDSSP_MECH_KERBEROS ||
                credssp_result_mech(r) == CREDSSP_MECH_NTLM) &&
               ad_maps(cfg, principal, "", acct) &&
               (credssp_result_mech(r) != CREDSSP_MECH_NTLM ||
                keyfile_entry_is_account(cfg, user, principal, dlen, acct));
    }
    switch (credssp_result_mech(r)) {
    case CREDSSP_MECH_KERBEROS:
        return krb5_local(cfg, principal, local, sizeof(local)) == CREDSSP_OK &&
               names_account(local, strlen(local), acct);
    case CREDSSP_MECH_NTLM:
        bs = strchr(principal, '\\');
        user = bs != NULL ? bs + 1 : principal;
        dlen = bs != NULL ? (size_t)(bs - principal) : 0;
        if (cfg->n_domains != 0 &&
            (bs == NULL || !in_list(cfg->domains, cfg->n_domains, principal, dlen)))
            return false;
        return names_account(user, strlen(user), acct) &&
               keyfile_entry_is_account(cfg, user, principal, dlen, acct);
    default:
        return false;
    }
}

/* The delegated user (and domain) map to the account?  Nothing delegated: yes. */
static bool
delegated_maps(const struct pcssp_config *cfg, const credssp_result *r,
               const struct account *acct)
{
    const char *user = credssp_result_user(r), *domain = credssp_result_domain(r);
    const char *name, *dom;
    size_t nlen, dlen;
    const char *sep;

    if (user == NULL || user[0] == '\0')
        return domain == NULL || domain[0] == '\0';
    if (domain == NULL)
        domain = "";
    if (cfg->ad)
        return ad_maps(cfg, user, domain, acct);
    name = user;
    nlen = strlen(user);
    dom = domain;
    dlen = strlen(domain);
    if ((sep = strchr(user, '\\')) != NULL) {
        if (dlen != 0)
            return false;          /* two domains: ambiguous */
        dom = user;
        dlen = (size_t)(sep - user);
        name = sep + 1;
        nlen = strlen(name);
    } else if (dlen == 0 && (sep = strchr(user, '@')) != NULL) {
        dom = sep + 1;             /* UPN */
        dlen = strlen(dom);
        nlen = (size_t)(sep - user);
    }
    if (!names_account(name, nlen, acct))
        return false;
    if (dlen == 0 || (cfg->n_domains == 0 && cfg->n_realms == 0))
        return true;
    return in_list(cfg->domains, cfg->n_domains, dom, dlen) ||
           in_list(cfg->realms, cfg->n_realms, dom, dlen);
}

/* Both identities map to pam_user? *why_out says which did not. */
credssp_error
pcssp_identity_check(const struct pcssp_config *cfg, const credssp_result *r,
                     const char *pam_user, const char **why_out)
{
    struct account acct;

    *why_out = NULL;
    if (cfg == NULL || r == NULL || pam_user == NULL || pam_user[0] == '\0') {
        *why_out = "no user";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    account_of(pam_user, &acct);
    if (!authenticated_maps(cfg, r, &acct)) {
        *why_out = "authenticated identity does not map to the user";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    if (!delegated_maps(cfg, r, &acct)) {
        *why_out = "delegated user does not map to the user";
        return CREDSSP_E_IDENTITY_MISMATCH;
    }
    return CREDSSP_OK;
}

/*
 * The principal to get a TGT for: the authenticated one for Kerberos; with
 * option ad the mapped principal of the authenticated NTLM identity
 * ("ADTEST\\alice" -> "alice@AD.TEST"); else PAM_USER in the first realm= (or
 * the default realm).
 */
credssp_error
pcssp_krb5_principal(const struct pcssp_config *cfg, const credssp_result *r,
                     const char *pam_user, char **out)
{
    const char *principal = credssp_result_principal(r);
    size_t n;

    *out = NULL;
    if (credssp_result_mech(r) == CREDSSP_MECH_KERBEROS && principal != NULL)
        return (*out = strdup(principal)) != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
    if (cfg->ad)
        return ad_principal(cfg, principal, out);
    if (strpbrk(pam_user, "@/\\") != NULL)
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (cfg->n_realms == 0)
        return (*out = strdup(pam_user)) != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
    n = strlen(pam_user) + 1 + strlen(cfg->realms[0]) + 1;
    *out = malloc(n);
    if (*out == NULL)
        return CREDSSP_E_NOMEM;
    snprintf(*out, n, "%s@%s", pam_user, cfg->realms[0]);
    return CREDSSP_OK;
}
