/*
 * result.c - accessors for the outcome of a CredSSP exchange (credssp.h).
 *
 * The delegated credential (MS-CSSP 2.2.1.2) stays in its credssp_secret;
 * accessors hand out borrowed views only.
 */
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi_ext.h>

#include "result.h"

void
cssp_result_clear(struct credssp_result *r)
{
    if (r == NULL)
        return;
    free(r->principal);
    free(r->local_name);
    if (r->name != GSS_C_NO_NAME) {
        OM_uint32 min;

        gss_release_name(&min, &r->name);
    }
    cssp_ts_credentials_clear(&r->creds);
    *r = (struct credssp_result){ 0 };
}

credssp_error
cssp_result_new(struct credssp_result **out)
{
    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? CREDSSP_OK : CREDSSP_E_NOMEM;
}

CREDSSP_API void
credssp_result_free(credssp_result *r)
{
    cssp_result_clear(r);
    free(r);
}

CREDSSP_API unsigned
credssp_result_mech(const credssp_result *r)
{
    return r != NULL ? r->mech : CREDSSP_MECH_NONE;
}

CREDSSP_API int
credssp_result_spnego(const credssp_result *r)
{
    return r != NULL && r->spnego;
}

CREDSSP_API int
credssp_result_client_version(const credssp_result *r)
{
    return r != NULL ? r->client_version : 0;
}

CREDSSP_API unsigned
credssp_result_binding(const credssp_result *r)
{
    return r != NULL ? r->binding : CREDSSP_BINDING_NONE;
}

CREDSSP_API const char *
credssp_result_principal(const credssp_result *r)
{
    return r != NULL ? r->principal : NULL;
}

/* Copy the NUL-free name of n bytes into buf as a C string. */
static credssp_error
copy_name(const char *name, size_t n, char *buf, size_t cap)
{
    if (n >= cap)
        return CREDSSP_E_TOO_LARGE;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return CREDSSP_OK;
}

/* gss_localname of the kept name, trailing NULs trimmed (gss-ntlmssp counts
 * one); "" when it has none or an embedded NUL. */
static credssp_error
compute_local_name(gss_name_t name, char *buf, size_t cap)
{
    OM_uint32 maj, min;
    gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
    credssp_error ret = CREDSSP_OK;
    size_t n;

    maj = gss_localname(&min, name, GSS_C_NO_OID, &b);
    if (GSS_ERROR(maj))
        return CREDSSP_OK;
    n = b.length;
    while (n > 0 && ((const char *)b.value)[n - 1] == '\0')
        n--;
    if (n > 0 && memchr(b.value, '\0', n) == NULL)
        ret = copy_name(b.value, n, buf, cap);
    gss_release_buffer(&min, &b);
    return ret;
}

CREDSSP_API credssp_error
credssp_result_local_name(const credssp_result *r, char *buf, size_t cap)
{
    if (r == NULL || buf == NULL || cap == 0)
        return CREDSSP_E_INVALID_ARG;
    buf[0] = '\0';
    if (r->local_name != NULL)
        return copy_name(r->local_name, strlen(r->local_name), buf, cap);
    if (r->name == GSS_C_NO_NAME)
        return CREDSSP_OK;
    return compute_local_name(r->name, buf, cap);
}

CREDSSP_API unsigned
credssp_result_cred_type(const credssp_result *r)
{
    return r != NULL ? r->cred_type : CREDSSP_CRED_NONE;
}

CREDSSP_API const char *
credssp_result_user(const credssp_result *r)
{
    if (r == NULL)
        return NULL;
    switch (r->creds.cred_type) {
    case CSSP_CREDTYPE_PASSWORD:
        return r->creds.password.user;
    case CSSP_CREDTYPE_SMARTCARD:
        return r->creds.smartcard.user_hint;
    default:
        return NULL;
    }
}

CREDSSP_API const char *
credssp_result_domain(const credssp_result *r)
{
    if (r == NULL)
        return NULL;
    switch (r->creds.cred_type) {
    case CSSP_CREDTYPE_PASSWORD:
        return r->creds.password.domain;
    case CSSP_CREDTYPE_SMARTCARD:
        return r->creds.smartcard.domain_hint;
    default:
        return NULL;
    }
}

