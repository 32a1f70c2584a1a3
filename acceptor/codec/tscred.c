/*
 * tscred.c - TSCredentials and the credential structures, MS-CSSP 2.2.1.2
 * (see tscred.h).
 *
 * The credentials OCTET STRING holds the DER of the inner structure, which
 * is decoded strictly over exactly those bytes.  Strings are UTF-16LE on the
 * wire and UTF-8 here; the password, the PIN and Remote Guard credBuffers
 * go straight into credssp_secret.  Encoding uses a secure writer, so the
 * only copies of a secret are the secret objects and that writer's buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "der.h"
#include "secret.h"
#include "tscred.h"
#include "utf16.h"

/* ------------------------------------------------------------------ */
/* Decoding helpers: each records its failure in the reader            */
/* ------------------------------------------------------------------ */

static bool
empty_string(struct cssp_reader *r, char **out)
{
    *out = calloc(1, 1);
    return *out != NULL || cssp_reader_fail(r, CREDSSP_E_NOMEM);
}

/*
 * With CSSP_READ_STRIP_NUL (rdesktop 1.9 terminates its strings), the length
 * without one final UTF-16 NUL; otherwise len.  An embedded NUL still fails.
 */
static size_t
strip_nul(const struct cssp_reader *r, const uint8_t *p, size_t len)
{
    if ((r->flags & CSSP_READ_STRIP_NUL) && len >= 2 && p[len - 2] == 0 && p[len - 1] == 0)
        return len - 2;
    return len;
}

/* [n] OCTET STRING of UTF-16LE into a new UTF-8 string. */
static bool
read_string(struct cssp_reader *r, unsigned n, char **out)
{
    const uint8_t *p;
    size_t len;
    credssp_error ret;

    if (!cssp_der_read_explicit_octets(r, n, CSSP_MAX_NAME_BYTES, &p, &len))
        return false;
    len = strip_nul(r, p, len);
    ret = cssp_utf16le_to_utf8(p, len, out);
    return ret == CREDSSP_OK || cssp_reader_fail(r, ret);
}

static bool
read_opt_string(struct cssp_reader *r, unsigned n, char **out)
{
    if (cssp_der_peek_tag(r) != CSSP_DER_CTX(n))
        return cssp_reader_ok(r);
    return read_string(r, n, out);
}

/* [n] OCTET STRING of UTF-16LE decoded straight into a text secret. */
static bool
read_text_secret(struct cssp_reader *r, unsigned n, credssp_secret_kind kind, credssp_secret **out)
{
    const uint8_t *p;
    size_t len;
    credssp_error ret;

    if (!cssp_der_read_explicit_octets(r, n, CSSP_MAX_SECRET_BYTES, &p, &len))
        return false;
    len = strip_nul(r, p, len);
    ret = cssp_utf16le_to_secret(p, len, kind, out);
    return ret == CREDSSP_OK || cssp_reader_fail(r, ret);
}

/* TSRemoteGuardPackageCred ::= SEQUENCE { packageName [0], credBuffer [1] } */
static bool
read_rg_package(struct cssp_reader *r, struct cssp_rg_package *pkg)
{
    struct cssp_reader seq;
    const uint8_t *p;
    size_t len;
    credssp_error ret;

    cssp_der_read_tlv(r, CSSP_DER_SEQUENCE, SIZE_MAX, &seq);
    read_string(&seq, 0, &pkg->package_name);
    if (cssp_der_read_explicit_octets(&seq, 1, CSSP_MAX_RG_BUFFER, &p, &len)) {
        ret = credssp_secret_new(CREDSSP_SECRET_BLOB, p, len, &pkg->cred_buffer);
        if (ret != CREDSSP_OK)
            cssp_reader_fail(&seq, ret);
    }
    cssp_der_seq_end(&seq);
    return cssp_reader_merge(r, &seq);
}

/* Contents of a TSPasswordCreds; restricted admin when empty or all three strings empty. */
static bool
read_password_creds(struct cssp_reader *seq, struct cssp_password_creds *pc)
{
    if (cssp_reader_ok(seq) && seq->left == 0) {
        /* 30 00: the empty inner SEQUENCE form of Restricted Admin */
        credssp_error ret = credssp_secret_new(CREDSSP_SECRET_PASSWORD, NULL, 0, &pc->password);

        if (ret != CREDSSP_OK)
            return cssp_reader_fail(seq, ret);
        pc->restricted_admin = empty_string(seq, &pc->domain) && empty_string(seq, &pc->user);
        return pc->restricted_admin;
    }
    read_string(seq, 0, &pc->domain);
    read_string(seq, 1, &pc->user);
    read_text_secret(seq, 2, CREDSSP_SECRET_PASSWORD, &pc->password);
    if (!cssp_der_seq_end(seq))
        return false;
    pc->restricted_admin =
        pc->domain[0] == '\0' && pc->user[0] == '\0' && credssp_secret_len(pc->password) == 0;
    return true;
}

