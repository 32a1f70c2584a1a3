/*
 * cssp_client_gss.c - the test client's GSSAPI initiator (MIT mechglue).
 *
 * Credentials (docs/GSSAPI.md §2.4): NTLM from a cred store
 * {ntlmssp_domain, ntlmssp_password} for a GSS_C_NT_USER_NAME; SPNEGO(NTLM)
 * uses the same store acquired for {SPNEGO} and gss_set_neg_mechs({NTLM});
 * Kerberos uses the default ccache (KRB5CCNAME), SPNEGO(Kerberos) restricted
 * with gss_set_neg_mechs({krb5}).
 *
 * Wrap (docs/PROTOCOL.md §3, docs/GSSAPI.md §6.3): NTLM gss_wrap gives the SSPI layout
 * (16-byte signature || RC4 data); Kerberos either gss_wrap_iov(HEADER, DATA,
 * PADDING) = Windows EncryptMessage layout (60-byte header, EC=0, RRC=28) or
 * plain gss_wrap (RRC=0).  Unwrap is gss_unwrap on token || data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "cssp_client_int.h"

static char ntlm_bytes[] = "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a";
static char spnego_bytes[] = "\x2b\x06\x01\x05\x05\x02";
static char krb5_bytes[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02";
static gss_OID_desc ntlm_oid = {10, ntlm_bytes};
static gss_OID_desc spnego_oid = {6, spnego_bytes};
static gss_OID_desc krb5_oid = {9, krb5_bytes};

/* Append the text of one status code kind to why. */
static void
status_text(OM_uint32 code, int type, gss_OID mech, char *why, size_t *used)
{
    OM_uint32 min, ctx = 0;
    gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;

    do {
        if (GSS_ERROR(gss_display_status(&min, code, type, mech, &ctx, &msg)))
            break;
        if (*used < CLI_REASON_LEN)
            *used += (size_t)snprintf(why + *used, CLI_REASON_LEN - *used, " %.*s;",
                                      (int)msg.length, (const char *)msg.value);
        gss_release_buffer(&min, &msg);
    } while (ctx != 0);
}

/* Describe a failed GSS call in why. */
static void
gss_why(char *why, const char *what, OM_uint32 maj, OM_uint32 min, gss_OID mech)
{
    size_t used = (size_t)snprintf(why, CLI_REASON_LEN, "%s: maj 0x%x min %u:", what, maj, min);

    status_text(maj, GSS_C_GSS_CODE, GSS_C_NO_OID, why, &used);
    if (min != 0)
        status_text(min, GSS_C_MECH_CODE, mech, why, &used);
}

/* The GSS mechanism passed to gss_init_sec_context. */
static gss_OID
init_mech(enum cssp_cli_mech m)
{
    switch (m) {
    case CSSP_CLI_RAW_NTLM:
        return &ntlm_oid;
    case CSSP_CLI_RAW_KRB5:
        return &krb5_oid;
    default:
        return &spnego_oid;
    }
}

/* True for the two Kerberos variants. */
static bool
is_krb(enum cssp_cli_mech m)
{
    return m == CSSP_CLI_RAW_KRB5 || m == CSSP_CLI_SPNEGO_KRB5;
}

/* Import a name of the given type from a C string. */
static credssp_error
import_name(const char *s, gss_OID type, gss_name_t *out, char *why)
{
    OM_uint32 maj, min;
    gss_buffer_desc b;
    char *copy = strdup(s);

    if (copy == NULL)
        return CREDSSP_E_NOMEM;
    b.value = copy;
    b.length = strlen(copy);
    maj = gss_import_name(&min, &b, type, out);
    free(copy);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_import_name", maj, min, GSS_C_NO_OID);
        return CREDSSP_E_GSS;
    }
    return CREDSSP_OK;
}

