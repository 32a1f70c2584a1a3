/*
 * gss.c - GSSAPI acceptor glue for CredSSP (MS-CSSP 3.1.5; docs/GSSAPI.md).
 *
 * One acceptor credential serves SPNEGO(Kerberos), SPNEGO(NTLM), raw NTLM
 * and raw Kerberos: gss_acquire_cred_from(TERMSRV host-based name without a
 * host, {SPNEGO, NTLM, krb5}, ACCEPT, {keytab, ntlmssp_keyfile}).  Wrap
 * tokens use the layout Windows SSPI produces: NTLM gss_wrap output already is
 * signature || sealed data; Kerberos needs gss_wrap_iov with a HEADER and no
 * TRAILER buffer (EC=0, RRC=28), which FreeRDP 3 requires.  gss_unwrap
 * accepts any RRC.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <openssl/crypto.h>

#include "der.h"
#include "gss.h"
#include "secret.h"

static char spnego_bytes[] = CSSP_OID_SPNEGO;
static char ntlm_bytes[] = CSSP_OID_NTLM;
static char krb5_bytes[] = CSSP_OID_KRB5;
static char mskrb5_bytes[] = CSSP_OID_MSKRB5;
static gss_OID_desc spnego_oid = { 6, spnego_bytes };
static gss_OID_desc ntlm_oid = { 10, ntlm_bytes };
static gss_OID_desc krb5_oid = { 9, krb5_bytes };
static gss_OID_desc mskrb5_oid = { 9, mskrb5_bytes };

/* Size of the NTLM VERSION structure (MS-NLMP 2.2.2.10) the shim appends. */
#define NTLM_VERSION_LEN 8u

/* GSSAPI input buffers are declared non-const but are never written. */
static void *
unconst(const void *p)
{
    union {
        const void *c;
        void *v;
    } u = { p };

    return u.v;
}

void
cssp_gss_init(struct cssp_gss *g)
{
    *g = (struct cssp_gss){ 0 };
    g->ctx = GSS_C_NO_CONTEXT;
    g->own_cred = GSS_C_NO_CREDENTIAL;
    g->keyfile_fd = -1;
    g->src_name = GSS_C_NO_NAME;
}

void
cssp_gss_clear(struct cssp_gss *g)
{
    OM_uint32 min;

    if (g == NULL)
        return;
    if (g->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&min, &g->ctx, GSS_C_NO_BUFFER);
    cssp_gss_release_cred(&g->own_cred);
    if (g->keyfile_fd >= 0)
        close(g->keyfile_fd);
    free(g->principal);
    if (g->src_name != GSS_C_NO_NAME)
        gss_release_name(&min, &g->src_name);
    cssp_gss_init(g);
}

void
cssp_gss_release_cred(gss_cred_id_t *cred)
{
    OM_uint32 min;

    if (cred != NULL && *cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, cred);
}

static bool
oid_equal(const gss_OID a, const gss_OID_desc *b)
{
    return a != GSS_C_NO_OID && a->length == b->length &&
           memcmp(a->elements, b->elements, b->length) == 0;
}

/* Append "maj/min: text" of a GSS status to buf (for logs; never secret). */
static void
describe_status(OM_uint32 maj, OM_uint32 min, gss_OID mech, char *buf, size_t cap)
{
    OM_uint32 m, ctx = 0;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    size_t used;

    used = (size_t)snprintf(buf, cap, "maj 0x%x min %u", maj, min);
    if (used >= cap)
        return;
    if (gss_display_status(&m, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &text) == 0) {
        used += (size_t)snprintf(buf + used, cap - used, ": %.*s", (int)text.length,
                                 (const char *)text.value);
        gss_release_buffer(&m, &text);
    }
    ctx = 0;
    if (used < cap && min != 0 &&
        gss_display_status(&m, min, GSS_C_MECH_CODE, mech, &ctx, &text) == 0) {
        snprintf(buf + used, cap - used, " (%.*s)", (int)text.length, (const char *)text.value);
        gss_release_buffer(&m, &text);
    }
}

/*
 * Kerberos needs a keytab: the configured one, KRB5_KTNAME, or the default
 * /etc/krb5.keytab.  Without one MIT's krb5 acquire fails (and leaks a
 * principal on that path in 1.20), so the krb5 element is not requested.
 */
