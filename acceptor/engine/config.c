/*
 * config.c - acceptor configuration and policy (MS-CSSP 3.1.5, 5.1).
 *
 * Defaults: minimum client version 5 (the CVE-2018-0886 fix, MS-CSSP 5.1
 * "support version 5 or higher only"), NTLM and Kerberos allowed, password
 * and smart-card credentials accepted, Restricted Admin and Remote Guard
 * refused, TSRequest cap 65539 bytes (what FreeRDP's framer accepts),
 * 16 client messages, 30 s deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "binding.h"
#include "acceptor_config.h"
#include "keyindex.h"
#include "gss.h"

#define DEFAULT_MAX_ROUNDS 16u
#define DEFAULT_TIMEOUT_MS 30000u

CREDSSP_API credssp_error
credssp_config_new(credssp_config **out)
{
    credssp_error ret = CREDSSP_E_NOMEM;
    credssp_config *cfg = NULL;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL)
        goto cleanup;
    cfg->service = strdup("TERMSRV");
    if (cfg->service == NULL)
        goto cleanup;
    cfg->min_version = 5;
    cfg->mechs = CREDSSP_MECH_NTLM | CREDSSP_MECH_KERBEROS;
    cfg->cred_types = CREDSSP_CRED_PASSWORD | CREDSSP_CRED_SMARTCARD;
    cfg->max_message = CSSP_MAX_TSREQUEST;
    cfg->max_rounds = DEFAULT_MAX_ROUNDS;
    cfg->timeout_ms = DEFAULT_TIMEOUT_MS;
    cfg->gss_cred = GSS_C_NO_CREDENTIAL;
    *out = cfg;
    cfg = NULL;
    ret = CREDSSP_OK;

cleanup:
    credssp_config_free(cfg);
    return ret;
}

CREDSSP_API void
credssp_config_free(credssp_config *cfg)
{
    if (cfg == NULL)
        return;
    cssp_keyindex_free(cfg->keyindex);   /* first: stops its thread, which logs through cfg */
    cssp_lookup_pool_free(cfg->lookup_pool);
    free(cfg->cert_file);
    free(cfg->key_file);
    SSL_CTX_free(cfg->ssl_ctx);
    free(cfg->keytab);
    free(cfg->ntlm_keyfile);
    free(cfg->service);
    cssp_gss_release_cred(&cfg->gss_cred);
    free(cfg);
}

