/*
 * account_map_nss.c - map a Windows name with acceptor/keys/account_map.c and
 * resolve it through the real NSS (getpwnam_r; under nss_wrapper with
 * libnss_winbind in ad_logon.sh).  Prints "local=<name> principal=<p>".
 * usage: account_map_nss NETBIOS DNS auto|short|netbios|fqdn NAME [DOMAIN]
 * Exit 0 mapped and resolved, 1 refused, 2 no such account, 3 usage.
 */
#include <stdio.h>
#include <string.h>

#include "account_domain.h"

int
main(int argc, char **argv)
{
    struct cssp_domain_names dom = { 0 };
    struct cssp_account acct;
    credssp_error ret;

    if (argc < 5 || argc > 6)
        return 3;
    dom.netbios = argv[1];
    dom.dns = argv[2];
    if (cssp_nss_form_parse(argv[3], &dom.form) != CREDSSP_OK)
        return 3;
    ret = cssp_account_map(&dom, argv[4], argc == 6 ? argv[5] : "", &acct);
    if (ret != CREDSSP_OK) {
        printf("refused %s\n", credssp_error_name(ret));
        return 1;
    }
    ret = cssp_account_resolve(&acct, NULL, NULL);
    if (ret != CREDSSP_OK) {
        printf("unknown local=%s\n", acct.local);
        return 2;
    }
    printf("local=%s principal=%s\n", acct.local, acct.principal);
    return 0;
}
