/*
 * account_domain.c - the member's domain settings for the account mapping,
 * given or detected (account_domain.h): Samba's smb.conf [global]
 * workgroup / realm / winbind separator, krb5.conf's default_realm.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <krb5.h>

#include "account_domain.h"

#define LINE_MAX_LEN 1024

credssp_error
cssp_nss_form_parse(const char *s, enum cssp_nss_form *out)
{
    static const struct { const char *name; enum cssp_nss_form form; } forms[] = {
        { "auto", CSSP_NSS_AUTO },
        { "short", CSSP_NSS_SHORT },
        { "netbios", CSSP_NSS_NETBIOS },
        { "fqdn", CSSP_NSS_FQDN },
    };

    for (size_t i = 0; s != NULL && i < sizeof(forms) / sizeof(forms[0]); i++) {
        if (strcmp(s, forms[i].name) == 0) {
            *out = forms[i].form;
            return CREDSSP_OK;
        }
    }
    return CREDSSP_E_CONFIG;
}

/* A domain name part: printable, no separators, fits. */
static credssp_error
set_part(char *out, const char *v)
{
    size_t n = strlen(v);

    if (n == 0 || n >= CSSP_DOMAIN_PART_MAX || strpbrk(v, "\\@/:") != NULL)
        return CREDSSP_E_CONFIG;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
            return CREDSSP_E_CONFIG;
    }
    memcpy(out, v, n + 1);
    return CREDSSP_OK;
}

/* "  key = value  " -> key, value trimmed in place; false for other lines. */
static bool
split_kv(char *line, char **key, char **val)
{
    char *eq = strchr(line, '='), *e;

    if (eq == NULL)
        return false;
    *eq = '\0';
    *key = line + strspn(line, " \t");
    for (e = eq; e > *key && isspace((unsigned char)e[-1]); e--)
        e[-1] = '\0';
    *val = eq + 1 + strspn(eq + 1, " \t");
    for (e = *val + strlen(*val); e > *val && isspace((unsigned char)e[-1]); e--)
        e[-1] = '\0';
    return true;
}

/* Read [global] workgroup / realm / winbind separator from smb.conf. */
static void
detect_smb_conf(const char *path, struct cssp_domain_conf *c, bool want_nb, bool want_realm)
{
    char line[LINE_MAX_LEN], *key, *val;
    bool global = true;
    FILE *f = fopen(path, "re");

    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *s = line + strspn(line, " \t");

        if (s[0] == '[') {
            global = strncasecmp(s, "[global]", 8) == 0;
            continue;
        }
        if (!global || s[0] == '#' || s[0] == ';' || !split_kv(s, &key, &val))
            continue;
        if (want_nb && strcasecmp(key, "workgroup") == 0)
            (void)set_part(c->netbios, val);
        else if (want_realm && strcasecmp(key, "realm") == 0)
            (void)set_part(c->realm, val);
        else if (strcasecmp(key, "winbind separator") == 0 && strlen(val) == 1)
            c->separator = val[0];
    }
    fclose(f);
}

/* krb5.conf's default_realm, when there is one. */
static void
detect_krb5_realm(struct cssp_domain_conf *c)
{
    krb5_context ctx = NULL;
    char *realm = NULL;

    if (krb5_init_context(&ctx) != 0)
        return;
    if (krb5_get_default_realm(ctx, &realm) == 0 && realm != NULL)
        (void)set_part(c->realm, realm);
    krb5_free_default_realm(ctx, realm);
    krb5_free_context(ctx);
}

credssp_error
cssp_domain_setup(const char *netbios, const char *dns, const char *realm, const char *form,
                  const char *smb_conf, struct cssp_domain_conf *out)
{
    credssp_error ret = CREDSSP_OK;

    memset(out, 0, sizeof(*out));
    out->form = CSSP_NSS_AUTO;
    if (form != NULL)
        ret = cssp_nss_form_parse(form, &out->form);
    if (ret == CREDSSP_OK && netbios != NULL)
        ret = set_part(out->netbios, netbios);
    if (ret == CREDSSP_OK && dns != NULL)
        ret = set_part(out->dns, dns);
    if (ret == CREDSSP_OK && realm != NULL)
        ret = set_part(out->realm, realm);
    if (ret != CREDSSP_OK)
        goto cleanup;
    detect_smb_conf(smb_conf != NULL ? smb_conf : CSSP_DEFAULT_SMB_CONF, out, netbios == NULL,
                    realm == NULL);
    if (out->realm[0] == '\0')
        detect_krb5_realm(out);
    if (out->dns[0] == '\0') {
        for (size_t i = 0; out->realm[i] != '\0'; i++)
            out->dns[i] = (char)tolower((unsigned char)out->realm[i]);
    }
    if (out->netbios[0] == '\0' && out->dns[0] == '\0')
        ret = CREDSSP_E_CONFIG;

cleanup:
    if (ret != CREDSSP_OK)
        memset(out, 0, sizeof(*out));
    return ret;
}

void
cssp_domain_names_of(const struct cssp_domain_conf *conf, struct cssp_domain_names *out)
{
    memset(out, 0, sizeof(*out));
    out->netbios = conf->netbios[0] != '\0' ? conf->netbios : NULL;
    out->dns = conf->dns[0] != '\0' ? conf->dns : NULL;
    out->realm = conf->realm[0] != '\0' ? conf->realm : NULL;
    out->form = conf->form;
    out->separator = conf->separator;
}
