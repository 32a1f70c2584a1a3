/*
 * tsrequest.c - TSRequest and NegoData, MS-CSSP 2.2.1 and 2.2.1.1 (see tsrequest.h).
 *
 * Fields are read in tag order [0]..[5]; an unknown, repeated or
 * out-of-order tag is CREDSSP_E_BAD_TAG (der.h).  Decoded fields are views
 * into the caller's buffer.
 */
#include <string.h>

#include "der.h"
#include "tsrequest.h"

#define TSREQ_MIN_VERSION 1
#define TSREQ_MAX_VERSION 255
/* Contents of the outer SEQUENCE: 30 82 LL LL is the longest framing. */
#define TSREQ_MAX_CONTENT (CSSP_MAX_TSREQUEST - 4)

credssp_error
cssp_ts_request_frame(const uint8_t *buf, size_t len, size_t max, size_t *frame_len_out)
{
    return cssp_ts_request_frame_flags(buf, len, max, 0, frame_len_out);
}

credssp_error
cssp_ts_request_frame_flags(const uint8_t *buf, size_t len, size_t max, unsigned flags,
                            size_t *frame_len_out)
{
    bool ber = (flags & CSSP_READ_BER_LENGTHS) != 0;

    size_t hdr, content;

    if (frame_len_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *frame_len_out = 0;
    if (buf == NULL && len != 0)
        return CREDSSP_E_INVALID_ARG;
    if (len < 1)
        return CREDSSP_OK;
    if (buf[0] != CSSP_DER_SEQUENCE)
        return CREDSSP_E_BAD_TAG;
    if (len < 2)
        return CREDSSP_OK;
    /* The forms FreeRDP's framer accepts, and only in minimal DER. */
    switch (buf[1]) {
    case 0x81:
        if (len < 3)
            return CREDSSP_OK;
        hdr = 3;
        content = buf[2];
        if (content < 0x80 && !ber)
            return CREDSSP_E_BAD_LENGTH;
        break;
    case 0x82:
        if (len < 4)
            return CREDSSP_OK;
        hdr = 4;
        content = ((size_t)buf[2] << 8) | buf[3];
        if (content < 0x100 && !ber)
            return CREDSSP_E_BAD_LENGTH;
        break;
    case 0x83:
    case 0x84:
        /* Minimal 3- and 4-octet lengths are at least 65536. */
        return CREDSSP_E_TOO_LARGE;
    default:
        if (buf[1] >= 0x80) /* indefinite, or a length of length over 4 */
            return CREDSSP_E_BAD_LENGTH;
        hdr = 2;
        content = buf[1];
        break;
    }
    if (hdr + content > max)
        return CREDSSP_E_TOO_LARGE;
    if (len >= hdr + content)
        *frame_len_out = hdr + content;
    return CREDSSP_OK;
}

/* negoTokens [1] NegoData: exactly one NegoDataItem { negoToken [0] OCTET STRING }. */
static bool
read_nego_data(struct cssp_reader *seq, struct cssp_ts_request *out)
{
    struct cssp_reader wrap, list, item;

    cssp_der_read_tlv(seq, CSSP_DER_CTX(1), SIZE_MAX, &wrap);
    cssp_der_read_tlv(&wrap, CSSP_DER_SEQUENCE, SIZE_MAX, &list);
    if (cssp_reader_ok(&list) && list.left == 0)
        cssp_reader_fail(&list, CREDSSP_E_BAD_LENGTH); /* no item */
    cssp_der_read_tlv(&list, CSSP_DER_SEQUENCE, SIZE_MAX, &item);
    cssp_der_read_explicit_octets(&item, 0, CSSP_MAX_TOKEN, &out->nego_token, &out->nego_token_len);
    cssp_der_seq_end(&item);
    cssp_reader_merge(&list, &item);
    if (cssp_reader_ok(&list) && list.left != 0) {
        /* A second NegoDataItem: no client sends one, none is accepted. */
        cssp_reader_fail(&list, cssp_der_peek_tag(&list) == CSSP_DER_SEQUENCE ? CREDSSP_E_UNEXPECTED
                                                                              : CREDSSP_E_BAD_TAG);
    }
    cssp_reader_merge(&wrap, &list);
    cssp_reader_end(&wrap);
    return cssp_reader_merge(seq, &wrap);
}

credssp_error
cssp_ts_request_decode(const uint8_t *buf, size_t len, struct cssp_ts_request *out)
{
    return cssp_ts_request_decode_flags(buf, len, 0, out);
}

credssp_error
cssp_ts_request_decode_flags(const uint8_t *buf, size_t len, unsigned flags,
                             struct cssp_ts_request *out)
{
    struct cssp_reader r, seq, wrap;
    int64_t version = 0;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (buf == NULL && len != 0)
        return CREDSSP_E_INVALID_ARG;
    if (len > CSSP_MAX_TSREQUEST)
        return CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, buf, len);
    r.flags = flags & CSSP_READ_BER_LENGTHS;
    cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, TSREQ_MAX_CONTENT, &seq);

    /* version [0]: required, 1..255. */
    if (cssp_reader_ok(&seq) && cssp_der_peek_tag(&seq) != CSSP_DER_CTX(0))
        cssp_reader_fail(&seq, CREDSSP_E_BAD_VERSION);
    if (cssp_der_read_explicit_int(&seq, 0, INT64_MIN, INT64_MAX, &version) &&
        (version < TSREQ_MIN_VERSION || version > TSREQ_MAX_VERSION))
        cssp_reader_fail(&seq, CREDSSP_E_BAD_VERSION);
    out->version = (uint32_t)version;

    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(1))
        read_nego_data(&seq, out);
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(2))
        cssp_der_read_explicit_octets(&seq, 2, CSSP_MAX_TOKEN, &out->auth_info,
                                      &out->auth_info_len);
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(3))
        cssp_der_read_explicit_octets(&seq, 3, CSSP_MAX_TOKEN, &out->pub_key_auth,
                                      &out->pub_key_auth_len);
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(4)) {
        cssp_der_read_tlv(&seq, CSSP_DER_CTX(4), SIZE_MAX, &wrap);
        out->has_error_code = cssp_der_read_ntstatus(&wrap, &out->error_code);
        cssp_reader_end(&wrap);
        cssp_reader_merge(&seq, &wrap);
    }
    if (cssp_der_peek_tag(&seq) == CSSP_DER_CTX(5))
        cssp_der_read_explicit_octets(&seq, 5, CSSP_MAX_TOKEN, &out->client_nonce,
                                      &out->client_nonce_len);
    cssp_der_seq_end(&seq);
    cssp_reader_merge(&r, &seq);
    cssp_reader_end(&r);
    if (!cssp_reader_ok(&r)) {
        memset(out, 0, sizeof(*out));
        return r.err;
    }
    return CREDSSP_OK;
}