static bool
kerberos_possible(const struct credssp_config *cfg)
{
    return cfg->keytab != NULL || secure_getenv("KRB5_KTNAME") != NULL ||
           access("/etc/krb5.keytab", R_OK) == 0;
}

credssp_error
cssp_gss_acquire(const struct credssp_config *cfg, const char *keyfile_override,
                 gss_cred_id_t *out)
{
    credssp_error ret = CREDSSP_E_NO_ACCEPTOR_CRED;
    OM_uint32 maj, min;
    gss_name_t name = GSS_C_NO_NAME;
    gss_buffer_desc nb;
    gss_OID_desc mech_list[3];
    gss_OID_set_desc mechs = { 0, mech_list };
    gss_key_value_element_desc els[2];
    gss_key_value_set_desc store = { 0, els };
    const char *keyfile = keyfile_override != NULL ? keyfile_override : cfg->ntlm_keyfile;
    char why[256];

    *out = GSS_C_NO_CREDENTIAL;
    nb.value = cfg->service;
    nb.length = strlen(cfg->service);
    maj = gss_import_name(&min, &nb, GSS_C_NT_HOSTBASED_SERVICE, &name);
    if (GSS_ERROR(maj)) {
        ret = CREDSSP_E_GSS;
        goto cleanup;
    }
    mech_list[mechs.count++] = spnego_oid;
    if (cfg->mechs & CREDSSP_MECH_NTLM)
        mech_list[mechs.count++] = ntlm_oid;
    if ((cfg->mechs & CREDSSP_MECH_KERBEROS) && kerberos_possible(cfg))
        mech_list[mechs.count++] = krb5_oid;
    if (cfg->keytab != NULL)
        els[store.count++] = (gss_key_value_element_desc){ "keytab", cfg->keytab };
    if (keyfile != NULL && (cfg->mechs & CREDSSP_MECH_NTLM))
        els[store.count++] = (gss_key_value_element_desc){ GSS_NTLMSSP_CS_KEYFILE, keyfile };
    maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &store,
                                out, NULL, NULL);
    if (GSS_ERROR(maj)) {
        describe_status(maj, min, GSS_C_NO_OID, why, sizeof(why));
        cssp_log(cfg, LOG_ERR, "credssp: cannot acquire acceptor credential: %s", why);
        goto cleanup;
    }
    /* SPNEGO offers only the mechanisms the policy allows. */
    mechs.count = 0;
    if (cfg->mechs & CREDSSP_MECH_NTLM)
        mech_list[mechs.count++] = ntlm_oid;
    if (cfg->mechs & CREDSSP_MECH_KERBEROS) {
        mech_list[mechs.count++] = krb5_oid;
        mech_list[mechs.count++] = mskrb5_oid;
    }
    maj = gss_set_neg_mechs(&min, *out, &mechs);
    if (GSS_ERROR(maj)) {
        describe_status(maj, min, GSS_C_NO_OID, why, sizeof(why));
        cssp_log(cfg, LOG_ERR, "credssp: cannot restrict SPNEGO mechanisms: %s", why);
        cssp_gss_release_cred(out);
        ret = CREDSSP_E_GSS;
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    if (name != GSS_C_NO_NAME)
        gss_release_name(&min, &name);
    return ret;
}

bool
cssp_gss_spnego_offers(const uint8_t *tok, size_t len, unsigned allowed)
{
    unsigned offered = 0;

    /* A list that cannot be read here is left to SPNEGO to judge. */
    if (cssp_sniff_spnego_mechs(tok, len, &offered) != CREDSSP_OK)
        return true;
    return (offered & allowed) != 0;
}

/*
 * Interop shim: impacket 0.10 (rdp_check.py) sends a 32-byte NEGOTIATE with no
 * VERSION field; gss-ntlmssp requires the 40-byte form.  Appending 8 zero bytes
 * (an empty VERSION) is safe because such a client sends no MIC over its
 * NEGOTIATE (docs/GSSAPI.md §3).  Returns a malloc'd padded copy or NULL.
 */