static bool
read_smartcard_creds(struct cssp_reader *seq, struct cssp_smartcard_creds *sc)
{
    struct cssp_reader wrap, csp;
    int64_t key_spec = 0;

    read_text_secret(seq, 0, CREDSSP_SECRET_PIN, &sc->pin);
    /* cspData [1] TSCspDataDetail */
    cssp_der_read_tlv(seq, CSSP_DER_CTX(1), SIZE_MAX, &wrap);
    cssp_der_read_tlv(&wrap, CSSP_DER_SEQUENCE, SIZE_MAX, &csp);
    cssp_der_read_explicit_int(&csp, 0, INT32_MIN, INT32_MAX, &key_spec);
    sc->csp.key_spec = (int32_t)key_spec;
    read_opt_string(&csp, 1, &sc->csp.card_name);
    read_opt_string(&csp, 2, &sc->csp.reader_name);
    read_opt_string(&csp, 3, &sc->csp.container_name);
    read_opt_string(&csp, 4, &sc->csp.csp_name);
    cssp_der_seq_end(&csp);
    cssp_reader_merge(&wrap, &csp);
    cssp_reader_end(&wrap);
    cssp_reader_merge(seq, &wrap);
    read_opt_string(seq, 2, &sc->user_hint);
    read_opt_string(seq, 3, &sc->domain_hint);
    return cssp_der_seq_end(seq);
}

/* supplementalCreds [1] SEQUENCE OF TSRemoteGuardPackageCred (possibly empty). */
static bool
read_rg_supplemental(struct cssp_reader *seq, struct cssp_remote_guard_creds *rg)
{
    struct cssp_reader wrap, list, count, item;
    size_t n = 0;

    rg->has_supplemental = true;
    cssp_der_read_tlv(seq, CSSP_DER_CTX(1), SIZE_MAX, &wrap);
    cssp_der_read_tlv(&wrap, CSSP_DER_SEQUENCE, SIZE_MAX, &list);
    /* Count the items first (each must be a SEQUENCE), then allocate once. */
    count = list;
    while (cssp_reader_ok(&count) && count.left != 0) {
        if (n == CSSP_MAX_RG_SUPPLEMENTAL)
            cssp_reader_fail(&count, CREDSSP_E_TOO_LARGE);
        else if (cssp_der_read_tlv(&count, CSSP_DER_SEQUENCE, SIZE_MAX, &item))
            n++;
    }
    cssp_reader_merge(&list, &count);
    if (cssp_reader_ok(&list) && n != 0) {
        rg->supplemental = calloc(n, sizeof(*rg->supplemental));
        if (rg->supplemental == NULL)
            cssp_reader_fail(&list, CREDSSP_E_NOMEM);
        else
            rg->n_supplemental = n; /* zeroed entries: clear() may free them all */
    }
    for (size_t i = 0; i < rg->n_supplemental && cssp_reader_ok(&list); i++)
        read_rg_package(&list, &rg->supplemental[i]);
    cssp_reader_end(&list);
    cssp_reader_merge(&wrap, &list);
    cssp_reader_end(&wrap);
    return cssp_reader_merge(seq, &wrap);
}

static bool
read_remote_guard_creds(struct cssp_reader *seq, struct cssp_remote_guard_creds *rg)
{
    struct cssp_reader wrap;

    cssp_der_read_tlv(seq, CSSP_DER_CTX(0), SIZE_MAX, &wrap);
    read_rg_package(&wrap, &rg->logon);
    cssp_reader_end(&wrap);
    cssp_reader_merge(seq, &wrap);
    if (cssp_der_peek_tag(seq) == CSSP_DER_CTX(1))
        read_rg_supplemental(seq, rg);
    return cssp_der_seq_end(seq);
}

/* The inner structure occupies all of the credentials OCTET STRING. */
static credssp_error
decode_inner(const uint8_t *p, size_t len, unsigned flags, struct cssp_ts_credentials *out)
{
    struct cssp_reader r, seq;

    cssp_reader_init(&r, p, len);
    r.flags = flags;
    if (cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &seq)) {
        switch (out->cred_type) {
        case CSSP_CREDTYPE_PASSWORD:
            read_password_creds(&seq, &out->password);
            break;
        case CSSP_CREDTYPE_SMARTCARD:
            read_smartcard_creds(&seq, &out->smartcard);
            break;
        default:
            read_remote_guard_creds(&seq, &out->remote_guard);
            break;
        }
    }
    cssp_reader_merge(&r, &seq);
    cssp_reader_end(&r);
    return r.err;
}

