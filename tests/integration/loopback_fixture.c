/*
 * loopback_fixture.c - the group fixture of the loopback test (see
 * loopback.h): a private temporary directory with two self-signed
 * certificates (the second for the key-switch and SNI cases), the NTLM key
 * file (TESTDOM\alice, carol), the KDC keytab when run_loopback.sh started
 * one, and the default configuration and client options of a case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"
#include "loopback.h"

struct lb_fixture lb;

/* A self-signed RSA-2048 certificate for CN=localhost: PEM files and DER. */
static int
make_cert(const char *cert_path, const char *key_path, long serial, uint8_t **der_out,
          size_t *der_len_out)
{
    int ret = -1;
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    X509 *x = X509_new();
    X509_NAME *name;
    FILE *f = NULL;
    unsigned char *der = NULL;
    int der_len;

    if (pk == NULL || x == NULL || X509_set_version(x, 2) != 1 ||
        ASN1_INTEGER_set(X509_get_serialNumber(x), serial) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), 86400) == NULL || X509_set_pubkey(x, pk) != 1)
        goto cleanup;
    name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1 || X509_sign(x, pk, EVP_sha256()) <= 0)
        goto cleanup;
    f = fopen(cert_path, "w");
    if (f == NULL || PEM_write_X509(f, x) != 1 || fclose(f) != 0) {
        f = NULL;
        goto cleanup;
    }
    f = fopen(key_path, "w");
    if (f == NULL || PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) != 1 ||
        fclose(f) != 0) {
        f = NULL;
        goto cleanup;
    }
    f = NULL;
    der_len = i2d_X509(x, &der);
    if (der_len <= 0)
        goto cleanup;
    *der_out = der;
    *der_len_out = (size_t)der_len;
    der = NULL;
    ret = 0;

cleanup:
    if (f != NULL)
        fclose(f);
    OPENSSL_free(der);
    X509_free(x);
    EVP_PKEY_free(pk);
    return ret;
}

/* SubjectPublicKey BIT STRING contents of a DER certificate. */
static int
spk_of_der(const uint8_t *der, size_t len, uint8_t **out, size_t *len_out)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    ASN1_BIT_STRING *bits;
    int ret = -1;

    if (x == NULL)
        return -1;
    bits = X509_get0_pubkey_bitstr(x);
    if (bits != NULL && bits->length > 0 && (*out = malloc((size_t)bits->length)) != NULL) {
        memcpy(*out, bits->data, (size_t)bits->length);
        *len_out = (size_t)bits->length;
        ret = 0;
    }
    X509_free(x);
    return ret;
}

/* One key file entry: [domain\]user with the NT hash of password. */
static int
add_key(const char *user, const char *domain, const char *password)
{
    credssp_secret *h = NULL;
    credssp_error ret = credssp_nt_hash(password, strlen(password), &h);

    if (ret == CREDSSP_OK)
        ret = credssp_keyfile_set(lb.keyfile, user, domain, h);
    credssp_secret_free(h);
    return ret == CREDSSP_OK ? 0 : -1;
}

/* Group setup: temp dir, certificates, key file, KDC keytab if any. */
int
lb_setup(void **state)
{
    const char *kt = getenv("CSSP_TEST_KEYTAB");

    (void)state;
    memset(&lb, 0, sizeof(lb));
    snprintf(lb.dir, sizeof(lb.dir), "/tmp/cssp-loopback-XXXXXX");
    if (mkdtemp(lb.dir) == NULL)
        return -1;
    snprintf(lb.cert, sizeof(lb.cert), "%s/cert.pem", lb.dir);
    snprintf(lb.key, sizeof(lb.key), "%s/key.pem", lb.dir);
    snprintf(lb.cert2, sizeof(lb.cert2), "%s/cert2.pem", lb.dir);
    snprintf(lb.key2, sizeof(lb.key2), "%s/key2.pem", lb.dir);
    snprintf(lb.keyfile, sizeof(lb.keyfile), "%s/ntlm.keys", lb.dir);
    if (make_cert(lb.cert, lb.key, 1, &lb.cert_der, &lb.cert_der_len) != 0 ||
        make_cert(lb.cert2, lb.key2, 2, &lb.cert2_der, &lb.cert2_der_len) != 0 ||
        spk_of_der(lb.cert2_der, lb.cert2_der_len, &lb.spk2, &lb.spk2_len) != 0) {
        fprintf(stderr, "loopback: cannot make certificates\n");
        return -1;
    }
    if (add_key("alice", "TESTDOM", "alicepw") != 0 || add_key("carol", NULL, "carolpw") != 0) {
        fprintf(stderr, "loopback: cannot write the key file %s\n", lb.keyfile);
        return -1;
    }
    if (kt != NULL && kt[0] != '\0' && access(kt, R_OK) == 0)
        lb.keytab = kt;
    else
        fprintf(stderr, "loopback: no CSSP_TEST_KEYTAB, Kerberos cases are skipped\n");
    return 0;
}

/* Group teardown: remove the temp files. */
int
lb_teardown(void **state)
{
    const char *files[] = {lb.cert, lb.key, lb.cert2, lb.key2, lb.keyfile};
    char lock[LB_PATH + 8];

    (void)state;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        unlink(files[i]);
    /* credssp_keyfile_set leaves its lock file next to the key file */
    snprintf(lock, sizeof(lock), "%s.lock", lb.keyfile);
    unlink(lock);
    rmdir(lb.dir);
    OPENSSL_free(lb.cert_der);
    OPENSSL_free(lb.cert2_der);
    free(lb.spk2);
    return 0;
}

/* Min version 2 (the matrix covers 2..6); other settings default. */
void
lb_cfg_init(struct lb_cfg *c)
{
    memset(c, 0, sizeof(*c));
    c->min_version = 2;
}

/* NTLM as TESTDOM\alice, delegating the same password. */
void
lb_opts_ntlm(struct cssp_cli_opts *o, enum cssp_cli_mech mech, int version)
{
    cssp_cli_opts_init(o);
    o->mech = mech;
    o->version = version;
    o->auth_user = "alice";
    o->auth_domain = "TESTDOM";
    o->auth_password = "alicepw";
    o->user = "alice";
    o->domain = "TESTDOM";
    o->password = "alicepw";
}

/* Kerberos (ccache of alice@TEST.LOCAL), delegating alice's password. */
void
lb_opts_krb(struct cssp_cli_opts *o, enum cssp_cli_mech mech, int version)
{
    cssp_cli_opts_init(o);
    o->mech = mech;
    o->version = version;
    o->user = "alice";
    o->domain = "TEST.LOCAL";
    o->password = "alicepw";
}

/* Skip unless the wrapper started a KDC. */
void
lb_require_krb(void)
{
    if (lb.keytab == NULL)
        skip();
}