/* NTLM user credential from the cred store, for {NTLM} or {SPNEGO}. */
static credssp_error
acquire_ntlm(struct cli_gss *g, const struct cssp_cli_opts *o, char *why)
{
    credssp_error ret = CREDSSP_E_GSS;
    OM_uint32 maj, min;
    gss_name_t name = GSS_C_NO_NAME;
    gss_key_value_element_desc el[2];
    gss_key_value_set_desc store = {0, el};
    gss_OID_set_desc mechs = {1, g->mech == CSSP_CLI_RAW_NTLM ? &ntlm_oid : &spnego_oid};
    gss_OID_set_desc neg = {1, &ntlm_oid};

    if (o->auth_user == NULL || o->auth_password == NULL) {
        snprintf(why, CLI_REASON_LEN, "NTLM needs auth_user and auth_password");
        return CREDSSP_E_INVALID_ARG;
    }
    ret = import_name(o->auth_user, GSS_C_NT_USER_NAME, &name, why);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (o->auth_domain != NULL && o->auth_domain[0] != '\0') {
        el[store.count].key = "ntlmssp_domain";
        el[store.count++].value = o->auth_domain;
    }
    el[store.count].key = "ntlmssp_password";
    el[store.count++].value = o->auth_password;
    maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &store,
                                &g->cred, NULL, NULL);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_acquire_cred_from(NTLM)", maj, min, &ntlm_oid);
        ret = CREDSSP_E_GSS;
        goto cleanup;
    }
    if (g->mech == CSSP_CLI_SPNEGO_NTLM) {
        maj = gss_set_neg_mechs(&min, g->cred, &neg);
        if (GSS_ERROR(maj)) {
            gss_why(why, "gss_set_neg_mechs(NTLM)", maj, min, GSS_C_NO_OID);
            ret = CREDSSP_E_GSS;
            goto cleanup;
        }
    }
    ret = CREDSSP_OK;

cleanup:
    gss_release_name(&min, &name);
    return ret;
}

/* SPNEGO credential from the default ccache, negotiating Kerberos only. */
static credssp_error
acquire_spnego_krb5(struct cli_gss *g, char *why)
{
    OM_uint32 maj, min;
    gss_OID_set_desc mechs = {1, &spnego_oid};
    gss_OID_set_desc neg = {1, &krb5_oid};

    maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &g->cred,
                           NULL, NULL);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_acquire_cred(SPNEGO)", maj, min, GSS_C_NO_OID);
        return CREDSSP_E_GSS;
    }
    maj = gss_set_neg_mechs(&min, g->cred, &neg);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_set_neg_mechs(krb5)", maj, min, GSS_C_NO_OID);
        return CREDSSP_E_GSS;
    }
    return CREDSSP_OK;
}

/* Target name, credentials and flags for o->mech. */
credssp_error
cli_gss_init(struct cli_gss *g, const struct cssp_cli_opts *o, char *why)
{
    credssp_error ret;
    char target[300];
    char host[256];

    memset(g, 0, sizeof(*g));
    g->cred = GSS_C_NO_CREDENTIAL;
    g->target = GSS_C_NO_NAME;
    g->ctx = GSS_C_NO_CONTEXT;
    g->mech = o->mech;
    g->krb_wrap = o->krb_wrap;
    g->req_flags = GSS_C_INTEG_FLAG;
    if (!(o->faults & CSSP_CLI_F_NO_CONF))
        g->req_flags |= GSS_C_CONF_FLAG;
    if (!(o->faults & CSSP_CLI_F_NO_MUTUAL))
        g->req_flags |= GSS_C_MUTUAL_FLAG;

    /*
     * gss-ntlmssp's acceptor names itself TERMSRV/<hostname> in the CHALLENGE
     * (MsvAvTargetName) and its initiator refuses another SPN: default to the
     * host name for NTLM, to localhost (the test keytab) for Kerberos.
     */
    if (o->target != NULL) {
        snprintf(target, sizeof(target), "%s", o->target);
    } else if (is_krb(o->mech)) {
        snprintf(target, sizeof(target), "TERMSRV@localhost");
    } else {
        if (gethostname(host, sizeof(host)) != 0)
            snprintf(host, sizeof(host), "localhost");
        host[sizeof(host) - 1] = '\0';
        snprintf(target, sizeof(target), "TERMSRV@%s", host);
    }
    ret = import_name(target, GSS_C_NT_HOSTBASED_SERVICE, &g->target, why);
    if (ret != CREDSSP_OK)
        goto cleanup;

    switch (o->mech) {
    case CSSP_CLI_RAW_NTLM:
    case CSSP_CLI_SPNEGO_NTLM:
        ret = acquire_ntlm(g, o, why);
        break;
    case CSSP_CLI_SPNEGO_KRB5:
        ret = acquire_spnego_krb5(g, why);
        break;
    case CSSP_CLI_RAW_KRB5:
        ret = CREDSSP_OK; /* default credential: the ccache */
        break;
    default:
        snprintf(why, CLI_REASON_LEN, "unknown mechanism %d", (int)o->mech);
        ret = CREDSSP_E_INVALID_ARG;
        break;
    }

cleanup:
    if (ret != CREDSSP_OK)
        cli_gss_clear(g);
    return ret;
}