credssp_error
cssp_ts_credentials_decode(const uint8_t *buf, size_t len, struct cssp_ts_credentials *out)
{
    return cssp_ts_credentials_decode_flags(buf, len, 0, out);
}

credssp_error
cssp_ts_credentials_decode_flags(const uint8_t *buf, size_t len, unsigned flags,
                                 struct cssp_ts_credentials *out)
{
    struct cssp_reader r, seq;
    int64_t cred_type = 0;
    const uint8_t *inner = NULL;
    size_t inner_len = 0;
    credssp_error ret;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (buf == NULL && len != 0)
        return CREDSSP_E_INVALID_ARG;
    if (len > CSSP_MAX_TOKEN)
        return CREDSSP_E_TOO_LARGE;
    cssp_reader_init(&r, buf, len);
    r.flags = flags;
    cssp_der_read_tlv(&r, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &seq);
    cssp_der_read_explicit_int(&seq, 0, INT64_MIN, INT64_MAX, &cred_type);
    cssp_der_read_explicit_octets(&seq, 1, CSSP_MAX_TOKEN, &inner, &inner_len);
    cssp_der_seq_end(&seq);
    cssp_reader_merge(&r, &seq);
    cssp_reader_end(&r);
    ret = r.err;
    if (ret == CREDSSP_OK && cred_type != CSSP_CREDTYPE_PASSWORD &&
        cred_type != CSSP_CREDTYPE_SMARTCARD && cred_type != CSSP_CREDTYPE_REMOTE_GUARD)
        ret = CREDSSP_E_BAD_CRED_TYPE;
    if (ret == CREDSSP_OK) {
        out->cred_type = (int32_t)cred_type;
        ret = decode_inner(inner, inner_len, flags, out);
    }
    if (ret != CREDSSP_OK)
        cssp_ts_credentials_clear(out);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

/* [n] OCTET STRING holding the UTF-16LE form of s[0..len), at most cap bytes. */
static void
write_utf16(struct cssp_writer *w, unsigned n, const char *s, size_t len, size_t cap)
{
    size_t a = cssp_der_begin(w, CSSP_DER_CTX(n));
    size_t o = cssp_der_begin(w, CSSP_DER_OCTET_STRING);
    size_t start = w->len;

    if (len != 0 && cssp_utf8_to_utf16le(s, len, w) == CREDSSP_OK && w->len - start > cap)
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    cssp_der_end(w, o);
    cssp_der_end(w, a);
}

static void
write_string(struct cssp_writer *w, unsigned n, const char *s)
{
    write_utf16(w, n, s, s != NULL ? strlen(s) : 0, CSSP_MAX_NAME_BYTES);
}

static void
write_opt_string(struct cssp_writer *w, unsigned n, const char *s)
{
    if (s != NULL)
        write_string(w, n, s);
}

static void
write_text_secret(struct cssp_writer *w, unsigned n, const credssp_secret *s)
{
    write_utf16(w, n, (const char *)credssp_secret_data(s), credssp_secret_len(s),
                CSSP_MAX_SECRET_BYTES);
}

static void
write_rg_package(struct cssp_writer *w, const struct cssp_rg_package *pkg)
{
    size_t seq = cssp_der_begin(w, CSSP_DER_SEQUENCE);
    size_t len = credssp_secret_len(pkg->cred_buffer);

    write_string(w, 0, pkg->package_name);
    if (len > CSSP_MAX_RG_BUFFER)
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    cssp_der_write_explicit_octets(w, 1, credssp_secret_data(pkg->cred_buffer), len);
    cssp_der_end(w, seq);
}

static void
write_password_creds(struct cssp_writer *w, const struct cssp_password_creds *pc)
{
    if (pc->restricted_admin) {
        /* Always the three-empty-strings form (what Windows clients send). */
        write_string(w, 0, NULL);
        write_string(w, 1, NULL);
        write_text_secret(w, 2, NULL);
        return;
    }
    write_string(w, 0, pc->domain);
    write_string(w, 1, pc->user);
    write_text_secret(w, 2, pc->password);
}

static void
write_smartcard_creds(struct cssp_writer *w, const struct cssp_smartcard_creds *sc)
{
    size_t a, seq;

    write_text_secret(w, 0, sc->pin);
    a = cssp_der_begin(w, CSSP_DER_CTX(1));
    seq = cssp_der_begin(w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(w, 0, sc->csp.key_spec);
    write_opt_string(w, 1, sc->csp.card_name);
    write_opt_string(w, 2, sc->csp.reader_name);
    write_opt_string(w, 3, sc->csp.container_name);
    write_opt_string(w, 4, sc->csp.csp_name);
    cssp_der_end(w, seq);
    cssp_der_end(w, a);
    write_opt_string(w, 2, sc->user_hint);
    write_opt_string(w, 3, sc->domain_hint);
}

static void
write_remote_guard_creds(struct cssp_writer *w, const struct cssp_remote_guard_creds *rg)
{
    size_t a, seq;

    a = cssp_der_begin(w, CSSP_DER_CTX(0));
    write_rg_package(w, &rg->logon);
    cssp_der_end(w, a);
    if (!rg->has_supplemental && rg->n_supplemental == 0)
        return;
    if (rg->n_supplemental > CSSP_MAX_RG_SUPPLEMENTAL)
        cssp_writer_fail(w, CREDSSP_E_TOO_LARGE);
    else if (rg->n_supplemental != 0 && rg->supplemental == NULL)
        cssp_writer_fail(w, CREDSSP_E_INVALID_ARG);
    a = cssp_der_begin(w, CSSP_DER_CTX(1));
    seq = cssp_der_begin(w, CSSP_DER_SEQUENCE);
    for (size_t i = 0; i < rg->n_supplemental && cssp_writer_ok(w); i++)
        write_rg_package(w, &rg->supplemental[i]);
    cssp_der_end(w, seq);
    cssp_der_end(w, a);
}

credssp_error
cssp_ts_credentials_encode(const struct cssp_ts_credentials *creds, uint8_t **out, size_t *len_out)
{
    struct cssp_writer w;
    size_t seq, a, o, inner;

    if (out == NULL || len_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    *len_out = 0;
    if (creds == NULL)
        return CREDSSP_E_INVALID_ARG;
    /* TSCredentials travels in authInfo: same cap as the decoder. */
    cssp_writer_init(&w, CSSP_MAX_TOKEN, true);
    seq = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, creds->cred_type);
    a = cssp_der_begin(&w, CSSP_DER_CTX(1));
    o = cssp_der_begin(&w, CSSP_DER_OCTET_STRING);
    inner = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    switch (creds->cred_type) {
    case CSSP_CREDTYPE_PASSWORD:
        write_password_creds(&w, &creds->password);
        break;
    case CSSP_CREDTYPE_SMARTCARD:
        write_smartcard_creds(&w, &creds->smartcard);
        break;
    case CSSP_CREDTYPE_REMOTE_GUARD:
        write_remote_guard_creds(&w, &creds->remote_guard);
        break;
    default:
        cssp_writer_fail(&w, CREDSSP_E_BAD_CRED_TYPE);
        break;
    }
    cssp_der_end(&w, inner);
    cssp_der_end(&w, o);
    cssp_der_end(&w, a);
    cssp_der_end(&w, seq);
    return cssp_writer_take(&w, out, len_out);
}

/* ------------------------------------------------------------------ */
/* Clearing                                                            */
/* ------------------------------------------------------------------ */

static void
free_string(char *s)
{
    if (s == NULL)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

static void
clear_rg_package(struct cssp_rg_package *pkg)
{
    free_string(pkg->package_name);
    credssp_secret_free(pkg->cred_buffer);
}

void
cssp_ts_credentials_clear(struct cssp_ts_credentials *creds)
{
    struct cssp_remote_guard_creds *rg;

    if (creds == NULL)
        return;
    free_string(creds->password.domain);
    free_string(creds->password.user);
    credssp_secret_free(creds->password.password);
    credssp_secret_free(creds->smartcard.pin);
    free_string(creds->smartcard.csp.card_name);
    free_string(creds->smartcard.csp.reader_name);
    free_string(creds->smartcard.csp.container_name);
    free_string(creds->smartcard.csp.csp_name);
    free_string(creds->smartcard.user_hint);
    free_string(creds->smartcard.domain_hint);
    rg = &creds->remote_guard;
    clear_rg_package(&rg->logon);
    if (rg->supplemental != NULL) {
        for (size_t i = 0; i < rg->n_supplemental; i++)
            clear_rg_package(&rg->supplemental[i]);
        free(rg->supplemental);
    }
    OPENSSL_cleanse(creds, sizeof(*creds));
}
