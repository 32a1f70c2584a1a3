/*
 * handoff.h - the keyring hand-off record (library-internal; see
 * include/credssp_pam.h for the API and docs/KEYRING.md for the layout).
 *
 * A token is 32 random bytes (64 hex digits).  From it are derived
 *   the key description  "credssp:" + 32 hex digits of HMAC-SHA256(token, "credssp handoff v1 name")
 *   the record key       HMAC-SHA256(token, "credssp handoff v1 key")  (AES-256-GCM)
 * so the description, which other processes of the uid can list, reveals
 * neither the token nor the key, and reading the payload is not enough to
 * learn the password: the token is also needed.
 *
 * Record (the key's payload):  "CSSPHO" | u8 format (2) | 12-byte nonce |
 *                              AES-256-GCM(plaintext) | 16-byte tag
 * with the first 7 bytes and the description as associated data.
 * Plaintext (big-endian, written with the secure bounded writer):
 *   u32 created_hi, u32 created_lo  (CLOCK_BOOTTIME seconds)
 *   u32 timeout (seconds, 1..CREDSSP_HANDOFF_TIMEOUT_MAX)
 *   u8 mech, u8 spnego, u8 client_version, u8 binding, u32 cred_type
 *   str user, str domain, str principal, str local_name
 *   u8 secret kind (0 = none) [u16 len, bytes]
 *   smart card only: u32 keySpec, str cardName, str readerName,
 *                    str containerName, str cspName   (added in format 2)
 * where str = u8 present (0/1) [u16 len, UTF-8 bytes without NUL].
 */
#ifndef CSSP_HANDOFF_H
#define CSSP_HANDOFF_H

#include "credssp_pam.h"
#include "internal.h"
#include "result.h"

#define CSSP_HANDOFF_TOKEN_BYTES 32u
#define CSSP_HANDOFF_KEY_BYTES 32u
#define CSSP_HANDOFF_DESC_PREFIX "credssp:"
#define CSSP_HANDOFF_DESC_LEN (sizeof(CSSP_HANDOFF_DESC_PREFIX) - 1 + 32)
#define CSSP_HANDOFF_FORMAT 2
#define CSSP_HANDOFF_MAGIC "CSSPHO"
#define CSSP_HANDOFF_MAX_RECORD 8192u

/* Names and keys derived from one token. */
struct cssp_handoff_keys {
    char desc[CSSP_HANDOFF_DESC_LEN + 1];
    uint8_t key[CSSP_HANDOFF_KEY_BYTES];
};

/* Parse a token (64 hex digits) and derive its description and key. */
CSSP_WUR credssp_error cssp_handoff_derive(const char *token, struct cssp_handoff_keys *out);
/* Seconds of CLOCK_BOOTTIME (the clock of the record's expiry). */
uint64_t cssp_handoff_now(void);
/*
 * Build the encrypted record for result, created at now, valid for
 * timeout_s seconds.  *out is plain heap memory (ciphertext).
 */
CSSP_WUR credssp_error cssp_handoff_seal(const credssp_result *result, uint64_t now,
                                         unsigned timeout_s,
                                         const struct cssp_handoff_keys *keys, uint8_t **out,
                                         size_t *len_out);
/*
 * Decrypt and parse a record, checking format, integrity and that now lies
 * in [created, created + timeout).  *out is a new result.
 */
CSSP_WUR credssp_error cssp_handoff_open(const uint8_t *rec, size_t len, uint64_t now,
                                         const struct cssp_handoff_keys *keys,
                                         credssp_result **out);

#endif /* CSSP_HANDOFF_H */
