/*
 * roundtrip.c - decode / re-encode property of the codec (see roundtrip.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "roundtrip.h"
#include "tscred.h"
#include "tsrequest.h"

/* The only TSCredentials whose value has two accepted encodings. */
static const uint8_t restricted_admin_empty_seq[] = {0x30, 0x0b, 0xa0, 0x03, 0x02, 0x01, 0x01,
                                                     0xa1, 0x04, 0x04, 0x02, 0x30, 0x00};

const char *
rt_result_name(enum rt_result r)
{
    static const char *const names[] = {"rejected",      "accepted",     "accepted_alt_form",
                                        "bad_error",     "dirty_output", "bad_view",
                                        "encode_failed", "mismatch"};

    return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

static int
all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0)
            return 0;
    }
    return 1;
}

static int
view_inside(const uint8_t *v, size_t vlen, const uint8_t *buf, size_t len)
{
    if (v == NULL)
        return vlen == 0;
    return v >= buf && v <= buf + len && vlen <= (size_t)(buf + len - v);
}

static int
same_field(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    if ((a == NULL) != (b == NULL) || alen != blen)
        return 0;
    return alen == 0 || memcmp(a, b, alen) == 0;
}

static int
same_request(const struct cssp_ts_request *a, const struct cssp_ts_request *b)
{
    return a->version == b->version && a->has_error_code == b->has_error_code &&
           a->error_code == b->error_code &&
           same_field(a->nego_token, a->nego_token_len, b->nego_token, b->nego_token_len) &&
           same_field(a->auth_info, a->auth_info_len, b->auth_info, b->auth_info_len) &&
           same_field(a->pub_key_auth, a->pub_key_auth_len, b->pub_key_auth, b->pub_key_auth_len) &&
           same_field(a->client_nonce, a->client_nonce_len, b->client_nonce, b->client_nonce_len);
}

/* Does buf contain 02 05 00 <status, big-endian>? */
static int
has_5byte_status(const uint8_t *buf, size_t len, uint32_t status)
{
    const uint8_t pat[7] = {0x02,
                            0x05,
                            0x00,
                            (uint8_t)(status >> 24),
                            (uint8_t)(status >> 16),
                            (uint8_t)(status >> 8),
                            (uint8_t)status};

    for (size_t i = 0; i + sizeof(pat) <= len; i++) {
        if (memcmp(buf + i, pat, sizeof(pat)) == 0)
            return 1;
    }
    return 0;
}

enum rt_result
rt_tsrequest(const uint8_t *buf, size_t len, credssp_error *err_out)
{
    struct cssp_ts_request req, again;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    enum rt_result res;
    credssp_error err = cssp_ts_request_decode(buf, len, &req);

    if (err_out != NULL)
        *err_out = err;
    if (err != CREDSSP_OK) {
        if (credssp_error_category_of(err) != CREDSSP_CAT_PROTOCOL)
            return RT_BAD_ERROR;
        return all_zero(&req, sizeof(req)) ? RT_REJECTED : RT_DIRTY_OUTPUT;
    }
    if (!view_inside(req.nego_token, req.nego_token_len, buf, len) ||
        !view_inside(req.auth_info, req.auth_info_len, buf, len) ||
        !view_inside(req.pub_key_auth, req.pub_key_auth_len, buf, len) ||
        !view_inside(req.client_nonce, req.client_nonce_len, buf, len))
        return RT_BAD_VIEW;
    if (cssp_ts_request_encode(&req, &enc, &enc_len) != CREDSSP_OK)
        return RT_ENCODE_FAILED;
    if (enc_len == len && memcmp(enc, buf, len) == 0) {
        res = RT_ACCEPTED;
    } else if (req.has_error_code && req.error_code >= 0x80000000u &&
               has_5byte_status(buf, len, req.error_code) &&
               cssp_ts_request_decode(enc, enc_len, &again) == CREDSSP_OK &&
               same_request(&req, &again)) {
        res = RT_ACCEPTED_ALT_FORM;
    } else {
        res = RT_MISMATCH;
    }
    free(enc);
    return res;
}

enum rt_result
rt_tscredentials(const uint8_t *buf, size_t len, credssp_error *err_out)
{
    struct cssp_ts_credentials creds;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    enum rt_result res;
    credssp_error err = cssp_ts_credentials_decode(buf, len, &creds);

    if (err_out != NULL)
        *err_out = err;
    if (err != CREDSSP_OK) {
        if (credssp_error_category_of(err) != CREDSSP_CAT_PROTOCOL)
            return RT_BAD_ERROR;
        return all_zero(&creds, sizeof(creds)) ? RT_REJECTED : RT_DIRTY_OUTPUT;
    }
    if (cssp_ts_credentials_encode(&creds, &enc, &enc_len) != CREDSSP_OK) {
        res = RT_ENCODE_FAILED;
    } else if (enc_len == len && memcmp(enc, buf, len) == 0) {
        res = RT_ACCEPTED;
    } else if (creds.cred_type == 1 && creds.password.restricted_admin &&
               len == sizeof(restricted_admin_empty_seq) &&
               memcmp(buf, restricted_admin_empty_seq, len) == 0) {
        res = RT_ACCEPTED_ALT_FORM;
    } else {
        res = RT_MISMATCH;
    }
    cssp_wipe_free(enc, enc_len);
    cssp_ts_credentials_clear(&creds);
    if (!all_zero(&creds, sizeof(creds)))
        res = RT_DIRTY_OUTPUT;
    return res;
}
