/*
 * api_domain.c - the public names of the domain-user mapping and of the
 * key-file name rule (include/credssp.h "Start-up checks and domain users",
 * include/credssp_keyfile.h): thin wrappers over account_domain.c,
 * account_map.c and keyfile.c, so that front ends need no private header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account_domain.h"
#include "credssp.h"
#include "credssp_keyfile.h"
#include "keyfile.h"

struct credssp_domain {
    struct cssp_domain_conf conf;
};

CREDSSP_API credssp_error
credssp_domain_new(const char *netbios, const char *dns, const char *realm, const char *names,
                   credssp_domain **out)
{
    credssp_domain *d = NULL;
    credssp_error ret;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return CREDSSP_E_NOMEM;
    ret = cssp_domain_setup(netbios, dns, realm, names, CREDSSP_SMB_CONF, &d->conf);
    if (ret != CREDSSP_OK)
        goto cleanup;
    *out = d;
    d = NULL;
cleanup:
    free(d);
    return ret;
}

CREDSSP_API void
credssp_domain_free(credssp_domain *d)
{
    free(d);
}

/* One part of the description: "-" when unknown. */
static const char *
part(const char *s)
{
    return s[0] != '\0' ? s : "-";
}

CREDSSP_API void
credssp_domain_describe(const credssp_domain *d, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return;
    if (d == NULL) {
        snprintf(buf, len, "none");
        return;
    }
    snprintf(buf, len, "NetBIOS %s, DNS %s, realm %s", part(d->conf.netbios),
             part(d->conf.dns), part(d->conf.realm));
}

CREDSSP_API credssp_error
credssp_domain_local_account(const credssp_domain *d, const char *name, const char *domain,
                             char *local, size_t local_len)
{
    struct cssp_domain_names names;
    struct cssp_account acct;
    credssp_error ret;
    size_t n;

    if (name == NULL || local == NULL || local_len == 0)
        return CREDSSP_E_INVALID_ARG;
    local[0] = '\0';
    if (d != NULL)
        cssp_domain_names_of(&d->conf, &names);
    ret = cssp_account_local(d != NULL ? &names : NULL, name, domain != NULL ? domain : "",
                             &acct);
    if (ret != CREDSSP_OK)
        return ret;
    n = strlen(acct.local);
    if (n >= local_len)
        return CREDSSP_E_TOO_LARGE;
    memcpy(local, acct.local, n + 1);
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_keyfile_check_name(const char *name, int is_domain)
{
    return cssp_keyfile_check_name(name, is_domain != 0);
}
