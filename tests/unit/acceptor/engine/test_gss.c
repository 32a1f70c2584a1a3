/*
 * test_gss.c - what acceptor/engine/gss.c demands of a completed GSSAPI context,
 * for mechanism answers no real initiator gives us on demand:
 *   - no GSS_C_CONF_FLAG: CredSSP seals the public key and the credentials
 *     (MS-CSSP 3.1.5), so a context without confidentiality is refused;
 *   - a display name with an embedded NUL ("alice\0root") is refused, not
 *     truncated to a different principal (trailing NULs, which gss-ntlmssp
 *     counts, are trimmed).
 * gss_accept_sec_context and gss_display_name are replaced by the linker
 * (--wrap) with mocks that return what the test asks; the rest is MIT GSSAPI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gssapi/gssapi.h>

#include "gss.h"

OM_uint32 __wrap_gss_accept_sec_context(OM_uint32 *, gss_ctx_id_t *, gss_cred_id_t,
                                        gss_buffer_t, gss_channel_bindings_t, gss_name_t *,
                                        gss_OID *, gss_buffer_t, OM_uint32 *, OM_uint32 *,
                                        gss_cred_id_t *);
OM_uint32 __wrap_gss_display_name(OM_uint32 *, gss_name_t, gss_buffer_t, gss_OID *);
OM_uint32 __real_gss_display_name(OM_uint32 *, gss_name_t, gss_buffer_t, gss_OID *);

static char ntlm_bytes[] = "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a";
static gss_OID_desc ntlm_oid = { 10, ntlm_bytes };

/* What the mocks answer. */
static OM_uint32 mock_flags;
static const char *mock_display; /* NULL: the real display name */
static size_t mock_display_len;

OM_uint32
__wrap_gss_accept_sec_context(OM_uint32 *minor, gss_ctx_id_t *ctx, gss_cred_id_t cred,
                              gss_buffer_t in, gss_channel_bindings_t cb, gss_name_t *src,
                              gss_OID *mech, gss_buffer_t out, OM_uint32 *flags,
                              OM_uint32 *time_rec, gss_cred_id_t *delegated)
{
    static char alice[] = "alice@TEST.LOCAL";
    gss_buffer_desc name = { sizeof(alice) - 1, alice };
    OM_uint32 maj;

    (void)ctx;
    (void)cred;
    (void)in;
    (void)cb;
    (void)time_rec;
    (void)delegated;
    *minor = 0;
    out->length = 0;
    out->value = NULL;
    *mech = &ntlm_oid;
    *flags = mock_flags;
    maj = gss_import_name(minor, &name, GSS_C_NT_USER_NAME, src);
    assert_false(GSS_ERROR(maj));
    return GSS_S_COMPLETE;
}

OM_uint32
__wrap_gss_display_name(OM_uint32 *minor, gss_name_t name, gss_buffer_t out, gss_OID *type)
{
    if (mock_display == NULL)
        return __real_gss_display_name(minor, name, out, type);
    *minor = 0;
    out->value = malloc(mock_display_len);
    assert_non_null(out->value);
    memcpy(out->value, mock_display, mock_display_len);
    out->length = mock_display_len;
    if (type != NULL)
        *type = GSS_C_NO_OID;
    return GSS_S_COMPLETE;
}

/* Accept one (mocked) token; the context is left in *g. */
static credssp_error
accept(struct cssp_gss *g)
{
    static const uint8_t token[] = "NTLMSSP\0\3\0\0\0 (mocked)";
    uint8_t *out = NULL;
    size_t out_len = 0;
    credssp_error ret;

    cssp_gss_init(g);
    ret = cssp_gss_accept(g, GSS_C_NO_CREDENTIAL, token, sizeof(token), &out, &out_len);
    free(out);
    return ret;
}

static void
test_conf_flag_required(void **state)
{
    struct cssp_gss g;

    (void)state;
    mock_display = NULL;
    mock_flags = GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
    assert_int_equal(accept(&g), CREDSSP_E_GSS);
    assert_false(g.complete);
    assert_null(g.principal);
    assert_string_equal(g.status_text, "no confidentiality");
    cssp_gss_clear(&g);

    mock_flags |= GSS_C_CONF_FLAG;       /* the same context with confidentiality */
    assert_int_equal(accept(&g), CREDSSP_OK);
    assert_true(g.complete);
    assert_string_equal(g.principal, "alice@TEST.LOCAL");
    assert_int_equal(g.mech, CREDSSP_MECH_NTLM);
    cssp_gss_clear(&g);
}

static void
test_embedded_nul_refused(void **state)
{
    struct cssp_gss g;

    (void)state;
    mock_flags = GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
    mock_display = "TESTDOM\\alice\0root";
    mock_display_len = sizeof("TESTDOM\\alice\0root") - 1;
    assert_int_equal(accept(&g), CREDSSP_E_GSS);
    assert_false(g.complete);
    assert_true(g.principal == NULL || strcmp(g.principal, "TESTDOM\\alice") != 0);
    cssp_gss_clear(&g);

    mock_display = "\0root";
    mock_display_len = 5;
    assert_int_equal(accept(&g), CREDSSP_E_GSS);
    assert_false(g.complete);
    cssp_gss_clear(&g);

    mock_display = "TESTDOM\\alice\0\0";   /* trailing NULs only: trimmed */
    mock_display_len = sizeof("TESTDOM\\alice\0\0") - 1;
    assert_int_equal(accept(&g), CREDSSP_OK);
    assert_string_equal(g.principal, "TESTDOM\\alice");
    cssp_gss_clear(&g);
    mock_display = NULL;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_flag_required),
        cmocka_unit_test(test_embedded_nul_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
