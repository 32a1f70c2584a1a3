/*
 * ad_opts.h - the domain-user options credssp-server and credssp-gateway
 * share: --ad, --ad-domain, --ad-dns, --ad-realm, --ad-names (the settings
 * of credssp_domain_new in credssp.h; docs/IDENTITY.md "Domain settings").
 */
#ifndef CSSP_AD_OPTS_H
#define CSSP_AD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "credssp.h"

/* getopt_long codes (kept clear of the programs' own and ADM_OPT_*). */
enum {
    ADO_OPT_AD = 0x800,
    ADO_OPT_DOMAIN,
    ADO_OPT_DNS,
    ADO_OPT_REALM,
    ADO_OPT_NAMES
};

#define ADO_LONG_OPTIONS                                          \
    { "ad", no_argument, NULL, ADO_OPT_AD },                      \
    { "ad-domain", required_argument, NULL, ADO_OPT_DOMAIN },     \
    { "ad-dns", required_argument, NULL, ADO_OPT_DNS },           \
    { "ad-realm", required_argument, NULL, ADO_OPT_REALM },       \
    { "ad-names", required_argument, NULL, ADO_OPT_NAMES }

struct ad_opts {
    bool on;                       /* --ad or any --ad-*: map domain users */
    const char *netbios;           /* --ad-domain */
    const char *dns;               /* --ad-dns */
    const char *realm;             /* --ad-realm */
    const char *names;             /* --ad-names auto|short|netbios|fqdn */
    credssp_domain *domain;        /* made by ado_setup, freed by ado_free */
};

/* One option: 1 taken, 0 not an --ad option. */
int ado_option(struct ad_opts *ad, int code, const char *arg);
/* After parsing: detect the rest; -1 (message on stderr) when unusable. */
int ado_setup(struct ad_opts *ad, const char *prog);
/* The settings in use, one line on stderr (when on). */
void ado_report(const struct ad_opts *ad, const char *prog);
void ado_usage(FILE *f);
void ado_free(struct ad_opts *ad);
/*
 * The local account of name (with its domain, or NULL) as NSS spells it, in
 * local[cap]; CREDSSP_E_IDENTITY_MISMATCH for another domain or an empty
 * name, _LOGON_FAILURE when NSS knows no such account.
 */
CREDSSP_WUR credssp_error ado_local_account(const struct ad_opts *ad, const char *name,
                                            const char *domain, char *local, size_t cap);

#endif /* CSSP_AD_OPTS_H */
