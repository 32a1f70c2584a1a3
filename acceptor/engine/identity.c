/*
 * identity.c - the rule tying delegated credentials to the authenticated
 * identity (MS-CSSP 3.1.5 leaves this to the server; documented in
 * docs/IDENTITY.md).
 *
 * A client that authenticated as alice must not delegate bob's password.
 * Names compare ASCII-case-insensitively (Windows account names are case
 * insensitive; non-ASCII must match exactly).  The delegated name may be
 * "user", "DOMAIN\user" (empty domain field) or "user@domain" (UPN).
 *   NTLM  principal "DOMAIN\user", "user", or a UPN "user@dns.domain" sent
 *         as the user name with no domain (then the DNS domain is the NTLM
 *         side's domain): user parts equal; when both domains are given they
 *         are equal, or one is a DNS name whose first label equals the other.
 *   Kerberos principal "user@REALM" (single component): user parts equal; the
 *         delegated domain is empty, the realm, or the realm's first label.
 */
#include <string.h>

#include "engine.h"

#define NAME_MAX_LEN 512

static char
ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of a[0..alen) and b[0..blen) (ASCII folding). */
static bool
name_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++) {
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    }
    return true;
}

/* Does domain equal full, or full's first dot-separated label? */
static bool
domain_matches(const char *domain, size_t dlen, const char *full, size_t flen)
{
    const char *dot = memchr(full, '.', flen);

    if (name_equal(domain, dlen, full, flen))
        return true;
    return dot != NULL && name_equal(domain, dlen, full, (size_t)(dot - full));
}

struct split_name {
    const char *user;
    size_t user_len;
    const char *domain;
    size_t domain_len;
};

/*
 * Split the delegated (domain, user) into parts, honouring DOM\user and UPNs;
 * false when a part a separator promises is empty ("alice@", "\\alice").
 */
static bool
split_delegated(const char *user, const char *domain, struct split_name *out)
{
    const char *sep;

    out->user = user;
    out->user_len = strlen(user);
    out->domain = domain != NULL ? domain : "";
    out->domain_len = strlen(out->domain);
    if (out->domain_len != 0)
        return out->user_len != 0;
    if ((sep = strchr(user, '\\')) != NULL) {
        out->domain = user;
        out->domain_len = (size_t)(sep - user);
        out->user = sep + 1;
        out->user_len = strlen(sep + 1);
    } else if ((sep = strrchr(user, '@')) != NULL) {
        out->user_len = (size_t)(sep - user);
        out->domain = sep + 1;
        out->domain_len = strlen(sep + 1);
    } else {
        return out->user_len != 0;
    }
    return out->user_len != 0 && out->domain_len != 0;
}

credssp_error
cssp_identity_check(unsigned mech, const char *principal, const char *user,
                    const char *domain)
{
    struct split_name d;
    const char *sep;
    const char *auser, *adom;
    size_t auser_len, adom_len;

    if (principal == NULL || user == NULL || user[0] == '\0' ||
        strlen(principal) > NAME_MAX_LEN || strlen(user) > NAME_MAX_LEN)
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (!split_delegated(user, domain, &d))
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (mech == CREDSSP_MECH_KERBEROS) {
        sep = strrchr(principal, '@');
        if (sep == NULL || memchr(principal, '/', (size_t)(sep - principal)) != NULL)
            return CREDSSP_E_IDENTITY_MISMATCH;   /* service principals never log in */
        auser = principal;
        auser_len = (size_t)(sep - principal);
        adom = sep + 1;
        adom_len = strlen(adom);
        if (!name_equal(d.user, d.user_len, auser, auser_len))
            return CREDSSP_E_IDENTITY_MISMATCH;
        if (d.domain_len != 0 && !domain_matches(d.domain, d.domain_len, adom, adom_len))
            return CREDSSP_E_IDENTITY_MISMATCH;
        return CREDSSP_OK;
    }
    if (mech != CREDSSP_MECH_NTLM)
        return CREDSSP_E_IDENTITY_MISMATCH;
    sep = strchr(principal, '\\');
    adom = sep != NULL ? principal : "";
    adom_len = sep != NULL ? (size_t)(sep - principal) : 0;
    auser = sep != NULL ? sep + 1 : principal;
    auser_len = strlen(auser);
    if (adom_len == 0 && (sep = strrchr(auser, '@')) != NULL) {
        /* A UPN sent as the NTLM user name with no domain: user@dns.domain. */
        adom = sep + 1;
        adom_len = strlen(adom);
        auser_len = (size_t)(sep - auser);
        if (auser_len == 0 || adom_len == 0)
            return CREDSSP_E_IDENTITY_MISMATCH;
    }
    if (!name_equal(d.user, d.user_len, auser, auser_len))
        return CREDSSP_E_IDENTITY_MISMATCH;
    if (d.domain_len != 0 && adom_len != 0 &&
        !domain_matches(d.domain, d.domain_len, adom, adom_len) &&
        !domain_matches(adom, adom_len, d.domain, d.domain_len))
        return CREDSSP_E_IDENTITY_MISMATCH;
    return CREDSSP_OK;
}
