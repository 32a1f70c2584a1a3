/*
 * cssp_client_creds.c - the authInfo plaintext the test client delegates
 * (MS-CSSP 2.2.1.2, docs/PROTOCOL.md §4): TSPasswordCreds, TSSmartCardCreds,
 * Restricted Admin in both encodings (three empty strings; 30 00),
 * TSRemoteGuardCreds with 0, 1 or n supplemental packages, or raw bytes.
 * Encoded with the library's codec (cssp_ts_credentials_encode), except the
 * 30 00 form, which the encoder never produces.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "der.h"
#include "tscred.h"
#include "cssp_client_int.h"

/* strdup of s, "" for NULL; false on allocation failure. */
static bool
dup_str(const char *s, char **out)
{
    *out = strdup(s != NULL ? s : "");
    return *out != NULL;
}

/* strdup of s, NULL stays NULL; false on allocation failure. */
static bool
dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return true;
    *out = strdup(s);
    return *out != NULL;
}

/* A text secret (password/PIN) of s, empty for NULL. */
static credssp_error
text_secret(credssp_secret_kind kind, const char *s, credssp_secret **out)
{
    return credssp_secret_new(kind, s, s != NULL ? strlen(s) : 0, out);
}

/* credType 1 with the given strings (all empty for Restricted Admin). */
static credssp_error
fill_password(const struct cssp_cli_opts *o, bool restricted, struct cssp_ts_credentials *tc)
{
    tc->cred_type = CSSP_CREDTYPE_PASSWORD;
    tc->password.restricted_admin = restricted;
    if (!dup_str(restricted ? "" : o->domain, &tc->password.domain) ||
        !dup_str(restricted ? "" : o->user, &tc->password.user))
        return CREDSSP_E_NOMEM;
    return text_secret(CREDSSP_SECRET_PASSWORD, restricted ? "" : o->password,
                       &tc->password.password);
}

/* credType 2: PIN, CSP data, user/domain hints. */
static credssp_error
fill_smartcard(const struct cssp_cli_opts *o, struct cssp_ts_credentials *tc)
{
    struct cssp_smartcard_creds *sc = &tc->smartcard;

    tc->cred_type = CSSP_CREDTYPE_SMARTCARD;
    sc->csp.key_spec = o->sc_key_spec;
    if (!dup_opt(o->sc_card, &sc->csp.card_name) || !dup_opt(o->sc_reader, &sc->csp.reader_name) ||
        !dup_opt(o->sc_container, &sc->csp.container_name) ||
        !dup_opt(o->sc_csp, &sc->csp.csp_name) || !dup_opt(o->user, &sc->user_hint) ||
        !dup_opt(o->domain, &sc->domain_hint))
        return CREDSSP_E_NOMEM;
    return text_secret(CREDSSP_SECRET_PIN, o->password, &sc->pin);
}

/* One Remote Guard package credential. */
static credssp_error
fill_package(struct cssp_rg_package *pk, const char *name, const uint8_t *buf, size_t n)
{
    if (!dup_str(name, &pk->package_name))
        return CREDSSP_E_NOMEM;
    return credssp_secret_new(CREDSSP_SECRET_BLOB, buf, n, &pk->cred_buffer);
}

/* credType 6: logon package plus rg_n_supplemental "NTLM" entries. */
static credssp_error
fill_remote_guard(const struct cssp_cli_opts *o, struct cssp_ts_credentials *tc)
{
    static const uint8_t supp[] = {0x02, 0x00, 0xff, 0xff, 0x01, 0x02, 0x03, 0x04};
    struct cssp_remote_guard_creds *rg = &tc->remote_guard;
    credssp_error ret;

    tc->cred_type = CSSP_CREDTYPE_REMOTE_GUARD;
    ret = fill_package(&rg->logon, o->rg_package != NULL ? o->rg_package : "Kerberos", o->rg_buffer,
                       o->rg_buffer_len);
    if (ret != CREDSSP_OK)
        return ret;
    rg->has_supplemental = o->rg_supplemental_present || o->rg_n_supplemental > 0;
    if (o->rg_n_supplemental == 0)
        return CREDSSP_OK;
    rg->supplemental = calloc(o->rg_n_supplemental, sizeof(*rg->supplemental));
    if (rg->supplemental == NULL)
        return CREDSSP_E_NOMEM;
    rg->n_supplemental = o->rg_n_supplemental;
    for (size_t i = 0; i < o->rg_n_supplemental; i++) {
        ret = fill_package(&rg->supplemental[i], "NTLM", supp, sizeof(supp));
        if (ret != CREDSSP_OK)
            return ret;
    }
    return CREDSSP_OK;
}

/* TSCredentials { credType 1, credentials 30 00 } by hand. */
static credssp_error
encode_empty_seq(uint8_t **out, size_t *len_out)
{
    static const uint8_t empty_seq[] = {0x30, 0x00};
    struct cssp_writer w;
    size_t outer;

    cssp_writer_init(&w, 64, true);
    outer = cssp_der_begin(&w, CSSP_DER_SEQUENCE);
    cssp_der_write_explicit_int(&w, 0, CSSP_CREDTYPE_PASSWORD);
    cssp_der_write_explicit_octets(&w, 1, empty_seq, sizeof(empty_seq));
    cssp_der_end(&w, outer);
    return cssp_writer_take(&w, out, len_out);
}

/* A copy of the raw plaintext (may be empty). */
static credssp_error
copy_raw(const struct cssp_cli_opts *o, uint8_t **out, size_t *len_out)
{
    uint8_t *p = malloc(o->raw_auth_info_len != 0 ? o->raw_auth_info_len : 1);

    if (p == NULL)
        return CREDSSP_E_NOMEM;
    if (o->raw_auth_info_len != 0)
        memcpy(p, o->raw_auth_info, o->raw_auth_info_len);
    *out = p;
    *len_out = o->raw_auth_info_len;
    return CREDSSP_OK;
}

/* The TSCredentials plaintext for o->cred. */
credssp_error
cli_creds_encode(const struct cssp_cli_opts *o, uint8_t **out, size_t *len_out)
{
    credssp_error ret;
    struct cssp_ts_credentials tc;

    *out = NULL;
    *len_out = 0;
    memset(&tc, 0, sizeof(tc));
    switch (o->cred) {
    case CSSP_CLI_CRED_PASSWORD:
        ret = fill_password(o, false, &tc);
        break;
    case CSSP_CLI_CRED_RESTRICTED_ADMIN:
        ret = fill_password(o, true, &tc);
        break;
    case CSSP_CLI_CRED_SMARTCARD:
        ret = fill_smartcard(o, &tc);
        break;
    case CSSP_CLI_CRED_REMOTE_GUARD:
        ret = fill_remote_guard(o, &tc);
        break;
    case CSSP_CLI_CRED_RESTRICTED_ADMIN_EMPTY:
        return encode_empty_seq(out, len_out);
    case CSSP_CLI_CRED_RAW:
        return copy_raw(o, out, len_out);
    default:
        return CREDSSP_E_INVALID_ARG;
    }
    if (ret == CREDSSP_OK)
        ret = cssp_ts_credentials_encode(&tc, out, len_out);
    cssp_ts_credentials_clear(&tc);
    return ret;
}
