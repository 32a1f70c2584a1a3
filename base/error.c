/*
 * error.c - the library's one error enum: messages, names, categories.
 *
 * The table is the single place an error gets its text.  NTSTATUS (for the
 * CredSSP errorCode, MS-CSSP 2.2.1) and PAM codes are derived at the edges.
 */
#include "internal.h"

struct error_entry {
    credssp_error code;
    const char *name;
    const char *message;
};

static const struct error_entry error_table[] = {
    { CREDSSP_OK, "ok", "success" },
    { CREDSSP_E_INVALID_ARG, "invalid_argument", "invalid argument" },
    { CREDSSP_E_STATE, "bad_state", "call not valid in the current state" },
    { CREDSSP_E_CONFIG, "bad_config", "configuration incomplete or inconsistent" },
    { CREDSSP_E_NAME_COLLISION, "name_collision",
      "another key-file entry differs from this name only in letter case" },
    { CREDSSP_E_TRUNCATED, "truncated", "message truncated" },
    { CREDSSP_E_TRAILING, "trailing_bytes", "unexpected bytes after a complete value" },
    { CREDSSP_E_BAD_TAG, "bad_tag", "unexpected, unknown, duplicate or out-of-order tag" },
    { CREDSSP_E_BAD_LENGTH, "bad_length", "invalid or non-minimal DER length" },
    { CREDSSP_E_TOO_LARGE, "too_large", "value exceeds its size limit" },
    { CREDSSP_E_BAD_INTEGER, "bad_integer", "invalid or out-of-range INTEGER" },
    { CREDSSP_E_BAD_STRING, "bad_string", "invalid UTF-16 or UTF-8 string" },
    { CREDSSP_E_BAD_VERSION, "bad_version", "invalid or changed CredSSP version" },
    { CREDSSP_E_UNEXPECTED, "unexpected_message", "message or field not allowed at this point" },
    { CREDSSP_E_BAD_NONCE, "bad_nonce", "clientNonce missing or not 32 bytes" },
    { CREDSSP_E_BAD_CRED_TYPE, "bad_cred_type", "unknown TSCredentials credType" },
    { CREDSSP_E_BAD_TOKEN, "bad_token", "negotiation token of no known mechanism" },
    { CREDSSP_E_BINDING, "binding_mismatch",
      "pubKeyAuth does not match the TLS public key (possible man-in-the-middle)" },
    { CREDSSP_E_CRYPTO, "crypto_failure", "integrity check or cryptographic operation failed" },
    { CREDSSP_E_LOGON_FAILURE, "logon_failure", "unknown user name or bad password" },
    { CREDSSP_E_GSS, "gss_failure", "GSSAPI failure" },
    { CREDSSP_E_NO_ACCEPTOR_CRED, "no_acceptor_cred", "no usable keytab or NTLM key file" },
    { CREDSSP_E_TLS, "tls_failure", "TLS failure" },
    { CREDSSP_E_POLICY_VERSION, "version_refused", "client CredSSP version below the minimum" },
    { CREDSSP_E_POLICY_MECH, "mech_refused", "authentication mechanism not allowed" },
    { CREDSSP_E_POLICY_CRED_TYPE, "cred_type_refused", "credential type not allowed" },
    { CREDSSP_E_IDENTITY_MISMATCH, "identity_mismatch",
      "delegated user differs from the authenticated user" },
    { CREDSSP_E_TOO_MANY_ROUNDS, "too_many_rounds", "too many negotiation messages" },
    { CREDSSP_E_TIMEOUT, "timeout", "deadline exceeded" },
    { CREDSSP_E_NOMEM, "out_of_memory", "out of memory" },
    { CREDSSP_E_IO, "io_error", "input/output error" },
    { CREDSSP_E_CLOSED, "closed", "connection closed by the peer" },
    { CREDSSP_E_INTERNAL, "internal_error", "internal error" },
};

static const struct error_entry *
find(credssp_error err)
{
    for (size_t i = 0; i < CSSP_COUNT(error_table); i++) {
        if (error_table[i].code == err)
            return &error_table[i];
    }
    return NULL;
}

CREDSSP_API const char *
credssp_strerror(credssp_error err)
{
    const struct error_entry *e = find(err);

    return e != NULL ? e->message : "unknown error";
}

CREDSSP_API const char *
credssp_error_name(credssp_error err)
{
    const struct error_entry *e = find(err);

    return e != NULL ? e->name : "unknown";
}

CREDSSP_API credssp_error_category
credssp_error_category_of(credssp_error err)
{
    unsigned cat = ((unsigned)err >> 8) & 0xff;

    if (err == CREDSSP_OK || find(err) == NULL || cat > CREDSSP_CAT_INTERNAL)
        return CREDSSP_CAT_NONE;
    return (credssp_error_category)cat;
}
