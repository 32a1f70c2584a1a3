/*
 * utf16.h - UTF-16LE <-> UTF-8 for MS-CSSP strings (UNICODE_STRING, no NUL).
 *
 * Decoding rejects odd lengths, unpaired surrogates and U+0000 with
 * CREDSSP_E_BAD_STRING.  Encoding rejects invalid UTF-8 (overlong forms,
 * surrogates, > U+10FFFF).
 */
#ifndef CSSP_UTF16_H
#define CSSP_UTF16_H

#include "buf.h"

/* Newly allocated NUL-terminated UTF-8 string. */
CSSP_WUR credssp_error cssp_utf16le_to_utf8(const uint8_t *p, size_t len, char **out);
/* Decode straight into a new secret of the given kind (no intermediate copy). */
CSSP_WUR credssp_error cssp_utf16le_to_secret(const uint8_t *p, size_t len,
                                              credssp_secret_kind kind,
                                              credssp_secret **out);
/* Append the UTF-16LE form of s[0..len) to w. */
CSSP_WUR credssp_error cssp_utf8_to_utf16le(const char *s, size_t len, struct cssp_writer *w);

#endif /* CSSP_UTF16_H */
