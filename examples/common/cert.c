/*
 * cert.c - TLS context for credssp-server: PEM files or an ephemeral
 * self-signed certificate.
 *
 * MS-CSSP 3.1.5 step 1 (server-authenticated TLS; the client binds CredSSP to
 * the SubjectPublicKey of this certificate) and RFC 5280 (X.509 v3 profile:
 * serial, validity, basicConstraints, keyUsage, extendedKeyUsage, SAN).  All
 * crypto is OpenSSL 3; nothing is home-made.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"

#define CERT_RSA_BITS 2048
#define CERT_VALID_DAYS 30L
#define CERT_HOST_MAX 256

/* Print the OpenSSL error queue with a prefix. */
static void
print_ssl_errors(const char *what)
{
    unsigned long e;
    char buf[256];

    fprintf(stderr, "credssp-server: %s failed\n", what);
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
        fprintf(stderr, "  %s\n", buf);
    }
}

/* The host name for CN / SAN; "localhost" when unknown. */
static void
host_name(char *out, size_t cap)
{
    if (gethostname(out, cap) != 0 || out[0] == '\0' || memchr(out, '\0', cap) == NULL)
        (void)snprintf(out, cap, "%s", "localhost");
}

/* True if name is a plain DNS name (letters, digits, '-', '.') fit for a SAN. */
static bool
is_dns_name(const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        char c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
    }
    return name[0] != '\0';
}

/* Add one X.509 v3 extension given in OpenSSL's config syntax. */
static credssp_error
add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *ext = NULL;
    credssp_error ret = CREDSSP_E_CRYPTO;

    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
    if (ext == NULL || X509_add_ext(x, ext, -1) != 1)
        goto cleanup;
    ret = CREDSSP_OK;
cleanup:
    X509_EXTENSION_free(ext);
    return ret;
}

/*
 * Generate an RSA-2048 key and a self-signed X.509 v3 server certificate for
 * it (random 127-bit serial, valid from one hour ago for 30 days, SHA-256).
 */
static credssp_error
make_ephemeral(EVP_PKEY **key_out, X509 **cert_out)
{
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    BIGNUM *serial = NULL;
    X509_NAME *name;
    char host[CERT_HOST_MAX];
    char san[CERT_HOST_MAX + 32];
    credssp_error ret = CREDSSP_E_CRYPTO;

    *key_out = NULL;
    *cert_out = NULL;
    host_name(host, sizeof(host));
    key = EVP_RSA_gen(CERT_RSA_BITS);
    x = X509_new();
    serial = BN_new();
    if (key == NULL || x == NULL || serial == NULL)
        goto cleanup;
    if (X509_set_version(x, X509_VERSION_3) != 1 ||
        BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
        X509_gmtime_adj(X509_getm_notBefore(x), -3600L) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(x), CERT_VALID_DAYS * 86400L) == NULL ||
        X509_set_pubkey(x, key) != 1)
        goto cleanup;
    name = X509_get_subject_name(x);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)host,
                                   -1, -1, 0) != 1 ||
        X509_set_issuer_name(x, name) != 1)
        goto cleanup;
    if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") != CREDSSP_OK ||
        add_ext(x, NID_key_usage, "critical,digitalSignature,keyEncipherment") != CREDSSP_OK ||
        add_ext(x, NID_ext_key_usage, "serverAuth") != CREDSSP_OK)
        goto cleanup;
    if (is_dns_name(host)) {
        (void)snprintf(san, sizeof(san), "DNS:%s", host);
        if (add_ext(x, NID_subject_alt_name, san) != CREDSSP_OK)
            goto cleanup;
    }
    if (X509_sign(x, key, EVP_sha256()) <= 0)
        goto cleanup;
    *key_out = key;
    *cert_out = x;
    key = NULL;
    x = NULL;
    ret = CREDSSP_OK;
cleanup:
    if (ret != CREDSSP_OK)
        print_ssl_errors("ephemeral certificate generation");
    BN_free(serial);
    X509_free(x);
    EVP_PKEY_free(key);
    return ret;
}

/* Print subject CN and SHA-256 fingerprint of the certificate in use. */
static void
print_fingerprint(SSL_CTX *ctx, bool ephemeral)
{
    X509 *x = SSL_CTX_get0_certificate(ctx);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char subject[256];
    char hex[3 * EVP_MAX_MD_SIZE + 1];

    if (x == NULL || X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
        return;
    for (unsigned int i = 0; i < mdlen; i++)
        (void)snprintf(hex + 3 * i, 4, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
    hex[mdlen > 0 ? 3 * mdlen - 1 : 0] = '\0';
    if (X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof(subject)) == NULL)
        (void)snprintf(subject, sizeof(subject), "%s", "?");
    fprintf(stderr, "credssp-server: %s certificate %s sha256 %s\n",
            ephemeral ? "ephemeral" : "loaded", subject, hex);
}

/*
 * Build the SSL_CTX: TLS server method, no client certificate request, no
 * session cache or tickets (MS-CSSP 3.1.5: no TLS session resumption; the
 * engine's TLS sends one stateful TLS 1.3 ticket that cannot resume), no
 * renegotiation.
 */
credssp_error
cert_make_ssl_ctx(const char *cert_pem, const char *key_pem, SSL_CTX **ctx_out)
{
    SSL_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    credssp_error ret = CREDSSP_E_CRYPTO;

    *ctx_out = NULL;
    if ((cert_pem == NULL) != (key_pem == NULL))
        return CREDSSP_E_INVALID_ARG;
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        print_ssl_errors("SSL_CTX_new");
        goto cleanup;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
        goto cleanup;
    if (cert_pem != NULL) {
        if (SSL_CTX_use_certificate_chain_file(ctx, cert_pem) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, key_pem, SSL_FILETYPE_PEM) != 1) {
            print_ssl_errors("loading --cert / --key");
            ret = CREDSSP_E_CONFIG;
            goto cleanup;
        }
    } else {
        ret = make_ephemeral(&key, &x);
        if (ret != CREDSSP_OK)
            goto cleanup;
        ret = CREDSSP_E_CRYPTO;
        if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
            print_ssl_errors("installing the ephemeral certificate");
            goto cleanup;
        }
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        print_ssl_errors("certificate / key match");
        ret = CREDSSP_E_CONFIG;
        goto cleanup;
    }
    print_fingerprint(ctx, cert_pem == NULL);
    *ctx_out = ctx;
    ctx = NULL;
    ret = CREDSSP_OK;
cleanup:
    X509_free(x);
    EVP_PKEY_free(key);
    SSL_CTX_free(ctx);
    return ret;
}
