/*
 * account_domain.h - the member's domain settings for the account mapping
 * (account_map.h): NetBIOS name, DNS name, realm and how NSS spells domain
 * users, from options with auto-detection (docs/IDENTITY.md "Domain
 * settings").  Shared by pam_credssp, credssp-server and the gateway.
 */
#ifndef CSSP_ACCOUNT_DOMAIN_H
#define CSSP_ACCOUNT_DOMAIN_H

#include "account_map.h"

#define CSSP_DOMAIN_PART_MAX 256u
#define CSSP_DEFAULT_SMB_CONF "/etc/samba/smb.conf"

/* The settings, owned (struct cssp_domain_names points into them). */
struct cssp_domain_conf {
    char netbios[CSSP_DOMAIN_PART_MAX];
    char dns[CSSP_DOMAIN_PART_MAX];
    char realm[CSSP_DOMAIN_PART_MAX];
    enum cssp_nss_form form;
    char separator;
};

/* "auto", "short", "netbios", "fqdn" -> the form; CREDSSP_E_CONFIG otherwise. */
CSSP_WUR credssp_error cssp_nss_form_parse(const char *s, enum cssp_nss_form *out);

/*
 * Fill out from the given values (NULL: detect).  Detection: from smb_conf
 * (NULL: CSSP_DEFAULT_SMB_CONF; a missing file is no error) the [global]
 * "workgroup" (NetBIOS name), "realm" and "winbind separator"; the realm
 * otherwise from krb5.conf's default_realm; the DNS name is the realm in
 * lower case; the form is CSSP_NSS_AUTO unless form names one.
 * CREDSSP_E_CONFIG when neither a NetBIOS nor a DNS name is known, or a
 * value is malformed (empty, too long, control characters, '\', '@', '/').
 */
CSSP_WUR credssp_error cssp_domain_setup(const char *netbios, const char *dns, const char *realm,
                                         const char *form, const char *smb_conf,
                                         struct cssp_domain_conf *out);

/* The view account_map takes (pointers into conf). */
void cssp_domain_names_of(const struct cssp_domain_conf *conf, struct cssp_domain_names *out);

#endif /* CSSP_ACCOUNT_DOMAIN_H */
