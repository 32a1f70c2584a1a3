/*
 * handoff_fmt.c - the keyring hand-off record: token derivation, the
 * plaintext layout (bounded writer / reader) and its AES-256-GCM sealing.
 * The layout is documented in handoff.h and docs/KEYRING.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "buf.h"
#include "handoff.h"
#include "secret.h"

#define NONCE_LEN 12u
#define TAG_LEN 16u
#define HEADER_LEN (sizeof(CSSP_HANDOFF_MAGIC) - 1 + 1)
#define MAX_STR 1024u
#define LABEL_NAME "credssp handoff v1 name"
#define LABEL_KEY "credssp handoff v1 key"

/* Value of one hex digit, or -1. */
static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* HMAC-SHA256(key, label) into out[32]. */
static bool
hmac_label(const uint8_t *key, size_t klen, const char *label, uint8_t out[32])
{
    unsigned int olen = 0;

    return HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)label, strlen(label), out,
                &olen) != NULL &&
           olen == 32;
}

/* Token -> key description and record key. */
credssp_error
cssp_handoff_derive(const char *token, struct cssp_handoff_keys *out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    uint8_t raw[CSSP_HANDOFF_TOKEN_BYTES];
    uint8_t mac[32];

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (token == NULL || strlen(token) != CREDSSP_HANDOFF_TOKEN_LEN)
        return CREDSSP_E_INVALID_ARG;
    for (size_t i = 0; i < CSSP_HANDOFF_TOKEN_BYTES; i++) {
        int hi = hex_value(token[2 * i]), lo = hex_value(token[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            ret = CREDSSP_E_INVALID_ARG;
            goto cleanup;
        }
        raw[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!hmac_label(raw, sizeof(raw), LABEL_NAME, mac) ||
        !hmac_label(raw, sizeof(raw), LABEL_KEY, out->key)) {
        ret = CREDSSP_E_CRYPTO;
        goto cleanup;
    }
    memcpy(out->desc, CSSP_HANDOFF_DESC_PREFIX, sizeof(CSSP_HANDOFF_DESC_PREFIX) - 1);
    for (size_t i = 0; i < 16; i++)
        snprintf(out->desc + sizeof(CSSP_HANDOFF_DESC_PREFIX) - 1 + 2 * i, 3, "%02x", mac[i]);
    ret = CREDSSP_OK;

cleanup:
    OPENSSL_cleanse(raw, sizeof(raw));
    OPENSSL_cleanse(mac, sizeof(mac));
    if (ret != CREDSSP_OK)
        OPENSSL_cleanse(out, sizeof(*out));
    return ret;
}

/* CLOCK_BOOTTIME seconds (0 if unavailable). */
uint64_t
cssp_handoff_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec;
}

/* ------------------------------------------------------------------ */
/* Plaintext                                                           */
/* ------------------------------------------------------------------ */

/* str: u8 present [u16 len, bytes]. */
static void
write_str(struct cssp_writer *w, const char *s)
{
    size_t n;

    if (s == NULL) {
        cssp_write_u8(w, 0);
        return;
    }
    n = strlen(s);
    if (n > MAX_STR) {
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
        return;
    }
    cssp_write_u8(w, 1);
    cssp_write_u16be(w, (uint16_t)n);
    cssp_write_bytes(w, s, n);
}

static bool read_str(struct cssp_reader *rd, char **out);

/* Serialize the fields of result into a secure writer. */
static void
write_plaintext(struct cssp_writer *w, const credssp_result *r, uint64_t now, unsigned timeout_s)
{
    const credssp_secret *secret = credssp_result_secret(r);
    char local[CREDSSP_LOCAL_NAME_MAX];

    cssp_write_u32be(w, (uint32_t)(now >> 32));
    cssp_write_u32be(w, (uint32_t)now);
    cssp_write_u32be(w, timeout_s);
    cssp_write_u8(w, (uint8_t)r->mech);
    cssp_write_u8(w, r->spnego ? 1 : 0);
    cssp_write_u8(w, (uint8_t)(r->client_version > 0 && r->client_version < 256 ? r->client_version : 0));
    cssp_write_u8(w, (uint8_t)r->binding);
    cssp_write_u32be(w, r->cred_type);
    write_str(w, credssp_result_user(r));
    write_str(w, credssp_result_domain(r));
    write_str(w, r->principal);
    if (credssp_result_local_name(r, local, sizeof(local)) != CREDSSP_OK)
        local[0] = '\0';
    write_str(w, local[0] != '\0' ? local : NULL);
    if (secret == NULL || credssp_secret_len(secret) == 0) {
        cssp_write_u8(w, 0);
    } else if (credssp_secret_len(secret) > CSSP_MAX_SECRET_BYTES) {
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
        return;
    } else {
        cssp_write_u8(w, (uint8_t)credssp_secret_get_kind(secret));
        cssp_write_u16be(w, (uint16_t)credssp_secret_len(secret));
        cssp_write_bytes(w, credssp_secret_data(secret), credssp_secret_len(secret));
    }
    if (r->cred_type == CREDSSP_CRED_SMARTCARD) {
        /* Format 2: the CSP details, for the CREDSSP_SC_* environment. */
        cssp_write_u32be(w, (uint32_t)credssp_result_sc_key_spec(r));
        write_str(w, credssp_result_sc_card_name(r));
        write_str(w, credssp_result_sc_reader_name(r));
        write_str(w, credssp_result_sc_container_name(r));
        write_str(w, credssp_result_sc_csp_name(r));
    }
}

/* Format 2: a smart-card record ends with the CSP details. */
static void
read_csp(struct cssp_reader *rd, struct credssp_result *r)
{
    struct cssp_csp_data *csp = &r->creds.smartcard.csp;

    csp->key_spec = (int32_t)cssp_read_u32be(rd);
    if (read_str(rd, &csp->card_name) && read_str(rd, &csp->reader_name) &&
        read_str(rd, &csp->container_name))
        (void)read_str(rd, &csp->csp_name);
}

/* Read a str into *out (NULL when absent); false on a malformed value. */
static bool
read_str(struct cssp_reader *rd, char **out)
{
    const uint8_t *p;
    uint8_t present = cssp_read_u8(rd);
    uint16_t n;

    *out = NULL;
    if (!cssp_reader_ok(rd) || present == 0)
        return cssp_reader_ok(rd);
    n = cssp_read_u16be(rd);
    if (present != 1 || n > MAX_STR)
        return cssp_reader_fail(rd, CREDSSP_E_BAD_LENGTH);
    p = cssp_read_bytes(rd, n);
    if (p == NULL)
        return false;
    if (n != 0 && memchr(p, 0, n) != NULL)
        return cssp_reader_fail(rd, CREDSSP_E_BAD_STRING);
    *out = strndup((const char *)p, n);
    if (*out == NULL)
        return cssp_reader_fail(rd, CREDSSP_E_NOMEM);
    return true;
}

/* Read the optional secret. */
static bool
read_secret(struct cssp_reader *rd, credssp_secret **out)
{
    uint8_t kind = cssp_read_u8(rd);
    uint16_t n;
    const uint8_t *p;
    credssp_error err;

    *out = NULL;
    if (!cssp_reader_ok(rd) || kind == 0)
        return cssp_reader_ok(rd);
    if (kind != CREDSSP_SECRET_PASSWORD && kind != CREDSSP_SECRET_PIN)
        return cssp_reader_fail(rd, CREDSSP_E_BAD_CRED_TYPE);
    n = cssp_read_u16be(rd);
    if (n > CSSP_MAX_SECRET_BYTES)
        return cssp_reader_fail(rd, CREDSSP_E_BAD_LENGTH);
    p = cssp_read_bytes(rd, n);
    if (p == NULL)
        return false;
    err = credssp_secret_new((credssp_secret_kind)kind, p, n, out);
    if (err != CREDSSP_OK)
        return cssp_reader_fail(rd, err);
    return true;
}

/* Place user, domain and secret where the credssp_result accessors look. */
static credssp_error
fill_creds(struct credssp_result *r, char *user, char *domain, credssp_secret *secret)
{
    struct cssp_ts_credentials *c = &r->creds;

    switch (r->cred_type) {
    case CREDSSP_CRED_PASSWORD:
    case CREDSSP_CRED_RESTRICTED_ADMIN:
        c->cred_type = CSSP_CREDTYPE_PASSWORD;
        c->password.user = user;
        c->password.domain = domain;
        c->password.restricted_admin = r->cred_type == CREDSSP_CRED_RESTRICTED_ADMIN;
        if (secret == NULL)
            return credssp_secret_new(CREDSSP_SECRET_PASSWORD, NULL, 0, &c->password.password);
        c->password.password = secret;
        return CREDSSP_OK;
    case CREDSSP_CRED_SMARTCARD:
        c->cred_type = CSSP_CREDTYPE_SMARTCARD;
        c->smartcard.user_hint = user;
        c->smartcard.domain_hint = domain;
        if (secret == NULL)
            return credssp_secret_new(CREDSSP_SECRET_PIN, NULL, 0, &c->smartcard.pin);
        c->smartcard.pin = secret;
        return CREDSSP_OK;
    default:
        /* Remote Guard and "none": identity only; buffers are never handed off. */
        free(user);
        free(domain);
        credssp_secret_free(secret);
        return CREDSSP_OK;
    }
}

/* Parse the plaintext into a new result, checking the validity window. */
static credssp_error
parse_plaintext(const uint8_t *p, size_t len, uint64_t now, credssp_result **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct credssp_result *r = NULL;
    struct cssp_reader rd;
    char *user = NULL, *domain = NULL;
    credssp_secret *secret = NULL;
    uint64_t created;
    uint32_t timeout_s;

    ret = cssp_result_new(&r);
    if (ret != CREDSSP_OK)
        goto cleanup;
    cssp_reader_init(&rd, p, len);
    created = (uint64_t)cssp_read_u32be(&rd) << 32;
    created |= cssp_read_u32be(&rd);
    timeout_s = cssp_read_u32be(&rd);
    r->mech = cssp_read_u8(&rd);
    r->spnego = cssp_read_u8(&rd) != 0;
    r->client_version = cssp_read_u8(&rd);
    r->binding = cssp_read_u8(&rd);
    r->cred_type = cssp_read_u32be(&rd);
    if (read_str(&rd, &user) && read_str(&rd, &domain) && read_str(&rd, &r->principal) &&
        read_str(&rd, &r->local_name) && read_secret(&rd, &secret) &&
        r->cred_type == CREDSSP_CRED_SMARTCARD)
        read_csp(&rd, r);
    (void)cssp_reader_end(&rd);
    ret = rd.err;
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (timeout_s == 0 || timeout_s > CREDSSP_HANDOFF_TIMEOUT_MAX || now < created ||
        now - created >= timeout_s) {
        ret = CREDSSP_E_TIMEOUT;
        goto cleanup;
    }
    ret = fill_creds(r, user, domain, secret);
    user = domain = NULL;
    secret = NULL;
    if (ret != CREDSSP_OK)
        goto cleanup;
    *out = r;
    r = NULL;

cleanup:
    free(user);
    free(domain);
    credssp_secret_free(secret);
    credssp_result_free(r);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Sealing                                                             */
/* ------------------------------------------------------------------ */

/* Run AES-256-GCM over in[0..n) into out; tag is written (encrypt) or checked (decrypt). */
static credssp_error
gcm(bool encrypt, const struct cssp_handoff_keys *keys, const uint8_t *header,
    const uint8_t *nonce, const uint8_t *in, size_t n, uint8_t *out, uint8_t *tag)
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int olen = 0;

    if (ctx == NULL)
        return CREDSSP_E_NOMEM;
    if (n > INT32_MAX ||
        EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, keys->key, nonce, encrypt) != 1 ||
        EVP_CipherUpdate(ctx, NULL, &olen, header, HEADER_LEN) != 1 ||
        EVP_CipherUpdate(ctx, NULL, &olen, (const uint8_t *)keys->desc, CSSP_HANDOFF_DESC_LEN) != 1)
        goto cleanup;
    if (n != 0 && EVP_CipherUpdate(ctx, out, &olen, in, (int)n) != 1)
        goto cleanup;
    if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1)
        goto cleanup;
    if (EVP_CipherFinal_ex(ctx, out + n, &olen) != 1)
        goto cleanup;
    if (encrypt && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) != 1)
        goto cleanup;
    ret = CREDSSP_OK;

