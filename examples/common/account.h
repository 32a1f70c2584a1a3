/*
 * usermap.h - which local account a CredSSP logon becomes for xrdp.
 *
 * xrdp hands only the user name to xrdp-sesman and PAM, and reads the
 * Client Info Domain field as an xrdp.ini session section name
 * (docs/XRDP.md, "Identity").  The gateway therefore maps
 *   "user", "DOMAIN\user", "user@domain" (UPN), Kerberos "user@REALM"
 * to a local account "user" (the name as sent, else its ASCII lower-case
 * form, whichever exists in the passwd database), with the same domain rule
 * as pam_credssp(8): when any --domain is given, the authenticated NTLM
 * domain or Kerberos realm must be listed (an NTLM logon without a domain
 * is refused), and so must a non-empty delegated domain.
 * With --ad (domain users) the one mapping of acceptor/account_map.c
 * replaces this (docs/IDENTITY.md "Domain users"): the authenticated
 * identity becomes the local account as NSS spells it ("ADTEST\alice",
 * "alice" or "alice@ad.test"), and a delegated user must map to exactly
 * that account.
 */
#ifndef CSSP_GATEWAY_USERMAP_H
#define CSSP_GATEWAY_USERMAP_H

#include <stddef.h>

#include "credssp.h"
#include "gateway.h"

#define GW_USER_MAX 33u        /* 32 octets (LOGIN_NAME_MAX conventions) + NUL */

/*
 * Map the logon of r to a local account name (NUL-terminated in local).
 * CREDSSP_E_IDENTITY_MISMATCH with *why_out a short reason ("domain",
 * "name", "no_such_user") when it cannot.
 */
credssp_error gw_map_user(const struct gw_opts *opt, const credssp_result *r, char *local,
                          size_t cap, const char **why_out);

#endif /* CSSP_GATEWAY_USERMAP_H */
