/*
 * account_map.h - one mapping from a Windows identity to the local account
 * and to the Kerberos principal (docs/IDENTITY.md, "Domain users").
 *
 * Inputs are what CredSSP authenticates or delegates: NTLM "DOMAIN\user",
 * a UPN "user@dns.domain", a Kerberos "user@REALM", or a user with a separate
 * domain field.  Outputs: the name to hand to getpwnam / PAM_USER as the
 * host's NSS spells it (winbind with or without "use default domain", SSSD
 * with or without fully-qualified names), and "user@REALM" for pam_krb5.
 */
#ifndef CSSP_ACCOUNT_MAP_H
#define CSSP_ACCOUNT_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "credssp.h"
#include "internal.h"

#define CSSP_ACCOUNT_USER_MAX 256u    /* AD limits sAMAccountName to 20, UPNs to 1024 */
#define CSSP_ACCOUNT_NAME_MAX 512u

/* How the host's NSS names a domain user. */
enum cssp_nss_form {
    CSSP_NSS_SHORT = 0,   /* "alice": winbind use default domain = yes, SSSD
                             use_fully_qualified_names = false */
    CSSP_NSS_NETBIOS,     /* "ADTEST\alice": winbind's default (separator below) */
    CSSP_NSS_FQDN,        /* "alice@ad.test": SSSD use_fully_qualified_names = true */
    CSSP_NSS_AUTO         /* ask NSS: look the qualified name up ("ADTEST\\alice", then
                             "alice@ad.test") and take the spelling it answers with,
                             when that is one of the three forms of the same domain */
};

/* The one domain the host is a member of. */
struct cssp_domain_names {
    const char *netbios;   /* "ADTEST" */
    const char *dns;       /* "ad.test" */
    const char *realm;     /* "AD.TEST"; NULL: dns in upper case */
    enum cssp_nss_form form;
    char separator;        /* winbind separator for CSSP_NSS_NETBIOS; 0 = '\\' */
};

struct cssp_account {
    char user[CSSP_ACCOUNT_USER_MAX];       /* the account name alone: "alice" */
    char local[CSSP_ACCOUNT_NAME_MAX];      /* for getpwnam / PAM_USER */
    char principal[CSSP_ACCOUNT_NAME_MAX];  /* "alice@AD.TEST"; "" when no domain */
    bool domain_user;                       /* the name named the member's domain */
    enum cssp_nss_form form;                /* how local is spelled (domain users) */
    char separator;
    char alt_local[CSSP_ACCOUNT_NAME_MAX];  /* CSSP_NSS_AUTO: the FQDN form, tried second */
    char netbios[CSSP_ACCOUNT_USER_MAX];    /* CSSP_NSS_AUTO: to recognise NSS's answer */
    char dns[CSSP_ACCOUNT_USER_MAX];
};

/*
 * Map (name, domain) to an account.  dom NULL: not a domain member, the user
 * part is the local name (NT-hash key files), any domain is ignored.  With a
 * dom: a name without domain stays as given (local or default-domain user,
 * NSS decides); a name in dom (NetBIOS name, DNS name or realm, any case)
 * becomes dom's NSS form; any other domain, an alternative UPN suffix, or a
 * service principal ("host/x") is CREDSSP_E_IDENTITY_MISMATCH.  Names with
 * control characters, '/' or ':' are CREDSSP_E_INVALID_ARG.  "\\user@suffix"
 * (gss-ntlmssp's principal for a UPN typed with no domain) is "user@suffix".
 */
CSSP_WUR credssp_error cssp_account_map(const struct cssp_domain_names *dom,
                                        const char *name, const char *domain,
                                        struct cssp_account *out);

/*
 * Look a local name up: 0 and the name as NSS spells it (pw_name) in canon,
 * -1 when there is no such account.
 */
typedef int (*cssp_pw_lookup_fn)(void *userdata, const char *name, char *canon,
                                 size_t canon_len);

/* The real lookup: getpwnam_r. */
int cssp_account_getpwnam(void *userdata, const char *name, char *canon, size_t canon_len);

/*
 * Replace acct->local with the spelling NSS returns for it (so that later
 * comparisons can be exact), and for a domain user take the account name of
 * user and principal from that spelling too ("ALICE" -> "alice@AD.TEST").
 * CREDSSP_E_LOGON_FAILURE when NSS knows no such account,
 * CREDSSP_E_IDENTITY_MISMATCH when NSS answers with a name outside the
 * domain's form.  lookup NULL: cssp_account_getpwnam.
 */
CSSP_WUR credssp_error cssp_account_resolve(struct cssp_account *acct,
                                            cssp_pw_lookup_fn lookup, void *userdata);

/* cssp_account_map, then cssp_account_resolve with getpwnam. */
CSSP_WUR credssp_error cssp_account_local(const struct cssp_domain_names *dom, const char *name,
                                          const char *domain, struct cssp_account *out);

#endif /* CSSP_ACCOUNT_MAP_H */
