/*
 * tscred.h - TSCredentials and the credential structures (MS-CSSP 2.2.1.2).
 *
 *   TSCredentials ::= SEQUENCE { credType [0] INTEGER, credentials [1] OCTET STRING }
 *   TSPasswordCreds ::= SEQUENCE { domainName [0] OCTET STRING,
 *                                  userName [1] OCTET STRING, password [2] OCTET STRING }
 *   TSSmartCardCreds ::= SEQUENCE { pin [0] OCTET STRING, cspData [1] TSCspDataDetail,
 *                                   userHint [2] OCTET STRING OPTIONAL,
 *                                   domainHint [3] OCTET STRING OPTIONAL }
 *   TSCspDataDetail ::= SEQUENCE { keySpec [0] INTEGER,
 *                                  cardName [1] OCTET STRING OPTIONAL,
 *                                  readerName [2] OCTET STRING OPTIONAL,
 *                                  containerName [3] OCTET STRING OPTIONAL,
 *                                  cspName [4] OCTET STRING OPTIONAL }
 *   TSRemoteGuardCreds ::= SEQUENCE { logonCred [0] TSRemoteGuardPackageCred,
 *                                     supplementalCreds [1] SEQUENCE OF
 *                                         TSRemoteGuardPackageCred OPTIONAL }
 *   TSRemoteGuardPackageCred ::= SEQUENCE { packageName [0] OCTET STRING,
 *                                           credBuffer [1] OCTET STRING }
 *
 * Strings are UTF-16LE without terminator on the wire and UTF-8 (NUL
 * terminated, no embedded NUL) here.  Password, PIN and Remote Guard
 * credBuffers are decoded straight into credssp_secret, never copied
 * elsewhere.  Restricted Admin: TSPasswordCreds with three empty strings, or
 * an empty inner SEQUENCE (30 00), both decode to restricted_admin = true
 * (cred_type 1, domain and user "", an empty PASSWORD secret); the encoder
 * always writes the three-empty-strings form.
 *
 * Caps (internal.h): names CSSP_MAX_NAME_BYTES and password / PIN
 * CSSP_MAX_SECRET_BYTES of UTF-16, credBuffer CSSP_MAX_RG_BUFFER, at most
 * CSSP_MAX_RG_SUPPLEMENTAL supplemental creds, the whole TSCredentials
 * CSSP_MAX_TOKEN; over a cap is CREDSSP_E_TOO_LARGE for decoder and encoder.
 */
#ifndef CSSP_TSCRED_H
#define CSSP_TSCRED_H

#include "internal.h"

#define CSSP_CREDTYPE_PASSWORD 1
#define CSSP_CREDTYPE_SMARTCARD 2
#define CSSP_CREDTYPE_REMOTE_GUARD 6

struct cssp_password_creds {
    char *domain;                /* "" when empty */
    char *user;
    credssp_secret *password;    /* PASSWORD kind; empty secret when restricted admin */
    bool restricted_admin;       /* all three empty, or 30 00 */
};

struct cssp_csp_data {
    int32_t key_spec;
    char *card_name;             /* NULL when absent */
    char *reader_name;
    char *container_name;
    char *csp_name;
};

struct cssp_smartcard_creds {
    credssp_secret *pin;         /* PIN kind */
    struct cssp_csp_data csp;
    char *user_hint;             /* NULL when absent */
    char *domain_hint;
};

struct cssp_rg_package {
    char *package_name;          /* e.g. "Kerberos", "NTLM" */
    credssp_secret *cred_buffer; /* BLOB kind: tickets/keys are secrets */
};

struct cssp_remote_guard_creds {
    struct cssp_rg_package logon;
    bool has_supplemental;       /* [1] present (possibly empty) */
    size_t n_supplemental;
    struct cssp_rg_package *supplemental;
};

struct cssp_ts_credentials {
    int32_t cred_type;           /* CSSP_CREDTYPE_* */
    struct cssp_password_creds password;        /* cred_type 1 */
    struct cssp_smartcard_creds smartcard;      /* cred_type 2 */
    struct cssp_remote_guard_creds remote_guard;/* cred_type 6 */
};

/* Decode TSCredentials (all of buf).  Unknown credType: CREDSSP_E_BAD_CRED_TYPE. */
CSSP_WUR credssp_error cssp_ts_credentials_decode(const uint8_t *buf, size_t len,
                                                  struct cssp_ts_credentials *out);
/* The same with interop tolerances (CSSP_READ_* of buf.h). */
CSSP_WUR credssp_error cssp_ts_credentials_decode_flags(const uint8_t *buf, size_t len,
                                                        unsigned flags,
                                                        struct cssp_ts_credentials *out);
/* Encode; the output buffer holds secrets: free it with cssp_wipe_free(). */
CSSP_WUR credssp_error cssp_ts_credentials_encode(const struct cssp_ts_credentials *creds,
                                                  uint8_t **out, size_t *len_out);
/* Free every member (wiping secrets) and zero the struct.  NULL-safe. */
void cssp_ts_credentials_clear(struct cssp_ts_credentials *creds);

#endif /* CSSP_TSCRED_H */
