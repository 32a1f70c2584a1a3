/*
 * tsrequest.h - TSRequest and NegoData (MS-CSSP 2.2.1, 2.2.1.1).
 *
 *   TSRequest ::= SEQUENCE {
 *      version     [0] INTEGER,
 *      negoTokens  [1] NegoData      OPTIONAL,
 *      authInfo    [2] OCTET STRING  OPTIONAL,
 *      pubKeyAuth  [3] OCTET STRING  OPTIONAL,
 *      errorCode   [4] INTEGER       OPTIONAL,
 *      clientNonce [5] OCTET STRING  OPTIONAL }
 *   NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *
 * Decoding returns views into the input buffer (no copies).  NegoData must
 * hold exactly one item (every real client sends one; more is
 * CREDSSP_E_UNEXPECTED, none is CREDSSP_E_BAD_LENGTH).  Fields in tag order,
 * unknown tags rejected (der.h rule).  clientNonce is returned with any
 * length; the engine checks it is 32 bytes.
 */
#ifndef CSSP_TSREQUEST_H
#define CSSP_TSREQUEST_H

#include "internal.h"

struct cssp_ts_request {
    uint32_t version;            /* 1..255 accepted by the decoder */
    const uint8_t *nego_token;   /* NULL when negoTokens absent */
    size_t nego_token_len;
    const uint8_t *auth_info;
    size_t auth_info_len;
    const uint8_t *pub_key_auth;
    size_t pub_key_auth_len;
    bool has_error_code;
    uint32_t error_code;         /* NTSTATUS */
    const uint8_t *client_nonce;
    size_t client_nonce_len;
};

/*
 * Length of the complete DER TSRequest at the start of buf: 0 if more bytes
 * are needed, or an error (bad outer tag / length form / over max).  Used to
 * reassemble TSRequests split across TLS records.  Only the forms FreeRDP's
 * framer accepts, in minimal DER: 30 LL, 30 81 LL (LL >= 0x80), 30 82 LL LL
 * (>= 0x100).  Not 0x30: BAD_TAG; 30 80 and 30 85..ff, or a non-minimal
 * length: BAD_LENGTH; 30 83 / 30 84 or a frame longer than max: TOO_LARGE.
 */
CSSP_WUR credssp_error cssp_ts_request_frame(const uint8_t *buf, size_t len, size_t max,
                                             size_t *frame_len_out);
/* Decode exactly one TSRequest occupying all of buf. */
CSSP_WUR credssp_error cssp_ts_request_decode(const uint8_t *buf, size_t len,
                                              struct cssp_ts_request *out);
/*
 * The same with interop tolerances (CSSP_READ_BER_LENGTHS of buf.h; the engine
 * uses it only for clients announcing version 2-4, see docs/INTEROP.md).
 */
CSSP_WUR credssp_error cssp_ts_request_frame_flags(const uint8_t *buf, size_t len, size_t max,
                                                   unsigned flags, size_t *frame_len_out);
CSSP_WUR credssp_error cssp_ts_request_decode_flags(const uint8_t *buf, size_t len,
                                                    unsigned flags,
                                                    struct cssp_ts_request *out);
/* Encode (fields with NULL pointers / has_error_code=false are omitted). */
CSSP_WUR credssp_error cssp_ts_request_encode(const struct cssp_ts_request *req,
                                              uint8_t **out, size_t *len_out);

#endif /* CSSP_TSREQUEST_H */
