/*
 * binding.c - pubKeyAuth values (MS-CSSP 3.1.5).
 *
 * The bound bytes are the contents of the certificate's SubjectPublicKey
 * BIT STRING (PKCS#1 RSAPublicKey for RSA, the point for EC).
 *   v2-4: client wraps spk; server answers spk with byte 0 + 1.
 *   v5-6: client wraps SHA-256("CredSSP Client-To-Server Binding Hash\0" ||
 *         clientNonce || spk); server SHA-256("CredSSP Server-To-Client
 *         Binding Hash\0" || clientNonce || spk).  The NUL is hashed (38 bytes).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "binding.h"

static const char client_magic[] = "CredSSP Client-To-Server Binding Hash";
static const char server_magic[] = "CredSSP Server-To-Client Binding Hash";

credssp_error
cssp_binding_spk_from_x509(const X509 *cert, uint8_t **out, size_t *len_out)
{
    const ASN1_BIT_STRING *bits;
    uint8_t *copy;

    if (cert == NULL || out == NULL || len_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *len_out = 0;
    bits = X509_get0_pubkey_bitstr(cert);
    if (bits == NULL || ASN1_STRING_length(bits) <= 0)
        return CREDSSP_E_TLS;
    copy = malloc((size_t)ASN1_STRING_length(bits));
    if (copy == NULL)
        return CREDSSP_E_NOMEM;
    memcpy(copy, ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits));
    *out = copy;
    *len_out = (size_t)ASN1_STRING_length(bits);
    return CREDSSP_OK;
}

credssp_error
cssp_binding_spk_from_der(const uint8_t *der, size_t len, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    const unsigned char *p = der;
    X509 *cert = NULL;

    if (der == NULL || len == 0 || len > 65536)
        return CREDSSP_E_INVALID_ARG;
    cert = d2i_X509(NULL, &p, (long)len);
    if (cert == NULL || p != der + len) {
        ret = CREDSSP_E_INVALID_ARG;
        goto cleanup;
    }
    ret = cssp_binding_spk_from_x509(cert, out, len_out);

cleanup:
    X509_free(cert);
    return ret;
}

/* SHA-256(magic incl. NUL || nonce || spk) into out[32]. */
static credssp_error
binding_hash(const char *magic, const uint8_t *nonce, const uint8_t *spk, size_t spk_len,
             uint8_t out[CSSP_BINDING_HASH_LEN])
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int n = 0;

    if (md == NULL)
        return CREDSSP_E_NOMEM;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(md, magic, strlen(magic) + 1) != 1 ||
        EVP_DigestUpdate(md, nonce, CSSP_NONCE_LEN) != 1 ||
        EVP_DigestUpdate(md, spk, spk_len) != 1 || EVP_DigestFinal_ex(md, out, &n) != 1 ||
        n != CSSP_BINDING_HASH_LEN)
        goto cleanup;
    ret = CREDSSP_OK;

cleanup:
    EVP_MD_CTX_free(md);
    return ret;
}

credssp_error
cssp_binding_verify_client(int version, const uint8_t *nonce, const uint8_t *spk,
                           size_t spk_len, const uint8_t *got, size_t got_len)
{
    uint8_t want[CSSP_BINDING_HASH_LEN];
    credssp_error ret;

    if (spk == NULL || spk_len == 0 || got == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (version < 5) {
        if (got_len != spk_len || CRYPTO_memcmp(got, spk, spk_len) != 0)
            return CREDSSP_E_BINDING;
        return CREDSSP_OK;
    }
    if (nonce == NULL)
        return CREDSSP_E_BAD_NONCE;
    ret = binding_hash(client_magic, nonce, spk, spk_len, want);
    if (ret != CREDSSP_OK)
        return ret;
    if (got_len != sizeof(want) || CRYPTO_memcmp(got, want, sizeof(want)) != 0)
        return CREDSSP_E_BINDING;
    return CREDSSP_OK;
}

credssp_error
cssp_binding_server_value(int version, const uint8_t *nonce, const uint8_t *spk,
                          size_t spk_len, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    uint8_t *buf = NULL;
    size_t len = version < 5 ? spk_len : CSSP_BINDING_HASH_LEN;

    if (out == NULL || len_out == NULL || spk == NULL || spk_len == 0)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *len_out = 0;
    buf = malloc(len);
    if (buf == NULL)
        return CREDSSP_E_NOMEM;
    if (version < 5) {
        memcpy(buf, spk, spk_len);
        buf[0] = (uint8_t)(buf[0] + 1);   /* "adds 1 to the first byte" */
        ret = CREDSSP_OK;
    } else if (nonce == NULL) {
        ret = CREDSSP_E_BAD_NONCE;
    } else {
        ret = binding_hash(server_magic, nonce, spk, spk_len, buf);
    }
    if (ret != CREDSSP_OK) {
        free(buf);
        return ret;
    }
    *out = buf;
    *len_out = len;
    return CREDSSP_OK;
}