/* Release the context, credential and name. */
void
cli_gss_clear(struct cli_gss *g)
{
    OM_uint32 min;

    if (g->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&min, &g->ctx, GSS_C_NO_BUFFER);
    if (g->cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &g->cred);
    if (g->target != GSS_C_NO_NAME)
        gss_release_name(&min, &g->target);
    memset(g, 0, sizeof(*g));
}

/* Copy a GSS buffer into a new malloc'ed buffer (NULL when empty). */
static credssp_error
take_buffer(gss_buffer_t b, uint8_t **out, size_t *out_len)
{
    OM_uint32 min;
    uint8_t *p = NULL;

    *out = NULL;
    *out_len = 0;
    if (b->length != 0) {
        p = malloc(b->length);
        if (p == NULL) {
            gss_release_buffer(&min, b);
            return CREDSSP_E_NOMEM;
        }
        memcpy(p, b->value, b->length);
        *out = p;
        *out_len = b->length;
    }
    gss_release_buffer(&min, b);
    return CREDSSP_OK;
}

/* A writable copy of const input for the GSS calls (their buffers are not const). */
static credssp_error
input_copy(const uint8_t *in, size_t n, gss_buffer_desc *b)
{
    b->length = n;
    b->value = malloc(n != 0 ? n : 1);
    if (b->value == NULL)
        return CREDSSP_E_NOMEM;
    if (n != 0)
        memcpy(b->value, in, n);
    return CREDSSP_OK;
}

/* One gss_init_sec_context round (in NULL for the first call). */
credssp_error
cli_gss_step(struct cli_gss *g, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len,
             char *why)
{
    credssp_error ret;
    OM_uint32 maj, min;
    gss_buffer_desc inb = GSS_C_EMPTY_BUFFER, outb = GSS_C_EMPTY_BUFFER;

    *out = NULL;
    *out_len = 0;
    if (in != NULL) {
        ret = input_copy(in, in_len, &inb);
        if (ret != CREDSSP_OK)
            return ret;
    }
    maj = gss_init_sec_context(&min, g->cred, &g->ctx, g->target, init_mech(g->mech), g->req_flags,
                               0, GSS_C_NO_CHANNEL_BINDINGS, in != NULL ? &inb : GSS_C_NO_BUFFER,
                               NULL, &outb, NULL, NULL);
    free(inb.value);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_init_sec_context", maj, min, is_krb(g->mech) ? &krb5_oid : &ntlm_oid);
        gss_release_buffer(&min, &outb);
        return CREDSSP_E_GSS;
    }
    g->complete = (maj == GSS_S_COMPLETE);
    return take_buffer(&outb, out, out_len);
}

/* A wrap failure that means "context not established yet". */
static bool
not_ready(const struct cli_gss *g, OM_uint32 maj)
{
    return !g->complete && GSS_ROUTINE_ERROR(maj) == GSS_S_NO_CONTEXT;
}

