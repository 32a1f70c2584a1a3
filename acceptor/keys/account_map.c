/*
 * account_map.c - Windows identity -> local account -> Kerberos principal
 * (docs/IDENTITY.md "Domain users"; the rule engine, server, gateway and
 * pam_credssp are to share, see account_map.h).
 *
 * Parsing follows identity.c: "DOMAIN\user", "user@suffix" (UPN or
 * Kerberos), or user + a separate domain field.  A suffix or domain names the
 * member's domain when it equals its NetBIOS name, DNS name or realm (ASCII
 * case-insensitive).  Only the implicit UPN (suffix = the DNS name or the
 * realm) is mapped by string: its user part is the sAMAccountName; an
 * alternative UPN suffix would need a directory lookup and is refused.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account_map.h"

#define PW_BUF_MAX 65536u

struct parsed {
    char user[CSSP_ACCOUNT_USER_MAX];
    char domain[CSSP_ACCOUNT_NAME_MAX];
};

/* Copy s[0..len) into out (size cap, NUL-terminated); -1 if it does not fit. */
static int
copy_part(char *out, size_t cap, const char *s, size_t len)
{
    if (len >= cap)
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

/* No control characters, no '/' (service principals, paths), no ':' (passwd). */
static bool
name_chars_ok(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c == 0x7f || c == '/' || c == ':')
            return false;
    }
    return true;
}

/* Split (name, domain) into user and domain parts. */
static credssp_error
parse_name(const char *name, const char *domain, struct parsed *p)
{
    const char *sep;
    const char *user = name;
    size_t ulen = strlen(name);
    const char *dom = domain != NULL ? domain : "";
    size_t dlen = strlen(dom);

    if (!name_chars_ok(name) || !name_chars_ok(dom))
        return CREDSSP_E_INVALID_ARG;
    if (dlen == 0 && name[0] == '\\' && strchr(name + 1, '@') != NULL &&
        strchr(name + 1, '\\') == NULL) {
        user = ++name;           /* gss-ntlmssp's "\\alice@ad.test": a UPN, no domain */
        ulen = strlen(name);
    }
    if (dlen == 0 && (sep = strchr(name, '\\')) != NULL) {
        dom = name;
        dlen = (size_t)(sep - name);
        user = sep + 1;
        ulen = strlen(user);
        if (dlen == 0)
            return CREDSSP_E_INVALID_ARG;
    } else if (dlen == 0 && (sep = strrchr(name, '@')) != NULL) {
        ulen = (size_t)(sep - name);
        dom = sep + 1;
        dlen = strlen(dom);
        if (dlen == 0)
            return CREDSSP_E_INVALID_ARG;
    }
    if (ulen == 0 || memchr(user, '\\', ulen) != NULL || memchr(user, '@', ulen) != NULL)
        return CREDSSP_E_INVALID_ARG;
    if (copy_part(p->user, sizeof(p->user), user, ulen) != 0 ||
        copy_part(p->domain, sizeof(p->domain), dom, dlen) != 0)
        return CREDSSP_E_TOO_LARGE;
    return CREDSSP_OK;
}

/* Does d name the member's domain? */
static bool
is_member_domain(const struct cssp_domain_names *dom, const char *d)
{
    return (dom->netbios != NULL && strcasecmp(d, dom->netbios) == 0) ||
           (dom->dns != NULL && strcasecmp(d, dom->dns) == 0) ||
           (dom->realm != NULL && strcasecmp(d, dom->realm) == 0);
}

