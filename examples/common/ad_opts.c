/*
 * ad_opts.c - --ad / --ad-* of credssp-server and credssp-gateway
 * (ad_opts.h): parse, detect the rest (account_domain.c), report, and map
 * an authenticated identity to its local account (account_map.c).
 */
#include "ad_opts.h"

int
ado_option(struct ad_opts *ad, int code, const char *arg)
{
    switch (code) {
    case ADO_OPT_AD: break;
    case ADO_OPT_DOMAIN: ad->netbios = arg; break;
    case ADO_OPT_DNS: ad->dns = arg; break;
    case ADO_OPT_REALM: ad->realm = arg; break;
    case ADO_OPT_NAMES: ad->names = arg; break;
    default: return 0;
    }
    ad->on = true;
    return 1;
}

int
ado_setup(struct ad_opts *ad, const char *prog)
{
    if (!ad->on)
        return 0;
    if (cssp_domain_setup(ad->netbios, ad->dns, ad->realm, ad->names, NULL, &ad->conf) ==
        CREDSSP_OK)
        return 0;
    fprintf(stderr, "%s: --ad: a malformed --ad-* value, or no NetBIOS / DNS name in "
                    "--ad-domain, --ad-dns, %s or krb5.conf\n", prog, CSSP_DEFAULT_SMB_CONF);
    return -1;
}

void
ado_report(const struct ad_opts *ad, const char *prog)
{
    const struct cssp_domain_conf *c = &ad->conf;

    if (!ad->on)
        return;
    fprintf(stderr, "%s: domain users: NetBIOS %s, DNS %s, realm %s, names %s\n", prog,
            c->netbios[0] != '\0' ? c->netbios : "-", c->dns[0] != '\0' ? c->dns : "-",
            c->realm[0] != '\0' ? c->realm : "-", ad->names != NULL ? ad->names : "auto");
}

void
ado_usage(FILE *f)
{
    fputs("  --ad                    domain users: map DOMAIN\\user, UPN and user@REALM\n"
          "                          to the local account as NSS spells it\n"
          "                          (docs/IDENTITY.md); settings from " CSSP_DEFAULT_SMB_CONF "\n"
          "                          and krb5.conf\n"
          "  --ad-domain NAME        the domain's NetBIOS name (implies --ad)\n"
          "  --ad-dns NAME           its DNS name (default: the realm in lower case)\n"
          "  --ad-realm REALM        its Kerberos realm (default: smb.conf, krb5.conf)\n"
          "  --ad-names FORM         auto|short|netbios|fqdn: how NSS names domain users\n"
          "                          (default auto: take NSS's own spelling)\n", f);
}

credssp_error
ado_local_account(const struct ad_opts *ad, const char *principal, struct cssp_account *acct)
{
    struct cssp_domain_names names;

    if (principal == NULL || principal[0] == '\0')
        return CREDSSP_E_IDENTITY_MISMATCH;
    cssp_domain_names_of(&ad->conf, &names);
    return cssp_account_local(&names, principal, "", acct);
}
