/*
 * account.h - which local account a CredSSP logon becomes: the one mapping
 * credssp-server (the PAM user) and credssp-gateway (the user xrdp gets)
 * share.  xrdp hands only the user name to xrdp-sesman and PAM, and reads
 * the Client Info Domain field as an xrdp.ini session section name
 * (docs/XRDP.md, "Identity").  Both front ends therefore map
 *   "user", "DOMAIN\user", "user@domain" (UPN), Kerberos "user@REALM"
 * to a local account "user" (the name as sent, else its ASCII lower-case
 * form, whichever exists in the passwd database), with the same domain rule
 * as pam_credssp(8): when any --domain is given (the gateway's option), the authenticated NTLM
 * domain or Kerberos realm must be listed (an NTLM logon without a domain
 * is refused), and so must a non-empty delegated domain.
 * With --ad (domain users) the library's mapping (credssp_domain_local_
 * account in credssp.h) replaces this (docs/IDENTITY.md "Domain users"): the authenticated
 * identity becomes the local account as NSS spells it ("ADTEST\alice",
 * "alice" or "alice@ad.test"), and a delegated user must map to exactly
 * that account.
 */
#ifndef CSSP_FRONTEND_ACCOUNT_H
#define CSSP_FRONTEND_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "ad_opts.h"
#include "credssp.h"

#define FE_ACCOUNT_MAX 33u     /* 32 octets (LOGIN_NAME_MAX conventions) + NUL */
#define FE_ACCOUNT_NAME_MAX 512u   /* a domain user as NSS spells it (--ad) */

/* The rules of one front end. */
struct fe_account_rules {
    const struct ad_opts *ad;         /* --ad / --ad-* (NULL or off: the rules above) */
    const char *const *domains;       /* accepted client domains */
    size_t n_domains;                 /* 0: any */
    bool need_passwd;                 /* the name must be in the passwd database (else
                                         its lower-case form); false: PAM decides */
};

/*
 * Map the logon of r to a local account name (NUL-terminated in local).
 * CREDSSP_E_IDENTITY_MISMATCH with *why_out a short reason ("domain",
 * "name", "no_such_user") when it cannot.
 */
credssp_error fe_map_account(const struct fe_account_rules *rules, const credssp_result *r,
                             char *local, size_t cap, const char **why_out);

#endif /* CSSP_FRONTEND_ACCOUNT_H */