static uint8_t *
pad_short_negotiate(const uint8_t *in, size_t len)
{
    uint8_t *copy;

    if (!cssp_sniff_short_negotiate(in, len))
        return NULL;
    copy = calloc(1, len + NTLM_VERSION_LEN);
    if (copy != NULL)
        memcpy(copy, in, len);
    return copy;
}

/* Copy a GSS buffer into a NUL-terminated string without trailing NULs. */
static char *
buffer_to_string(const gss_buffer_desc *b)
{
    size_t n = b->length;
    char *s;

    while (n > 0 && ((const char *)b->value)[n - 1] == '\0')
        n--;   /* gss-ntlmssp counts a trailing NUL (GSSAPI.md §5) */
    if (memchr(b->value, '\0', n) != NULL)
        return NULL;
    s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, b->value, n);
        s[n] = '\0';
    }
    return s;
}

/* Record mechanism, display name and local name of a completed context. */
static credssp_error
record_identity(struct cssp_gss *g, gss_name_t src, gss_OID mech)
{
    OM_uint32 maj, min;
    gss_buffer_desc b = GSS_C_EMPTY_BUFFER;

    if (oid_equal(mech, &ntlm_oid))
        g->mech = CREDSSP_MECH_NTLM;
    else if (oid_equal(mech, &krb5_oid) || oid_equal(mech, &mskrb5_oid))
        g->mech = CREDSSP_MECH_KERBEROS;
    else
        return CREDSSP_E_GSS;
    maj = gss_display_name(&min, src, &b, NULL);
    if (GSS_ERROR(maj))
        return CREDSSP_E_GSS;
    g->principal = buffer_to_string(&b);
    gss_release_buffer(&min, &b);
    if (g->principal == NULL || g->principal[0] == '\0')
        return CREDSSP_E_GSS;
    /* The local name is computed on demand (result.h); keep the name. */
    maj = gss_duplicate_name(&min, src, &g->src_name);
    return GSS_ERROR(maj) ? CREDSSP_E_GSS : CREDSSP_OK;
}

static credssp_error
map_accept_error(OM_uint32 maj)
{
    switch (GSS_ROUTINE_ERROR(maj)) {
    case GSS_S_DEFECTIVE_TOKEN:
    case GSS_S_BAD_MECH:
        return CREDSSP_E_BAD_TOKEN;
    case GSS_S_NO_CRED:
        return CREDSSP_E_NO_ACCEPTOR_CRED;
    default:
        return CREDSSP_E_LOGON_FAILURE;
    }
}

credssp_error
cssp_gss_accept(struct cssp_gss *g, gss_cred_id_t cred, const uint8_t *in, size_t in_len,
                uint8_t **out, size_t *out_len)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    OM_uint32 maj, min = 0, flags = 0;
    gss_buffer_desc inb, outb = GSS_C_EMPTY_BUFFER;
    gss_name_t src = GSS_C_NO_NAME;
    gss_OID mech = GSS_C_NO_OID;
    uint8_t *padded = NULL;

    *out = NULL;
    *out_len = 0;
    if (g->complete)
        return CREDSSP_E_UNEXPECTED;
    padded = g->ctx == GSS_C_NO_CONTEXT ? pad_short_negotiate(in, in_len) : NULL;
    inb.value = padded != NULL ? padded : unconst(in);
    inb.length = padded != NULL ? in_len + NTLM_VERSION_LEN : in_len;
    maj = gss_accept_sec_context(&min, &g->ctx, cred, &inb, GSS_C_NO_CHANNEL_BINDINGS, &src,
                                 &mech, &outb, &flags, NULL, NULL);
    if (GSS_ERROR(maj)) {
        describe_status(maj, min, mech, g->status_text, sizeof(g->status_text));
        ret = map_accept_error(maj);
        goto cleanup;
    }
    if (outb.length > 0) {
        *out = malloc(outb.length);
        if (*out == NULL) {
            ret = CREDSSP_E_NOMEM;
            goto cleanup;
        }
        memcpy(*out, outb.value, outb.length);
        *out_len = outb.length;
    }
    if (maj == GSS_S_COMPLETE) {
        if ((flags & GSS_C_CONF_FLAG) == 0) {
            snprintf(g->status_text, sizeof(g->status_text), "no confidentiality");
            ret = CREDSSP_E_GSS;
            goto cleanup;
        }
        ret = record_identity(g, src, mech);
        if (ret != CREDSSP_OK)
            goto cleanup;
        g->complete = true;
    }
    ret = CREDSSP_OK;