CREDSSP_API const credssp_secret *
credssp_result_secret(const credssp_result *r)
{
    if (r == NULL)
        return NULL;
    if (r->cred_type == CREDSSP_CRED_PASSWORD)
        return r->creds.password.password;
    if (r->cred_type == CREDSSP_CRED_SMARTCARD)
        return r->creds.smartcard.pin;
    return NULL;
}

static const struct cssp_csp_data *
csp(const credssp_result *r)
{
    if (r == NULL || r->cred_type != CREDSSP_CRED_SMARTCARD)
        return NULL;
    return &r->creds.smartcard.csp;
}

CREDSSP_API int
credssp_result_sc_key_spec(const credssp_result *r)
{
    return csp(r) != NULL ? csp(r)->key_spec : 0;
}

CREDSSP_API const char *
credssp_result_sc_card_name(const credssp_result *r)
{
    return csp(r) != NULL ? csp(r)->card_name : NULL;
}

CREDSSP_API const char *
credssp_result_sc_reader_name(const credssp_result *r)
{
    return csp(r) != NULL ? csp(r)->reader_name : NULL;
}

CREDSSP_API const char *
credssp_result_sc_container_name(const credssp_result *r)
{
    return csp(r) != NULL ? csp(r)->container_name : NULL;
}

CREDSSP_API const char *
credssp_result_sc_csp_name(const credssp_result *r)
{
    return csp(r) != NULL ? csp(r)->csp_name : NULL;
}

static const struct cssp_rg_package *
rg_package(const credssp_result *r, size_t i)
{
    const struct cssp_remote_guard_creds *rg;

    if (r == NULL || r->cred_type != CREDSSP_CRED_REMOTE_GUARD)
        return NULL;
    rg = &r->creds.remote_guard;
    if (i == 0)
        return &rg->logon;
    if (i - 1 < rg->n_supplemental)
        return &rg->supplemental[i - 1];
    return NULL;
}

CREDSSP_API size_t
credssp_result_rg_package_count(const credssp_result *r)
{
    if (r == NULL || r->cred_type != CREDSSP_CRED_REMOTE_GUARD)
        return 0;
    return 1 + r->creds.remote_guard.n_supplemental;
}

CREDSSP_API const char *
credssp_result_rg_package_name(const credssp_result *r, size_t i)
{
    const struct cssp_rg_package *p = rg_package(r, i);

    return p != NULL ? p->package_name : NULL;
}

CREDSSP_API size_t
credssp_result_rg_buffer_len(const credssp_result *r, size_t i)
{
    const struct cssp_rg_package *p = rg_package(r, i);

    return p != NULL ? credssp_secret_len(p->cred_buffer) : 0;
}

CREDSSP_API uint32_t
credssp_result_error_code(const credssp_result *r)
{
    return r != NULL ? r->error_code : 0;
}

CREDSSP_API const char *
credssp_mech_name(unsigned mech)
{
    switch (mech) {
    case CREDSSP_MECH_NTLM:
        return "ntlm";
    case CREDSSP_MECH_KERBEROS:
        return "kerberos";
    default:
        return NULL;
    }
}

CREDSSP_API const char *
credssp_binding_name(unsigned binding)
{
    switch (binding) {
    case CREDSSP_BINDING_HASH:
        return "hash";
    case CREDSSP_BINDING_ECHO:
        return "echo";
    default:
        return NULL;
    }
}

CREDSSP_API const char *
credssp_cred_type_name(unsigned type)
{
    switch (type) {
    case CREDSSP_CRED_NONE:
        return "none";
    case CREDSSP_CRED_PASSWORD:
        return "password";
    case CREDSSP_CRED_SMARTCARD:
        return "smartcard";
    case CREDSSP_CRED_RESTRICTED_ADMIN:
        return "restricted_admin";
    case CREDSSP_CRED_REMOTE_GUARD:
        return "remote_guard";
    default:
        return NULL;
    }
}