/* "user@REALM" (the realm upper-cased from the DNS name when not given). */
static credssp_error
make_principal(const struct cssp_domain_names *dom, const char *user, char *out, size_t cap)
{
    const char *realm = dom->realm != NULL ? dom->realm : dom->dns;
    size_t ulen = strlen(user), rlen, i;

    if (realm == NULL || realm[0] == '\0')
        return CREDSSP_E_CONFIG;
    rlen = strlen(realm);
    if (ulen + 1 + rlen >= cap)
        return CREDSSP_E_TOO_LARGE;
    memcpy(out, user, ulen);
    out[ulen] = '@';
    for (i = 0; i < rlen; i++) {
        char c = realm[i];

        out[ulen + 1 + i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    out[ulen + 1 + rlen] = '\0';
    return CREDSSP_OK;
}

/* The local name in the member's NSS form. */
static credssp_error
make_local(const struct cssp_domain_names *dom, const char *user, char *out, size_t cap)
{
    int n;

    switch (dom->form) {
    case CSSP_NSS_SHORT:
        n = snprintf(out, cap, "%s", user);
        break;
    case CSSP_NSS_NETBIOS:
        if (dom->netbios == NULL || dom->netbios[0] == '\0')
            return CREDSSP_E_CONFIG;
        n = snprintf(out, cap, "%s%c%s", dom->netbios,
                     dom->separator != 0 ? dom->separator : '\\', user);
        break;
    case CSSP_NSS_FQDN:
        if (dom->dns == NULL || dom->dns[0] == '\0')
            return CREDSSP_E_CONFIG;
        n = snprintf(out, cap, "%s@%s", user, dom->dns);
        break;
    default:
        return CREDSSP_E_CONFIG;
    }
    return (n < 0 || (size_t)n >= cap) ? CREDSSP_E_TOO_LARGE : CREDSSP_OK;
}

/* CSSP_NSS_AUTO: the NetBIOS-qualified name first (FQDN without a NetBIOS
 * name), the FQDN form as the alternative; keep what recognises the answer. */
static credssp_error
make_local_auto(const struct cssp_domain_names *dom, const char *user, struct cssp_account *out)
{
    struct cssp_domain_names d = *dom;
    bool nb = dom->netbios != NULL && dom->netbios[0] != '\0';
    bool fq = dom->dns != NULL && dom->dns[0] != '\0';
    credssp_error ret;

    if (!nb && !fq)
        return CREDSSP_E_CONFIG;
    if ((nb && copy_part(out->netbios, sizeof(out->netbios), dom->netbios,
                         strlen(dom->netbios)) != 0) ||
        (fq && copy_part(out->dns, sizeof(out->dns), dom->dns, strlen(dom->dns)) != 0))
        return CREDSSP_E_TOO_LARGE;
    d.form = nb ? CSSP_NSS_NETBIOS : CSSP_NSS_FQDN;
    ret = make_local(&d, user, out->local, sizeof(out->local));
    if (ret == CREDSSP_OK && nb && fq) {
        d.form = CSSP_NSS_FQDN;
        ret = make_local(&d, user, out->alt_local, sizeof(out->alt_local));
    }
    return ret;
}

credssp_error
cssp_account_map(const struct cssp_domain_names *dom, const char *name, const char *domain,
                 struct cssp_account *out)
{
    credssp_error ret;
    struct parsed p;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (name == NULL)
        return CREDSSP_E_INVALID_ARG;
    ret = parse_name(name, domain, &p);
    if (ret != CREDSSP_OK)
        goto cleanup;
    memcpy(out->user, p.user, sizeof(out->user));
    if (dom == NULL || p.domain[0] == '\0') {
        /* not a member, or no domain named: the name as given, NSS decides */
        ret = copy_part(out->local, sizeof(out->local), p.user, strlen(p.user)) == 0
                  ? CREDSSP_OK : CREDSSP_E_TOO_LARGE;
        if (ret == CREDSSP_OK && dom != NULL)
            ret = make_principal(dom, p.user, out->principal, sizeof(out->principal));
        goto cleanup;
    }
    if (!is_member_domain(dom, p.domain)) {
        ret = CREDSSP_E_IDENTITY_MISMATCH;   /* another or trusted domain, alt UPN suffix */
        goto cleanup;
    }
    out->domain_user = true;
    out->form = dom->form;
    out->separator = dom->separator != 0 ? dom->separator : '\\';
    if (dom->form == CSSP_NSS_AUTO)
        ret = make_local_auto(dom, p.user, out);
    else
        ret = make_local(dom, p.user, out->local, sizeof(out->local));
    if (ret == CREDSSP_OK)
        ret = make_principal(dom, p.user, out->principal, sizeof(out->principal));

cleanup:
    if (ret != CREDSSP_OK)
        memset(out, 0, sizeof(*out));
    return ret;
}

int
cssp_account_getpwnam(void *userdata, const char *name, char *canon, size_t canon_len)
{
    struct passwd pw, *res = NULL;
    long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t len = hint > 0 && (unsigned long)hint < PW_BUF_MAX ? (size_t)hint : 16384u;
    char *buf = NULL;
    int ret = -1, rc;

    (void)userdata;
    for (;;) {
        char *nb = realloc(buf, len);

        if (nb == NULL)
            goto cleanup;
        buf = nb;
        rc = getpwnam_r(name, &pw, buf, len, &res);
        if (rc != ERANGE || len >= PW_BUF_MAX)
            break;
        len *= 2;
    }
    if (rc != 0 || res == NULL || strlen(res->pw_name) >= canon_len)
        goto cleanup;
    memcpy(canon, res->pw_name, strlen(res->pw_name) + 1);
    ret = 0;

cleanup:
    free(buf);
    return ret;
}

/* The account-name part of a local name in form (NULL: not in that form). */
static const char *
user_part(const char *local, enum cssp_nss_form form, char sep, size_t *len)
{
    const char *p;

    switch (form) {
    case CSSP_NSS_SHORT:
        p = local;
        *len = strlen(local);
        break;
    case CSSP_NSS_NETBIOS:
        if ((p = strchr(local, sep)) == NULL)
            return NULL;
        p++;
        *len = strlen(p);
        break;
    case CSSP_NSS_FQDN:
        if ((p = strrchr(local, '@')) == NULL)
            return NULL;
        *len = (size_t)(p - local);
        p = local;
        break;
    default:
        return NULL;
    }
    return *len != 0 ? p : NULL;
}

/* CSSP_NSS_AUTO: which form is NSS's answer in?  (-1: none of this domain's) */
static int
form_of(const struct cssp_account *acct, const char *canon)
{
    const char *sep = strchr(canon, acct->separator);
    const char *at = strrchr(canon, '@');

    if (sep != NULL && acct->netbios[0] != '\0' &&
        (size_t)(sep - canon) == strlen(acct->netbios) &&
        strncasecmp(canon, acct->netbios, (size_t)(sep - canon)) == 0)
        return CSSP_NSS_NETBIOS;
    if (sep == NULL && at != NULL && acct->dns[0] != '\0' && strcasecmp(at + 1, acct->dns) == 0)
        return CSSP_NSS_FQDN;
    if (sep == NULL && at == NULL && strchr(canon, '\\') == NULL)
        return CSSP_NSS_SHORT;
    return -1;
}

credssp_error
cssp_account_resolve(struct cssp_account *acct, cssp_pw_lookup_fn lookup, void *userdata)
{
    char canon[CSSP_ACCOUNT_NAME_MAX];
    const char *u, *at;
    size_t ulen = 0;
    int form;

    if (acct == NULL || acct->local[0] == '\0')
        return CREDSSP_E_INVALID_ARG;
    if (lookup == NULL)
        lookup = cssp_account_getpwnam;
    if (lookup(userdata, acct->local, canon, sizeof(canon)) != 0 &&
        (acct->alt_local[0] == '\0' ||
         lookup(userdata, acct->alt_local, canon, sizeof(canon)) != 0))
        return CREDSSP_E_LOGON_FAILURE;
    if (acct->domain_user && acct->form == CSSP_NSS_AUTO) {
        if ((form = form_of(acct, canon)) < 0)
            return CREDSSP_E_IDENTITY_MISMATCH;
        acct->form = (enum cssp_nss_form)form;
    }
    if (acct->domain_user) {
        at = strrchr(acct->principal, '@');
        u = user_part(canon, acct->form, acct->separator, &ulen);
        if (u == NULL || at == NULL || ulen >= sizeof(acct->user) ||
            ulen + strlen(at) >= sizeof(acct->principal))
            return CREDSSP_E_IDENTITY_MISMATCH;
        memmove(acct->principal + ulen, at, strlen(at) + 1);
        memcpy(acct->principal, u, ulen);
        memcpy(acct->user, u, ulen);
        acct->user[ulen] = '\0';
    }
    memcpy(acct->local, canon, sizeof(acct->local));
    return CREDSSP_OK;
}

credssp_error
cssp_account_local(const struct cssp_domain_names *dom, const char *name, const char *domain,
                   struct cssp_account *out)
{
    credssp_error ret = cssp_account_map(dom, name, domain, out);

    if (ret == CREDSSP_OK)
        ret = cssp_account_resolve(out, NULL, NULL);
    return ret;
}
