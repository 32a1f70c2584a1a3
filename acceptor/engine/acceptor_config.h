/*
 * config.h - the shared, read-only-once-prepared acceptor configuration.
 *
 * One credssp_config serves many engines: the GSS acceptor credential
 * (docs/GSSAPI.md §1: one credential for every mechanism)
 * and the TLS context are made once, in credssp_config_prepare().
 */
#ifndef CSSP_CONFIG_H
#define CSSP_CONFIG_H

#include <gssapi/gssapi.h>
#include <openssl/ssl.h>

#include "internal.h"

struct credssp_config {
    char *cert_file;
    char *key_file;
    SSL_CTX *ssl_ctx;            /* owned reference */
    char *keytab;
    char *ntlm_keyfile;
    bool ntlm_indexed;           /* load ntlm_keyfile into keyindex at prepare */
    struct cssp_keyindex *keyindex; /* owned; serves as lookup when set */
    credssp_ntlm_lookup_fn lookup;
    void *lookup_data;
    struct cssp_lookup_pool *lookup_pool; /* idle per-exchange credentials (ntlm_lookup.c) */
    char *service;               /* "TERMSRV" */
    int min_version;             /* 2..6 */
    unsigned mechs;              /* enum credssp_mech bits */
    unsigned cred_types;         /* enum credssp_cred_type bits */
    size_t max_message;
    unsigned max_rounds;
    unsigned timeout_ms;
    credssp_log_fn log;
    void *log_data;

    bool prepared;
    gss_cred_id_t gss_cred;      /* acquired once; GSS_C_NO_CREDENTIAL before prepare */
};

/* Log through the configured sink (printf-style; never pass a secret); log.c. */
void cssp_log(const struct credssp_config *cfg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* CSSP_CONFIG_H */