/* Kerberos, Windows layout: header || data || padding from gss_wrap_iov. */
static credssp_error
wrap_iov(struct cli_gss *g, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, char *why)
{
    credssp_error ret = CREDSSP_E_CRYPTO;
    OM_uint32 maj, min;
    int conf = 0;
    gss_iov_buffer_desc iov[3];
    uint8_t *p = NULL;
    size_t total;

    memset(iov, 0, sizeof(iov));
    iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[2].type = GSS_IOV_BUFFER_TYPE_PADDING | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    ret = input_copy(in, n, &iov[1].buffer);
    if (ret != CREDSSP_OK)
        return ret;
    maj = gss_wrap_iov(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 3);
    if (GSS_ERROR(maj) || conf != 1) {
        gss_why(why, "gss_wrap_iov", maj, min, &krb5_oid);
        ret = not_ready(g, maj) ? CREDSSP_E_STATE : CREDSSP_E_CRYPTO;
        goto cleanup;
    }
    total = iov[0].buffer.length + iov[1].buffer.length + iov[2].buffer.length;
    p = malloc(total);
    if (p == NULL) {
        ret = CREDSSP_E_NOMEM;
        goto cleanup;
    }
    memcpy(p, iov[0].buffer.value, iov[0].buffer.length);
    memcpy(p + iov[0].buffer.length, iov[1].buffer.value, iov[1].buffer.length);
    if (iov[2].buffer.length != 0)
        memcpy(p + iov[0].buffer.length + iov[1].buffer.length, iov[2].buffer.value,
               iov[2].buffer.length);
    *out = p;
    *out_len = total;
    ret = CREDSSP_OK;

cleanup:
    free(iov[1].buffer.value);
    iov[1].buffer.value = NULL;
    iov[1].buffer.length = 0;
    gss_release_iov_buffer(&min, iov, 3);
    return ret;
}

/* Seal one buffer as CredSSP sends it (token || data). */
credssp_error
cli_gss_wrap(struct cli_gss *g, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
             char *why)
{
    credssp_error ret;
    OM_uint32 maj, min;
    int conf = 0;
    gss_buffer_desc inb = GSS_C_EMPTY_BUFFER, outb = GSS_C_EMPTY_BUFFER;

    *out = NULL;
    *out_len = 0;
    if (g->ctx == GSS_C_NO_CONTEXT)
        return CREDSSP_E_STATE;
    if (is_krb(g->mech) && g->krb_wrap == CSSP_CLI_WRAP_IOV) {
        ret = wrap_iov(g, in, n, out, out_len, why);
    } else {
        ret = input_copy(in, n, &inb);
        if (ret != CREDSSP_OK)
            return ret;
        maj = gss_wrap(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &inb, &conf, &outb);
        free(inb.value);
        if (GSS_ERROR(maj) || conf != 1) {
            gss_why(why, "gss_wrap", maj, min, is_krb(g->mech) ? &krb5_oid : &ntlm_oid);
            gss_release_buffer(&min, &outb);
            return not_ready(g, maj) ? CREDSSP_E_STATE : CREDSSP_E_CRYPTO;
        }
        ret = take_buffer(&outb, out, out_len);
    }
    if (ret == CREDSSP_OK && is_krb(g->mech) && *out_len >= sizeof(g->last_krb_header)) {
        memcpy(g->last_krb_header, *out, sizeof(g->last_krb_header));
        g->have_krb_header = true;
    }
    return ret;
}

/* Unseal token || data (gss_unwrap honours any RRC). */
credssp_error
cli_gss_unwrap(struct cli_gss *g, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len,
               char *why)
{
    credssp_error ret;
    OM_uint32 maj, min;
    int conf = 0;
    gss_buffer_desc inb = GSS_C_EMPTY_BUFFER, outb = GSS_C_EMPTY_BUFFER;

    *out = NULL;
    *out_len = 0;
    if (g->ctx == GSS_C_NO_CONTEXT)
        return CREDSSP_E_STATE;
    ret = input_copy(in, n, &inb);
    if (ret != CREDSSP_OK)
        return ret;
    maj = gss_unwrap(&min, g->ctx, &inb, &outb, &conf, NULL);
    free(inb.value);
    if (GSS_ERROR(maj)) {
        gss_why(why, "gss_unwrap", maj, min, is_krb(g->mech) ? &krb5_oid : &ntlm_oid);
        gss_release_buffer(&min, &outb);
        return CREDSSP_E_CRYPTO;
    }
    if (conf != 1) {
        snprintf(why, CLI_REASON_LEN, "server pubKeyAuth not sealed (conf_state 0)");
        gss_release_buffer(&min, &outb);
        return CREDSSP_E_CRYPTO;
    }
    return take_buffer(&outb, out, out_len);
}
