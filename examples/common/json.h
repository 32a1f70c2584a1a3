/*
 * json.h - a tiny JSON object writer for one-line reports (RFC 8259).
 *
 * Strings are escaped for RFC 8259 section 7: quote, backslash and every
 * control character are escaped, and bytes that are not valid UTF-8 (RFC 3629:
 * overlong forms, surrogates, values above U+10FFFF, stray continuation
 * bytes) are replaced by U+FFFD, so the output is always valid JSON in valid
 * UTF-8 whatever a client sent.  Built on the bounded writer (base/buf.h).
 */
#ifndef CSSP_EXAMPLE_JSON_H
#define CSSP_EXAMPLE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSON_MAX_LINE 16384u

struct json {
    struct cssp_writer w;
    bool need_comma;
};

/* Start an object "{" with a hard cap of max bytes for the whole text. */
void json_begin(struct json *j, size_t max);
/* "key": "value" (null when value is NULL). */
void json_str(struct json *j, const char *key, const char *value);
/* "key": "value" from len raw bytes (escaped, invalid UTF-8 replaced). */
void json_strn(struct json *j, const char *key, const void *value, size_t len);
/* "key": integer */
void json_int(struct json *j, const char *key, long long value);
/* "key": true/false, or null when value < 0. */
void json_bool(struct json *j, const char *key, int value);
/* "key": null */
void json_null(struct json *j, const char *key);
/* Close the object with "}\n" and hand out the NUL-terminated text (free()). */
credssp_error json_end(struct json *j, char **text_out, size_t *len_out);

/* Append s (len bytes) to w as a quoted, escaped JSON string. */
void json_write_string(struct cssp_writer *w, const void *s, size_t len);
/*
 * Append untrusted text to a log line by the same rule, without quotes:
 * control characters and DEL as \n, \t, \u00XX, ill-formed UTF-8 bytes as
 * \ufffd, '"' and '\\' as they are.  The front ends' one log sanitiser
 * (reports, and the library's audit lines in frontend_log_stderr).
 */
void json_write_text(struct cssp_writer *w, const void *s, size_t len);

/*
 * The human one-line form of a report: " key=value".  _str quotes and
 * escapes client-controlled strings like JSON; _word writes a value the
 * program produced itself.  NULL values are skipped.
 */
void json_human_str(struct cssp_writer *w, const char *key, const char *value);
void json_human_word(struct cssp_writer *w, const char *key, const char *value);

/*
 * Emit a finished report: json_print closes the object and writes it as one
 * line on stdout; json_human_print ends the human line w holds and writes it
 * on stderr.  A report too large for its cap becomes "PROG: report for PEER
 * too large to print" on stderr instead.
 */
void json_print(struct json *j, const char *prog, const char *peer);
void json_human_print(struct cssp_writer *w, const char *prog, const char *peer);

#endif /* CSSP_EXAMPLE_JSON_H */
