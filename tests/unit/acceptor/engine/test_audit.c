/*
 * test_audit.c - the audit line (acceptor/engine/audit.c): names that come from the
 * wire (the peer label, the authenticated principal, the delegated user and
 * domain) are escaped, so a client cannot forge a second line or a field
 * ("outcome=OK") in the log, nor send terminal escapes to whoever reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"

static char line[2048];
static unsigned lines;

static void
capture(void *ud, int level, const char *msg)
{
    (void)ud;
    (void)level;
    lines++;
    strncpy(line, msg, sizeof(line) - 1);
}

/* Audit one failed attempt with these wire names; the line lands in `line`. */
static void
audit(const char *peer, const char *principal, const char *user, const char *domain)
{
    struct credssp_result *r = NULL;
    credssp_config *cfg = NULL;
    struct cssp_audit_info a = { .peer = peer, .err = CREDSSP_E_IDENTITY_MISMATCH,
                                 .gss_text = "" };

    assert_int_equal(credssp_config_new(&cfg), CREDSSP_OK);
    credssp_config_set_log(cfg, capture, NULL);
    assert_int_equal(cssp_result_new(&r), CREDSSP_OK);
    r->principal = principal != NULL ? strdup(principal) : NULL;
    r->creds.cred_type = CSSP_CREDTYPE_PASSWORD;
    r->creds.password.user = strdup(user);
    r->creds.password.domain = strdup(domain);
    lines = 0;
    memset(line, 0, sizeof(line));
    cssp_audit(cfg, r, &a);
    assert_int_equal(lines, 1);
    credssp_result_free(r);
    credssp_config_free(cfg);
}

/* The line's " outcome=" field, checked to carry the real outcome. */
static const char *
outcome(void)
{
    const char *p = strstr(line, " outcome=");
    const char *want = credssp_error_name(CREDSSP_E_IDENTITY_MISMATCH);

    assert_non_null(p);
    assert_memory_equal(p + strlen(" outcome="), want, strlen(want));
    return p;
}

/* No control byte, no byte above 0x7e anywhere in the line. */
static void
assert_printable(void)
{
    for (const char *p = line; *p != '\0'; p++)
        assert_true(*p >= 0x20 && *p < 0x7f);
}

static void
test_forged_fields(void **state)
{
    (void)state;
    audit("10.0.0.1 outcome=OK\nforged", "alice\" user=root", "bob\x1b[2J", "D\\O");
    assert_printable();
    assert_non_null(strstr(line, "peer=10.0.0.1\\x20outcome=OK\\x0aforged "));
    assert_non_null(strstr(line, "principal=alice\\x22\\x20user=root "));
    assert_non_null(strstr(line, "user=bob\\x1b[2J "));
    assert_non_null(strstr(line, "domain=D\\x5cO "));
    /* exactly one outcome field, the real one */
    assert_non_null(outcome());
    assert_null(strstr(outcome() + 1, " outcome="));
}

static void
test_utf8_and_empty(void **state)
{
    (void)state;
    audit(NULL, "j\xc3\xb6rg@TEST.LOCAL", "", "");
    assert_printable();
    assert_non_null(strstr(line, "peer=- "));
    assert_non_null(strstr(line, "principal=j\\xc3\\xb6rg@TEST.LOCAL "));
    assert_non_null(strstr(line, "user= domain= "));
}

/* A long name is cut, never written past the field's buffer. */
static void
test_long_name(void **state)
{
    char peer[1000];

    (void)state;
    memset(peer, '\n', sizeof(peer) - 1);
    peer[sizeof(peer) - 1] = '\0';
    audit(peer, "alice", "alice", "");
    assert_printable();
    assert_true(outcome() - line < 128 + (ptrdiff_t)strlen("credssp: peer="));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forged_fields),
        cmocka_unit_test(test_utf8_and_empty),
        cmocka_unit_test(test_long_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
