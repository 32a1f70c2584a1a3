/*
 * utf16.c - UTF-16LE <-> UTF-8 for MS-CSSP strings (see utf16.h).
 *
 * MS-CSSP strings are UNICODE_STRINGs: UTF-16LE, no terminator, no BOM.
 * Decoding is done in two passes over the input (measure and validate, then
 * write into a buffer of exactly the right size), so a password is decoded
 * straight into its credssp_secret and never exists anywhere else.
 */
#include <stdlib.h>

#include "secret.h"
#include "utf16.h"

/* Decode one code point at p[*i] (i in bytes); 0 on error (U+0000 is an error too). */
static uint32_t
next_utf16(const uint8_t *p, size_t len, size_t *i)
{
    uint32_t u = (uint32_t)p[*i] | ((uint32_t)p[*i + 1] << 8);
    uint32_t lo;

    *i += 2;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return 0; /* lone low surrogate */
    if (u < 0xD800 || u > 0xDBFF)
        return u; /* BMP; 0 stays 0 (rejected) */
    if (len - *i < 2)
        return 0; /* high surrogate at the end */
    lo = (uint32_t)p[*i] | ((uint32_t)p[*i + 1] << 8);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0; /* high surrogate not followed by a low one */
    *i += 2;
    return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

static size_t
utf8_size(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static void
put_utf8(uint32_t cp, uint8_t *out)
{
    switch (utf8_size(cp)) {
    case 1:
        out[0] = (uint8_t)cp;
        break;
    case 2:
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    case 3:
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    default:
        out[0] = (uint8_t)(0xF0 | (cp >> 18));
        out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (uint8_t)(0x80 | (cp & 0x3F));
        break;
    }
}

/*
 * Pass 1 (out == NULL): validate and return the UTF-8 size in *size_out.
 * Pass 2: write exactly that many bytes to out.
 */
static credssp_error
utf16_convert(const uint8_t *p, size_t len, uint8_t *out, size_t *size_out)
{
    size_t i = 0, n = 0;

    if (size_out != NULL)
        *size_out = 0;
    if (len % 2 != 0 || (p == NULL && len != 0))
        return CREDSSP_E_BAD_STRING;
    while (i < len) {
        uint32_t cp = next_utf16(p, len, &i);

        if (cp == 0)
            return CREDSSP_E_BAD_STRING;
        if (out != NULL)
            put_utf8(cp, out + n);
        n += utf8_size(cp);
    }
    if (size_out != NULL)
        *size_out = n;
    return CREDSSP_OK;
}

credssp_error
cssp_utf16le_to_utf8(const uint8_t *p, size_t len, char **out)
{
    credssp_error ret;
    size_t n = 0;
    uint8_t *s;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    ret = utf16_convert(p, len, NULL, &n);
    if (ret != CREDSSP_OK)
        return ret;
    s = malloc(n + 1);
    if (s == NULL)
        return CREDSSP_E_NOMEM;
    ret = utf16_convert(p, len, s, NULL);
    if (ret != CREDSSP_OK) {
        free(s);
        return ret;
    }
    s[n] = '\0';
    *out = (char *)s;
    return CREDSSP_OK;
}

credssp_error
cssp_utf16le_to_secret(const uint8_t *p, size_t len, credssp_secret_kind kind, credssp_secret **out)
{
    credssp_error ret;
    credssp_secret *s = NULL;
    uint8_t *data = NULL;
    size_t n = 0;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    ret = utf16_convert(p, len, NULL, &n);
    if (ret != CREDSSP_OK)
        return ret;
    /* The secret is allocated zeroed with room for the NUL of text kinds. */
    ret = cssp_secret_alloc(kind, n, &s, &data);
    if (ret != CREDSSP_OK)
        return ret;
    ret = utf16_convert(p, len, data, NULL);
    if (ret != CREDSSP_OK) {
        credssp_secret_free(s);
        return ret;
    }
    *out = s;
    return CREDSSP_OK;
}

/* Decode one UTF-8 sequence at s[*i]; 0 on any invalid or overlong form (and U+0000). */
static uint32_t
next_utf8(const uint8_t *s, size_t len, size_t *i)
{
    uint8_t b = s[(*i)++];
    uint32_t cp, min;
    size_t extra;

    if (b < 0x80)
        return b;
    if (b >= 0xC2 && b <= 0xDF) {
        cp = b & 0x1F;
        extra = 1;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        cp = b & 0x0F;
        extra = 2;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        cp = b & 0x07;
        extra = 3;
        min = 0x10000;
    } else {
        return 0; /* continuation byte, C0/C1 (overlong), F5..FF */
    }
    if (len - *i < extra)
        return 0;
    for (size_t k = 0; k < extra; k++) {
        uint8_t c = s[(*i)++];

        if ((c & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return cp;
}

credssp_error
cssp_utf8_to_utf16le(const char *s, size_t len, struct cssp_writer *w)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;

    if (w == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (!cssp_writer_ok(w))
        return w->err;
    if (s == NULL && len != 0) {
        cssp_writer_fail(w, CREDSSP_E_INVALID_ARG);
        return CREDSSP_E_INVALID_ARG;
    }
    /* Validate everything first: an invalid string writes nothing. */
    while (i < len) {
        if (next_utf8(u, len, &i) == 0) {
            cssp_writer_fail(w, CREDSSP_E_BAD_STRING);
            return CREDSSP_E_BAD_STRING;
        }
    }
    i = 0;
    while (i < len) {
        uint32_t cp = next_utf8(u, len, &i);

        if (cp < 0x10000) {
            cssp_write_u16le(w, (uint16_t)cp);
        } else {
            cp -= 0x10000;
            cssp_write_u16le(w, (uint16_t)(0xD800 | (cp >> 10)));
            cssp_write_u16le(w, (uint16_t)(0xDC00 | (cp & 0x3FF)));
        }
    }
    return w->err;
}