/* Replace *slot with a copy of value (NULL clears). */
static credssp_error
set_string(credssp_config *cfg, char **slot, const char *value)
{
    char *copy = NULL;

    if (cfg == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    if (value != NULL) {
        copy = strdup(value);
        if (copy == NULL)
            return CREDSSP_E_NOMEM;
    }
    free(*slot);
    *slot = copy;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_tls_files(credssp_config *cfg, const char *cert_pem, const char *key_pem)
{
    credssp_error ret;

    if (cfg == NULL || cert_pem == NULL || key_pem == NULL)
        return CREDSSP_E_INVALID_ARG;
    ret = set_string(cfg, &cfg->cert_file, cert_pem);
    if (ret == CREDSSP_OK)
        ret = set_string(cfg, &cfg->key_file, key_pem);
    return ret;
}

CREDSSP_API credssp_error
credssp_config_set_ssl_ctx(credssp_config *cfg, void *ssl_ctx)
{
    if (cfg == NULL || ssl_ctx == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    if (SSL_CTX_up_ref(ssl_ctx) != 1)
        return CREDSSP_E_TLS;
    SSL_CTX_free(cfg->ssl_ctx);
    cfg->ssl_ctx = ssl_ctx;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_keytab(credssp_config *cfg, const char *path)
{
    return cfg != NULL ? set_string(cfg, &cfg->keytab, path) : CREDSSP_E_INVALID_ARG;
}

CREDSSP_API credssp_error
credssp_config_set_ntlm_keyfile(credssp_config *cfg, const char *path)
{
    credssp_error ret = cfg != NULL ? set_string(cfg, &cfg->ntlm_keyfile, path)
                                    : CREDSSP_E_INVALID_ARG;

    if (ret == CREDSSP_OK)
        cfg->ntlm_indexed = false;
    return ret;
}

CREDSSP_API credssp_error
credssp_config_set_ntlm_keyfile_indexed(credssp_config *cfg, const char *path)
{
    credssp_error ret;

    if (path == NULL)
        return CREDSSP_E_INVALID_ARG;
    ret = credssp_config_set_ntlm_keyfile(cfg, path);
    if (ret == CREDSSP_OK)
        cfg->ntlm_indexed = true;
    return ret;
}

CREDSSP_API void
credssp_config_before_fork(credssp_config *cfg)
{
    if (cfg != NULL)
        cssp_keyindex_stop_watcher(cfg->keyindex);
}

CREDSSP_API credssp_error
credssp_config_after_fork(credssp_config *cfg)
{
    if (cfg == NULL)
        return CREDSSP_E_INVALID_ARG;
    return cssp_keyindex_after_fork(cfg->keyindex);
}

CREDSSP_API credssp_error
credssp_config_reload_ntlm_keyfile(const credssp_config *cfg)
{
    if (cfg == NULL || cfg->keyindex == NULL)
        return CREDSSP_E_STATE;
    cssp_keyindex_request_reload(cfg->keyindex);
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_ntlm_lookup(credssp_config *cfg, credssp_ntlm_lookup_fn fn, void *userdata)
{
    if (cfg == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    cfg->lookup = fn;
    cfg->lookup_data = userdata;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_service(credssp_config *cfg, const char *service)
{
    if (cfg == NULL || service == NULL || service[0] == '\0' || strchr(service, '@') != NULL)
        return CREDSSP_E_INVALID_ARG;
    return set_string(cfg, &cfg->service, service);
}

CREDSSP_API credssp_error
credssp_config_set_min_version(credssp_config *cfg, int version)
{
    if (cfg == NULL || version < 2 || version > CSSP_MAX_VERSION)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    cfg->min_version = version;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_mechs(credssp_config *cfg, unsigned mechs)
{
    const unsigned all = CREDSSP_MECH_NTLM | CREDSSP_MECH_KERBEROS;

    if (cfg == NULL || mechs == 0 || (mechs & ~all) != 0)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    cfg->mechs = mechs;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_cred_types(credssp_config *cfg, unsigned types)
{
    const unsigned all = CREDSSP_CRED_PASSWORD | CREDSSP_CRED_SMARTCARD |
                         CREDSSP_CRED_RESTRICTED_ADMIN | CREDSSP_CRED_REMOTE_GUARD;

    if (cfg == NULL || types == 0 || (types & ~all) != 0)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    cfg->cred_types = types;
    return CREDSSP_OK;
}

CREDSSP_API credssp_error
credssp_config_set_limits(credssp_config *cfg, size_t max_message, unsigned max_rounds,
                          unsigned timeout_ms)
{
    if (cfg == NULL || max_message < 64 || max_message > CSSP_MAX_TSREQUEST ||
        max_rounds < 2 || max_rounds > 64)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    cfg->max_message = max_message;
    cfg->max_rounds = max_rounds;
    cfg->timeout_ms = timeout_ms;
    return CREDSSP_OK;
}

CREDSSP_API void
credssp_config_set_log(credssp_config *cfg, credssp_log_fn fn, void *userdata)
{
    if (cfg == NULL)
        return;
    cfg->log = fn;
    cfg->log_data = userdata;
}

/* Build the TLS server context from PEM files (no resumption: MS-CSSP 3.1.5). */
static credssp_error
prepare_tls(credssp_config *cfg)
{
    credssp_error ret = CREDSSP_E_TLS;
    SSL_CTX *ctx = NULL;
    uint8_t *spk = NULL;
    size_t spk_len = 0;

    if (cfg->ssl_ctx == NULL && cfg->cert_file == NULL)
        return CREDSSP_OK;    /* application-owned TLS only */
    if (cfg->ssl_ctx == NULL) {
        ctx = SSL_CTX_new(TLS_server_method());
        if (ctx == NULL)
            goto cleanup;
        if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            cssp_log(cfg, LOG_ERR, "credssp: cannot load certificate %s / key %s",
                     cfg->cert_file, cfg->key_file);
            ret = CREDSSP_E_CONFIG;
            goto cleanup;
        }
        cfg->ssl_ctx = ctx;
        ctx = NULL;
    }
    SSL_CTX_set_session_cache_mode(cfg->ssl_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(cfg->ssl_ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_num_tickets(cfg->ssl_ctx, 0);
    /* Refuse now a certificate whose public key cannot be bound (engine.c
     * binds the one each handshake presents). */
    ret = cssp_binding_spk_from_x509(SSL_CTX_get0_certificate(cfg->ssl_ctx), &spk, &spk_len);
    free(spk);

cleanup:
    SSL_CTX_free(ctx);
    return ret;
}

CREDSSP_API credssp_error
credssp_config_prepare(credssp_config *cfg)
{
    credssp_error ret;

    if (cfg == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (cfg->prepared)
        return CREDSSP_E_STATE;
    ret = prepare_tls(cfg);
    if (ret != CREDSSP_OK)
        return ret;
    if (cfg->ntlm_indexed && cfg->keyindex == NULL) {
        /* The index answers as the lookup callback (ntlm_lookup.c's memfd mode). */
        if (cfg->lookup != NULL)
            return CREDSSP_E_INVALID_ARG;
        ret = cssp_keyindex_open(cfg, cfg->ntlm_keyfile, &cfg->keyindex);
        if (ret != CREDSSP_OK)
            return ret;
        cfg->lookup = cssp_keyindex_lookup;
        cfg->lookup_data = cfg->keyindex;
    }
    if (cfg->lookup == NULL) {
        ret = cssp_gss_acquire(cfg, NULL, &cfg->gss_cred);
        if (ret != CREDSSP_OK)
            return ret;
    } else if (cfg->lookup_pool == NULL) {
        ret = cssp_lookup_pool_new(&cfg->lookup_pool);
        if (ret != CREDSSP_OK)
            return ret;
    }
    cfg->prepared = true;
    return CREDSSP_OK;
}
