/*
 * ad_opts.c - --ad / --ad-* of credssp-server and credssp-gateway
 * (ad_opts.h): parse, detect the rest (credssp_domain_new), report, and map
 * an authenticated identity to its local account (credssp_domain_local_account).
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
    if (credssp_domain_new(ad->netbios, ad->dns, ad->realm, ad->names, &ad->domain) ==
        CREDSSP_OK)
        return 0;
    fprintf(stderr, "%s: --ad: a malformed --ad-* value, or no NetBIOS / DNS name in "
                    "--ad-domain, --ad-dns, %s or krb5.conf\n", prog, CREDSSP_SMB_CONF);
    return -1;
}

void
ado_report(const struct ad_opts *ad, const char *prog)
{
    char desc[1024];

    if (!ad->on)
        return;
    credssp_domain_describe(ad->domain, desc, sizeof(desc));
    fprintf(stderr, "%s: domain users: %s, names %s\n", prog, desc,
            ad->names != NULL ? ad->names : "auto");
}

void
ado_usage(FILE *f)
{
    fputs("  --ad                    domain users: map DOMAIN\\user, UPN and user@REALM\n"
          "                          to the local account as NSS spells it\n"
          "                          (docs/IDENTITY.md); settings from " CREDSSP_SMB_CONF "\n"
          "                          and krb5.conf\n"
          "  --ad-domain NAME        the domain's NetBIOS name (implies --ad)\n"
          "  --ad-dns NAME           its DNS name (default: the realm in lower case)\n"
          "  --ad-realm REALM        its Kerberos realm (default: smb.conf, krb5.conf)\n"
          "  --ad-names FORM         auto|short|netbios|fqdn: how NSS names domain users\n"
          "                          (default auto: take NSS's own spelling)\n", f);
}

void
ado_free(struct ad_opts *ad)
{
    credssp_domain_free(ad->domain);
    ad->domain = NULL;
}

credssp_error
ado_local_account(const struct ad_opts *ad, const char *name, const char *domain, char *local,
                  size_t cap)
{
    if (name == NULL || name[0] == '\0')
        return CREDSSP_E_IDENTITY_MISMATCH;
    return credssp_domain_local_account(ad->domain, name, domain, local, cap);
}