cleanup:
    if (ret != CREDSSP_OK) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    free(padded);
    gss_release_buffer(&min, &outb);
    if (src != GSS_C_NO_NAME)
        gss_release_name(&min, &src);
    return ret;
}

/* Kerberos: header || data || padding from gss_wrap_iov (Windows layout). */
static credssp_error
wrap_krb5(struct cssp_gss *g, const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    OM_uint32 maj, min;
    gss_iov_buffer_desc iov[3];
    int conf = 0;
    uint8_t *data = NULL, *buf = NULL;
    size_t total;

    data = malloc(len > 0 ? len : 1);
    if (data == NULL)
        return CREDSSP_E_NOMEM;
    if (len != 0)
        memcpy(data, in, len);
    memset(iov, 0, sizeof(iov));
    iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[1].buffer.value = data;
    iov[1].buffer.length = len;
    iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    maj = gss_wrap_iov(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
    if (GSS_ERROR(maj) || !conf) {
        describe_status(maj, min, GSS_C_NO_OID, g->status_text, sizeof(g->status_text));
        goto cleanup;
    }
    total = iov[0].buffer.length + len + iov[2].buffer.length;
    buf = malloc(total);
    if (buf == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    memcpy(buf, iov[0].buffer.value, iov[0].buffer.length);
    if (len != 0)
        memcpy(buf + iov[0].buffer.length, data, len);
    if (iov[2].buffer.length != 0)   /* AES: never padding, and value is NULL */
        memcpy(buf + iov[0].buffer.length + len, iov[2].buffer.value, iov[2].buffer.length);
    *out = buf;
    *out_len = total;
    ret = CREDSSP_OK;

cleanup:
    gss_release_iov_buffer(&min, iov, 3);
    free(data);
    return ret;
}

credssp_error
cssp_gss_wrap(struct cssp_gss *g, const uint8_t *in, size_t len, uint8_t **out,
              size_t *out_len)
{
    OM_uint32 maj, min;
    gss_buffer_desc inb, outb = GSS_C_EMPTY_BUFFER;
    int conf = 0;

    *out = NULL;
    *out_len = 0;
    if (!g->complete)
        return CREDSSP_E_STATE;
    if (g->mech == CREDSSP_MECH_KERBEROS)
        return wrap_krb5(g, in, len, out, out_len);
    inb.value = unconst(in);
    inb.length = len;
    maj = gss_wrap(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &inb, &conf, &outb);
    if (GSS_ERROR(maj) || !conf) {
        describe_status(maj, min, GSS_C_NO_OID, g->status_text, sizeof(g->status_text));
        gss_release_buffer(&min, &outb);
        return CREDSSP_E_CRYPTO;
    }
    *out = malloc(outb.length);
    if (*out == NULL) {
        gss_release_buffer(&min, &outb);
        return CREDSSP_E_NOMEM;
    }
    memcpy(*out, outb.value, outb.length);
    *out_len = outb.length;
    gss_release_buffer(&min, &outb);
    return CREDSSP_OK;
}

credssp_error
cssp_gss_unwrap(struct cssp_gss *g, const uint8_t *in, size_t len, credssp_secret **out)
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    OM_uint32 maj, min;
    gss_buffer_desc inb, outb = GSS_C_EMPTY_BUFFER;
    int conf = 0;
    uint8_t *data = NULL;

    *out = NULL;
    if (!g->complete)
        return CREDSSP_E_STATE;
    inb.value = unconst(in);
    inb.length = len;
    maj = gss_unwrap(&min, g->ctx, &inb, &outb, &conf, NULL);
    if (GSS_ERROR(maj) || !conf) {
        describe_status(maj, min, GSS_C_NO_OID, g->status_text, sizeof(g->status_text));
        goto cleanup;
    }
    ret = cssp_secret_alloc(CREDSSP_SECRET_BLOB, outb.length, out, &data);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (outb.length != 0)
        memcpy(data, outb.value, outb.length);

cleanup:
    if (outb.value != NULL)
        OPENSSL_cleanse(outb.value, outb.length);
    gss_release_buffer(&min, &outb);
    return ret;
}
