/*
 * json.c - one-line JSON objects for the front ends' per-connection reports,
 * and the one rule for untrusted text in any log line (json_write_text).
 *
 * RFC 8259 (JSON) section 7 for string escaping, RFC 3629 section 4 for the
 * UTF-8 well-formedness rules.  Input bytes are walked with the bounded
 * reader; output goes through the capped writer, so an over-long report
 * becomes an error, never an overflow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/*
 * Length of the well-formed UTF-8 sequence at the reader (1..4), or 0 if the
 * bytes there are not one (RFC 3629 section 4 table).  Does not consume.
 */
static size_t
utf8_sequence_len(const struct cssp_reader *r)
{
    struct cssp_reader p = *r;
    uint8_t b0 = cssp_read_u8(&p);
    uint8_t lo = 0x80, hi = 0xBF;
    size_t need;

    if (b0 < 0x80)
        return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0)
            lo = 0xA0;                  /* no overlongs */
        else if (b0 == 0xED)
            hi = 0x9F;                  /* no UTF-16 surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0)
            lo = 0x90;                  /* no overlongs */
        else if (b0 == 0xF4)
            hi = 0x8F;                  /* nothing above U+10FFFF */
    } else {
        return 0;                       /* C0, C1, F5..FF, stray continuation */
    }
    if (p.left < need)
        return 0;
    for (size_t i = 0; i < need; i++) {
        uint8_t c = cssp_read_u8(&p);

        if (c < lo || c > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Escape one ASCII byte (RFC 8259 section 7); quote and backslash only when quoted. */
static void
write_ascii(struct cssp_writer *w, uint8_t c, bool quoted)
{
    static const char hex[] = "0123456789abcdef";

    if (!quoted && (c == '"' || c == '\\')) {
        cssp_write_u8(w, c);
        return;
    }
    switch (c) {
    case '"':
        cssp_write_bytes(w, "\\\"", 2);
        return;
    case '\\':
        cssp_write_bytes(w, "\\\\", 2);
        return;
    case '\n':
        cssp_write_bytes(w, "\\n", 2);
        return;
    case '\r':
        cssp_write_bytes(w, "\\r", 2);
        return;
    case '\t':
        cssp_write_bytes(w, "\\t", 2);
        return;
    default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0x0F] };

        cssp_write_bytes(w, esc, sizeof(esc));
        return;
    }
    cssp_write_u8(w, c);
}

/* The one rule for untrusted text: escaped controls, invalid UTF-8 as U+FFFD. */
static void
write_escaped(struct cssp_writer *w, const void *s, size_t len, bool quoted)
{
    struct cssp_reader r;

    cssp_reader_init(&r, s, s != NULL ? len : 0);
    while (r.left > 0 && cssp_writer_ok(w)) {
        size_t n = utf8_sequence_len(&r);

        if (n == 0) {
            (void)cssp_read_u8(&r);
            cssp_write_bytes(w, "\\ufffd", 6);
        } else if (n == 1) {
            write_ascii(w, cssp_read_u8(&r), quoted);
        } else {
            const uint8_t *seq = cssp_read_bytes(&r, n);

            if (seq != NULL)
                cssp_write_bytes(w, seq, n);
        }
    }
}

/* Append a quoted JSON string; invalid UTF-8 bytes become U+FFFD one by one. */
void
json_write_string(struct cssp_writer *w, const void *s, size_t len)
{
    cssp_write_u8(w, '"');
    write_escaped(w, s, len, true);
    cssp_write_u8(w, '"');
}

/* Untrusted text inside a log line: the same rule, no quotes around it. */
void
json_write_text(struct cssp_writer *w, const void *s, size_t len)
{
    write_escaped(w, s, len, false);
}

/* Start an object. */
void
json_begin(struct json *j, size_t max)
{
    cssp_writer_init(&j->w, max, false);
    j->need_comma = false;
    cssp_write_u8(&j->w, '{');
}

/* Write the separator and the quoted key. */
static void
write_key(struct json *j, const char *key)
{
    if (j->need_comma)
        cssp_write_u8(&j->w, ',');
    j->need_comma = true;
    json_write_string(&j->w, key, strlen(key));
    cssp_write_u8(&j->w, ':');
}

/* "key": "value" or null. */
void
json_str(struct json *j, const char *key, const char *value)
{
    if (value == NULL) {
        json_null(j, key);
        return;
    }
    json_strn(j, key, value, strlen(value));
}

/* "key": "value" from raw bytes. */
void
json_strn(struct json *j, const char *key, const void *value, size_t len)
{
    write_key(j, key);
    json_write_string(&j->w, value, len);
}

/* "key": integer */
void
json_int(struct json *j, const char *key, long long value)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", value);

    write_key(j, key);
    if (n < 0 || (size_t)n >= sizeof(num)) {
        cssp_writer_fail(&j->w, CREDSSP_E_INTERNAL);
        return;
    }
    cssp_write_bytes(&j->w, num, (size_t)n);
}

/* "key": true / false / null */
void
json_bool(struct json *j, const char *key, int value)
{
    if (value < 0) {
        json_null(j, key);
        return;
    }
    write_key(j, key);
    if (value)
        cssp_write_bytes(&j->w, "true", 4);
    else
        cssp_write_bytes(&j->w, "false", 5);
}

/* "key": null */
void
json_null(struct json *j, const char *key)
{
    write_key(j, key);
    cssp_write_bytes(&j->w, "null", 4);
}

/* Close the object, add the newline and a NUL, hand the text out. */
credssp_error
json_end(struct json *j, char **text_out, size_t *len_out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    credssp_error ret;

    *text_out = NULL;
    *len_out = 0;
    cssp_write_bytes(&j->w, "}\n", 2);
    cssp_write_u8(&j->w, '\0');
    ret = cssp_writer_take(&j->w, &buf, &len);
    if (ret != CREDSSP_OK)
        return ret;
    *text_out = (char *)buf;
    *len_out = len - 1;                     /* without the NUL */
    return CREDSSP_OK;
}

/* " key=" and then the value, quoted and escaped like a JSON string. */
void
json_human_str(struct cssp_writer *w, const char *key, const char *value)
{
    if (value == NULL)
        return;
    cssp_write_u8(w, ' ');
    cssp_write_bytes(w, key, strlen(key));
    cssp_write_u8(w, '=');
    json_write_string(w, value, strlen(value));
}

/* " key=" and then the value as is (words the program produces itself). */
void
json_human_word(struct cssp_writer *w, const char *key, const char *value)
{
    if (value == NULL)
        return;
    cssp_write_u8(w, ' ');
    cssp_write_bytes(w, key, strlen(key));
    cssp_write_u8(w, '=');
    cssp_write_bytes(w, value, strlen(value));
}

/* The complaint for a report that outgrew its cap. */
static void
too_large(const char *prog, const char *peer)
{
    fprintf(stderr, "%s: report for %s too large to print\n", prog, peer);
}

void
json_print(struct json *j, const char *prog, const char *peer)
{
    char *text = NULL;
    size_t len = 0;

    if (json_end(j, &text, &len) != CREDSSP_OK) {
        too_large(prog, peer);
        return;
    }
    (void)fwrite(text, 1, len, stdout);
    (void)fflush(stdout);
    free(text);
}

void
json_human_print(struct cssp_writer *w, const char *prog, const char *peer)
{
    uint8_t *text = NULL;
    size_t len = 0;

    cssp_write_u8(w, '\n');
    if (cssp_writer_take(w, &text, &len) != CREDSSP_OK) {
        too_large(prog, peer);
        return;
    }
    (void)fwrite(text, 1, len, stderr);
    free(text);
}
