/*
 * vectors.c - load the known-answer vectors of tests/data (see vectors.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool
vector_parse(const char *text, uint8_t **out, size_t *len_out)
{
    size_t cap = strlen(text) / 2 + 1, n = 0;
    uint8_t *buf = malloc(cap);
    int hi = -1;

    *out = NULL;
    *len_out = 0;
    if (buf == NULL)
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        int v;

        if (*p == '#') {
            while (p[1] != '\0' && p[1] != '\n')
                p++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (hi >= 0)
                goto bad; /* a lone nibble */
            continue;
        }
        v = hex_value(*p);
        if (v < 0)
            goto bad;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        goto bad;
    *out = buf;
    *len_out = n;
    return true;

bad:
    free(buf);
    return false;
}

/* Read $top_srcdir/<rel> whole; NUL-terminated for text use. */
static bool
read_file(const char *rel, char **out, size_t *len_out)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    char *text = NULL;
    long size;
    FILE *f;
    bool ok = false;

    *out = NULL;
    *len_out = 0;
    if (top == NULL)
        top = ".";
    if (snprintf(path, sizeof(path), "%s/%s", top, rel) >= (int)sizeof(path))
        return false;
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "vectors: cannot open %s (is top_srcdir set?)\n", path);
        return false;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = calloc(1, (size_t)size + 1)) != NULL &&
        fread(text, 1, (size_t)size, f) == (size_t)size) {
        *out = text;
        *len_out = (size_t)size;
        text = NULL;
        ok = true;
    }
    free(text);
    fclose(f);
    return ok;
}

bool
vector_load(const char *name, uint8_t **out, size_t *len_out)
{
    char rel[1024];
    char *text = NULL;
    size_t len;
    bool ok;

    *out = NULL;
    *len_out = 0;
    if (snprintf(rel, sizeof(rel), "tests/data/%s", name) >= (int)sizeof(rel) ||
        !read_file(rel, &text, &len))
        return false;
    ok = vector_parse(text, out, len_out);
    if (!ok)
        fprintf(stderr, "vectors: cannot parse tests/data/%s\n", name);
    free(text);
    return ok;
}

bool
vector_load_seed(const char *dir, const char *hex_name, const char *prefix, uint8_t **out,
                 size_t *len_out)
{
    size_t plen = strlen(prefix), nlen = strlen(hex_name);
    char rel[1024];
    char *data = NULL;

    *out = NULL;
    *len_out = 0;
    if (nlen < plen + 4 || strncmp(hex_name, prefix, plen) != 0 ||
        strcmp(hex_name + nlen - 4, ".hex") != 0)
        return false;
    if (snprintf(rel, sizeof(rel), "tests/fuzz/corpus/%s/%.*s", dir, (int)(nlen - plen - 4),
                 hex_name + plen) >= (int)sizeof(rel) ||
        !read_file(rel, &data, len_out))
        return false;
    *out = (uint8_t *)data;
    return true;
}
