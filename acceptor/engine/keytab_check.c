/*
 * keytab_check.c - start-up check of a Kerberos acceptor keytab for RDP:
 * TERMSRV/<host> entries (MS-RDPBCGR: the RDP service class) with an AES
 * enctype (RFC 3962: aes128/256-cts-hmac-sha1-96; RFC 8009: the sha2 pair).
 * RC4-HMAC (RFC 4757) alone is reported with the AD-side fix.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <krb5.h>

#include "keytab_check.h"

#define TERMSRV "TERMSRV"

/* AES of RFC 3962 or RFC 8009? */
static bool
enctype_is_aes(krb5_enctype e)
{
    return e == ENCTYPE_AES128_CTS_HMAC_SHA1_96 || e == ENCTYPE_AES256_CTS_HMAC_SHA1_96 ||
           e == ENCTYPE_AES128_CTS_HMAC_SHA256_128 || e == ENCTYPE_AES256_CTS_HMAC_SHA384_192;
}

/* Is the entry's principal TERMSRV/<something>@REALM? */
static bool
is_termsrv(krb5_context ctx, krb5_const_principal p)
{
    const krb5_data *c0;

    if (krb5_princ_size(ctx, p) != 2)
        return false;
    c0 = krb5_princ_component(ctx, p, 0);
    return c0->length == strlen(TERMSRV) && strncasecmp(c0->data, TERMSRV, c0->length) == 0;
}

credssp_error
cssp_keytab_check(const char *path, char *why, size_t why_len)
{
    credssp_error ret = CREDSSP_E_NO_ACCEPTOR_CRED;
    krb5_context ctx = NULL;
    krb5_keytab kt = NULL;
    krb5_kt_cursor cur;
    krb5_keytab_entry ent;
    bool cursor = false;
    unsigned n_all = 0, n_termsrv = 0, n_aes = 0;
    char name[256] = "";
    char *pname = NULL;

    if (why != NULL && why_len > 0)
        why[0] = '\0';
    if (krb5_init_context(&ctx) != 0) {
        ctx = NULL;
        goto report;
    }
    if ((path != NULL ? krb5_kt_resolve(ctx, path, &kt) : krb5_kt_default(ctx, &kt)) != 0) {
        kt = NULL;
        goto report;
    }
    if (krb5_kt_start_seq_get(ctx, kt, &cur) != 0)
        goto report;
    cursor = true;
    while (krb5_kt_next_entry(ctx, kt, &ent, &cur) == 0) {
        n_all++;
        if (is_termsrv(ctx, ent.principal)) {
            n_termsrv++;
            if (enctype_is_aes(ent.key.enctype))
                n_aes++;
            if (name[0] == '\0' && krb5_unparse_name(ctx, ent.principal, &pname) == 0) {
                (void)snprintf(name, sizeof(name), "%s", pname);
                krb5_free_unparsed_name(ctx, pname);
            }
        }
        (void)krb5_free_keytab_entry_contents(ctx, &ent);
    }
    if (n_termsrv == 0)
        goto report;
    ret = n_aes != 0 ? CREDSSP_OK : CREDSSP_E_CONFIG;

report:
    if (why == NULL || why_len == 0 || ret == CREDSSP_OK)
        goto cleanup;
    if (!cursor)
        (void)snprintf(why, why_len, "keytab %s cannot be read", path != NULL ? path : "(default)");
    else if (n_termsrv == 0)
        (void)snprintf(why, why_len,
                       "keytab %s has %u key(s) but none for TERMSRV/<host>: register the SPN "
                       "and add its keys (setspn -S TERMSRV/<fqdn> <account>; net ads keytab "
                       "add TERMSRV; adcli update --service-name=TERMSRV)",
                       path != NULL ? path : "(default)", n_all);
    else
        (void)snprintf(why, why_len,
                       "keytab %s has only non-AES (RC4/DES) keys for %s: AD issues AES "
                       "tickets, so Kerberos logons will fail; set msDS-SupportedEncryptionTypes "
                       "= 24 (AES128+AES256) on the account that owns the SPN, then re-create "
                       "the keytab (net ads keytab create / adcli update / samba-tool domain "
                       "exportkeytab / ktpass -crypto AES256-SHA1)",
                       path != NULL ? path : "(default)", name);

cleanup:
    if (cursor)
        (void)krb5_kt_end_seq_get(ctx, kt, &cur);
    if (kt != NULL)
        (void)krb5_kt_close(ctx, kt);
    if (ctx != NULL)
        krb5_free_context(ctx);
    return ret;
}