cleanup:
    EVP_CIPHER_CTX_free(ctx);
    return ret;
}

/* Serialize result and seal it with keys. */
credssp_error
cssp_handoff_seal(const credssp_result *result, uint64_t now, unsigned timeout_s,
                  const struct cssp_handoff_keys *keys, uint8_t **out, size_t *len_out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_writer pw, rw;
    uint8_t *plain = NULL, *nonce, *ct, *tag;
    size_t plain_len = 0;
    static const uint8_t header[HEADER_LEN] = { 'C', 'S', 'S', 'P', 'H', 'O', CSSP_HANDOFF_FORMAT };

    if (out == NULL || len_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *len_out = 0;
    if (result == NULL || keys == NULL || timeout_s == 0 ||
        timeout_s > CREDSSP_HANDOFF_TIMEOUT_MAX)
        return CREDSSP_E_INVALID_ARG;
    cssp_writer_init(&pw, CSSP_HANDOFF_MAX_RECORD, true);
    cssp_writer_init(&rw, CSSP_HANDOFF_MAX_RECORD, false);
    write_plaintext(&pw, result, now, timeout_s);
    ret = cssp_writer_take(&pw, &plain, &plain_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    cssp_write_bytes(&rw, header, HEADER_LEN);
    nonce = cssp_write_reserve(&rw, NONCE_LEN);
    if (nonce != NULL && RAND_bytes(nonce, NONCE_LEN) != 1)
        cssp_writer_fail(&rw, CREDSSP_E_CRYPTO);
    /* Ciphertext and tag are reserved together: one pointer stays valid. */
    ct = cssp_write_reserve(&rw, plain_len + TAG_LEN);
    if (!cssp_writer_ok(&rw)) {
        ret = rw.err;
        goto cleanup;
    }
    tag = ct + plain_len;
    nonce = ct - NONCE_LEN;
    ret = gcm(true, keys, header, nonce, plain, plain_len, ct, tag);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_writer_take(&rw, out, len_out);

cleanup:
    cssp_wipe_free(plain, plain_len);
    cssp_writer_release(&pw);
    cssp_writer_release(&rw);
    return ret;
}

/* Authenticate, decrypt and parse a record. */
credssp_error
cssp_handoff_open(const uint8_t *rec, size_t len, uint64_t now,
                  const struct cssp_handoff_keys *keys, credssp_result **out)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    struct cssp_reader rd;
    const uint8_t *header, *nonce, *ct;
    uint8_t tag[TAG_LEN];
    uint8_t *plain = NULL;
    size_t n = 0;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    if (rec == NULL || keys == NULL)
        return CREDSSP_E_INVALID_ARG;
    cssp_reader_init(&rd, rec, len);
    header = cssp_read_bytes(&rd, HEADER_LEN);
    if (header == NULL || memcmp(header, CSSP_HANDOFF_MAGIC, HEADER_LEN - 1) != 0)
        return CREDSSP_E_BAD_TAG;
    if (header[HEADER_LEN - 1] != CSSP_HANDOFF_FORMAT)
        return CREDSSP_E_BAD_VERSION;
    nonce = cssp_read_bytes(&rd, NONCE_LEN);
    if (nonce == NULL || rd.left < TAG_LEN || len > CSSP_HANDOFF_MAX_RECORD)
        return CREDSSP_E_TRUNCATED;
    n = rd.left - TAG_LEN;
    ct = cssp_read_bytes(&rd, n);
    memcpy(tag, cssp_read_bytes(&rd, TAG_LEN), TAG_LEN);
    plain = calloc(1, n + 1);
    if (plain == NULL)
        return CREDSSP_E_NOMEM;
    ret = gcm(false, keys, header, nonce, ct, n, plain, tag);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = parse_plaintext(plain, n, now, out);

cleanup:
    cssp_wipe_free(plain, n + 1);
    return ret;
}
