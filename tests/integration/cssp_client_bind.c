/*
 * cssp_client_bind.c - the pubKeyAuth values as a client computes and checks
 * them (MS-CSSP 3.1.5, docs/PROTOCOL.md §2.2), written independently of the
 * library's binding.c so the loopback test cross-checks it:
 *   v5+: SHA-256(magic incl. NUL (38 bytes) || clientNonce || SubjectPublicKey)
 *   v2-4: the SubjectPublicKey itself; the server answers with byte 0 + 1.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cssp_client_int.h"

static const char client_magic[] = "CredSSP Client-To-Server Binding Hash";
static const char server_magic[] = "CredSSP Server-To-Client Binding Hash";

/* SHA-256(magic || nonce || spk) with the magic's NUL included. */
static credssp_error
hash3(const char *magic, const uint8_t *nonce, size_t nonce_len, const uint8_t *spk, size_t spk_len,
      uint8_t **out, size_t *len_out)
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t *h = malloc(32);
    unsigned int hl = 0;

    if (md == NULL || h == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(md, magic, strlen(magic) + 1) != 1 ||
        (nonce_len != 0 && EVP_DigestUpdate(md, nonce, nonce_len) != 1) ||
        EVP_DigestUpdate(md, spk, spk_len) != 1 || EVP_DigestFinal_ex(md, h, &hl) != 1 || hl != 32)
        goto cleanup;
    *out = h;
    *len_out = 32;
    h = NULL;
    ret = CREDSSP_OK;

cleanup:
    free(h);
    EVP_MD_CTX_free(md);
    return ret;
}

/* A malloc'ed copy of spk, with byte 0 incremented when bump. */
static credssp_error
copy_spk(const uint8_t *spk, size_t spk_len, bool bump, uint8_t **out, size_t *len_out)
{
    uint8_t *p;

    if (spk_len == 0)
        return CREDSSP_E_INVALID_ARG;
    p = malloc(spk_len);
    if (p == NULL)
        return CREDSSP_E_NOMEM;
    memcpy(p, spk, spk_len);
    if (bump)
        p[0] = (uint8_t)(p[0] + 1);
    *out = p;
    *len_out = spk_len;
    return CREDSSP_OK;
}

/* What the client wraps into its pubKeyAuth. */
credssp_error
cli_bind_client_value(int version, const uint8_t *nonce, size_t nonce_len, const uint8_t *spk,
                      size_t spk_len, uint8_t **out, size_t *len_out)
{
    if (version >= 5)
        return hash3(client_magic, nonce, nonce_len, spk, spk_len, out, len_out);
    return copy_spk(spk, spk_len, false, out, len_out);
}

/* What the server's pubKeyAuth must unwrap to. */
credssp_error
cli_bind_server_value(int version, const uint8_t *nonce, size_t nonce_len, const uint8_t *spk,
                      size_t spk_len, uint8_t **out, size_t *len_out)
{
    if (version >= 5)
        return hash3(server_magic, nonce, nonce_len, spk, spk_len, out, len_out);
    return copy_spk(spk, spk_len, true, out, len_out);
}
