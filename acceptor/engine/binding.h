/*
 * binding.h - the pubKeyAuth binding of the SPNEGO keys to the TLS key
 * (MS-CSSP 3.1.5, docs/PROTOCOL.md §2).
 */
#ifndef CSSP_BINDING_H
#define CSSP_BINDING_H

#include <openssl/x509.h>

#include "internal.h"

#define CSSP_BINDING_HASH_LEN 32

/* Copy of the SubjectPublicKey BIT STRING contents (no unused-bits octet). */
CSSP_WUR credssp_error cssp_binding_spk_from_x509(const X509 *cert, uint8_t **out,
                                                  size_t *len_out);
CSSP_WUR credssp_error cssp_binding_spk_from_der(const uint8_t *der, size_t len,
                                                 uint8_t **out, size_t *len_out);
/*
 * Check the client's unwrapped pubKeyAuth: v5+ SHA-256(client magic || nonce
 * || spk), v2-4 the spk itself.  Constant-time; CREDSSP_E_BINDING on mismatch.
 */
CSSP_WUR credssp_error cssp_binding_verify_client(int version, const uint8_t *nonce,
                                                  const uint8_t *spk, size_t spk_len,
                                                  const uint8_t *got, size_t got_len);
/*
 * The server's pubKeyAuth plaintext: v5+ SHA-256(server magic || nonce || spk),
 * v2-4 spk with byte 0 incremented.  Freed with free().
 */
CSSP_WUR credssp_error cssp_binding_server_value(int version, const uint8_t *nonce,
                                                 const uint8_t *spk, size_t spk_len,
                                                 uint8_t **out, size_t *len_out);

#endif /* CSSP_BINDING_H */
