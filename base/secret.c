/*
 * secret.c - the one wiping container for passwords, PINs, NT hashes and keys.
 *
 * Contents are wiped with OPENSSL_cleanse on reset and free; comparison is
 * constant-time (CRYPTO_memcmp).  The struct is opaque and no function
 * formats its contents: a secret cannot reach a log by accident.
 * (Model: SSSD sss_authtok, MIT zapfree, OpenSSH freezero.)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "secret.h"

struct credssp_secret {
    credssp_secret_kind kind;
    size_t len;       /* bytes of content (without the NUL of text kinds) */
    size_t alloc;     /* bytes allocated for data */
    uint8_t *data;
};

static bool
kind_valid(credssp_secret_kind kind)
{
    return kind >= CREDSSP_SECRET_PASSWORD && kind <= CREDSSP_SECRET_BLOB;
}

static bool
kind_is_text(credssp_secret_kind kind)
{
    return kind == CREDSSP_SECRET_PASSWORD || kind == CREDSSP_SECRET_PIN;
}

credssp_error
cssp_secret_alloc(credssp_secret_kind kind, size_t len, credssp_secret **out,
                  uint8_t **data_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    credssp_secret *s = NULL;

    if (out == NULL || data_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *data_out = NULL;
    if (!kind_valid(kind) || len > (1u << 24) ||
        (kind == CREDSSP_SECRET_NT_HASH && len != 16)) {
        ret = CREDSSP_E_INVALID_ARG;
        goto cleanup;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    s->kind = kind;
    s->len = len;
    s->alloc = len + 1;      /* room for the NUL of text kinds; never 0 */
    s->data = calloc(1, s->alloc);
    if (s->data == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    *data_out = s->data;
    *out = s;
    s = NULL;
    ret = CREDSSP_OK;

cleanup:
    credssp_secret_free(s);
    return ret;
}

CREDSSP_API credssp_error
credssp_secret_new(credssp_secret_kind kind, const void *data, size_t len,
                   credssp_secret **out)
{
    credssp_error ret;
    credssp_secret *s = NULL;
    uint8_t *p = NULL;

    if (out == NULL || (data == NULL && len != 0))
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    /* Text kinds must not hide an embedded NUL: C consumers would truncate. */
    if (kind_is_text(kind) && len != 0 && memchr(data, 0, len) != NULL)
        return CREDSSP_E_BAD_STRING;
    ret = cssp_secret_alloc(kind, len, &s, &p);
    if (ret != CREDSSP_OK)
        return ret;
    if (len != 0)
        memcpy(p, data, len);
    *out = s;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_secret_dup(const credssp_secret *s, credssp_secret **out)
{
    if (s == NULL)
        return CREDSSP_E_INVALID_ARG;
    return credssp_secret_new(s->kind, s->data, s->len, out);
}

CREDSSP_API credssp_secret_kind
credssp_secret_get_kind(const credssp_secret *s)
{
    return s != NULL ? s->kind : 0;
}

CREDSSP_API size_t
credssp_secret_len(const credssp_secret *s)
{
    return s != NULL ? s->len : 0;
}

CREDSSP_API const unsigned char *
credssp_secret_data(const credssp_secret *s)
{
    return s != NULL ? s->data : NULL;
}

CREDSSP_API int
credssp_secret_equal(const credssp_secret *a, const credssp_secret *b)
{
    if (a == NULL || b == NULL || a->kind != b->kind || a->len != b->len)
        return 0;
    if (a->len == 0)
        return 1;
    return CRYPTO_memcmp(a->data, b->data, a->len) == 0;
}

CREDSSP_API void
credssp_secret_reset(credssp_secret *s)
{
    if (s == NULL || s->data == NULL)
        return;
    OPENSSL_cleanse(s->data, s->alloc);
    s->len = 0;
}

CREDSSP_API void
credssp_secret_free(credssp_secret *s)
{
    if (s == NULL)
        return;
    if (s->data != NULL) {
        OPENSSL_cleanse(s->data, s->alloc);
        free(s->data);
    }
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}
