/*
 * nthash.c - the NT hash: MS-NLMP 3.3.1 NTOWFv1, MD4(UTF-16LE(password)).
 *
 * MD4 lives in OpenSSL 3's "legacy" provider.  It is loaded into a private
 * OSSL_LIB_CTX for the duration of one call, so the process-wide default
 * provider set is never changed.  The UTF-16LE form of the password is built
 * in a secure writer (wiped when dropped); OpenSSL wipes its digest state.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "buf.h"
#include "secret.h"
#include "utf16.h"

#define NT_HASH_LEN 16u

/* MD4 of p[0..n) through a private library context holding the legacy provider. */
static credssp_error
md4_legacy(const uint8_t *p, size_t n, uint8_t out[NT_HASH_LEN])
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    OSSL_LIB_CTX *lib = NULL;
    OSSL_PROVIDER *legacy = NULL;
    EVP_MD *md = NULL;
    unsigned int out_len = 0;

    lib = OSSL_LIB_CTX_new();
    if (lib == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    legacy = OSSL_PROVIDER_load(lib, "legacy");
    md = legacy != NULL ? EVP_MD_fetch(lib, "MD4", NULL) : NULL;
    if (md == NULL) {
        ret = CREDSSP_E_CRYPTO; /* legacy provider (ossl-modules/legacy.so) missing */
        goto cleanup;
    }
    if (EVP_Digest(p, n, out, &out_len, md, NULL) != 1 || out_len != NT_HASH_LEN) {
        OPENSSL_cleanse(out, NT_HASH_LEN);
        ret = CREDSSP_E_CRYPTO;
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    EVP_MD_free(md);
    if (legacy != NULL)
        OSSL_PROVIDER_unload(legacy);
    OSSL_LIB_CTX_free(lib);
    return ret;
}

/*
 * NT hash of a UTF-8 password.  Invalid UTF-8 and an embedded NUL (which
 * every C consumer of the password would truncate) are CREDSSP_E_BAD_STRING;
 * more than CSSP_MAX_SECRET_BYTES of UTF-16 is CREDSSP_E_TOO_LARGE.
 */
CREDSSP_API credssp_error
credssp_nt_hash(const char *password_utf8, size_t len, credssp_secret **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_writer w;
    credssp_secret *s = NULL;
    uint8_t *digest = NULL;

    cssp_writer_init(&w, CSSP_MAX_SECRET_BYTES, true);
    if (out == NULL || (password_utf8 == NULL && len != 0)) {
        ret = CREDSSP_E_INVALID_ARG;
        goto cleanup;
    }
    *out = NULL;
    if (len != 0 && memchr(password_utf8, 0, len) != NULL) {
        ret = CREDSSP_E_BAD_STRING;
        goto cleanup;
    }
    if (len != 0) {
        ret = cssp_utf8_to_utf16le(password_utf8, len, &w);
        if (ret != CREDSSP_OK)
            goto cleanup;
        if (!cssp_writer_ok(&w)) {
            ret = w.err;
            goto cleanup;
        }
    }
    ret = cssp_secret_alloc(CREDSSP_SECRET_NT_HASH, NT_HASH_LEN, &s, &digest);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = md4_legacy(w.len != 0 ? w.buf : (const uint8_t *)"", w.len, digest);
    if (ret != CREDSSP_OK)
        goto cleanup;
    *out = s;
    s = NULL;
    ret = CREDSSP_OK;

cleanup:
    cssp_writer_release(&w);
    credssp_secret_free(s);
    return ret;
}