/* A present field must fit its cap; a NULL pointer with a length is a caller bug. */
static credssp_error
check_field(const uint8_t *p, size_t len)
{
    if (p == NULL)
        return len == 0 ? CREDSSP_OK : CREDSSP_E_INVALID_ARG;
    return len <= CSSP_MAX_TOKEN ? CREDSSP_OK : CREDSSP_E_TOO_LARGE;
}

static credssp_error
check_fields(const struct cssp_ts_request *req)
{
    credssp_error ret = check_field(req->nego_token, req->nego_token_len);

    if (ret == CREDSSP_OK)
        ret = check_field(req->auth_info, req->auth_info_len);
    if (ret == CREDSSP_OK)
        ret = check_field(req->pub_key_auth, req->pub_key_auth_len);
    if (ret == CREDSSP_OK)
        ret = check_field(req->client_nonce, req->client_nonce_len);
    return ret;
}

credssp_error
cssp_ts_request_encode(const struct cssp_ts_request *req, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    struct cssp_writer w;
    size_t seq, a, b, c;

    if (out == NULL || len_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *len_out = 0;
    if (req == NULL)
        return CREDSSP_E_INVALID_ARG;
    ret = check_fields(req);
    if (ret != CREDSSP_OK)
        return ret;
    /* The outer length must fit FreeRDP's framer: 30 82 LL LL at most. */
    cssp_writer_init(&w, CSSP_MAX_TSREQUEST, false);
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, req->version);
    if (req->nego_token != NULL) {
        a = cssp_der_begin(&w, CSSP_DER_CTX(1));
        b = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        c = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
        cssp_der_write_explicit_octets(&w, 0, req->nego_token, req->nego_token_len);
        cssp_der_end(&w, c);
        cssp_der_end(&w, b);
        cssp_der_end(&w, a);
    }
    if (req->auth_info != NULL)
        cssp_der_write_explicit_octets(&w, 2, req->auth_info, req->auth_info_len);
    if (req->pub_key_auth != NULL)
        cssp_der_write_explicit_octets(&w, 3, req->pub_key_auth, req->pub_key_auth_len);
    if (req->has_error_code) {
        a = cssp_der_begin(&w, CSSP_DER_CTX(4));
        cssp_der_write_ntstatus(&w, req->error_code);
        cssp_der_end(&w, a);
    }
    if (req->client_nonce != NULL)
        cssp_der_write_explicit_octets(&w, 5, req->client_nonce, req->client_nonce_len);
    cssp_der_end(&w, seq);
    return cssp_writer_take(&w, out, len_out);
}
