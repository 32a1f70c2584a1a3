/*
 * test_json.c - examples/common/json.c: RFC 8259 string escaping and the
 * RFC 3629 well-formedness rules (every ill-formed byte becomes U+FFFD),
 * plus the object writer and its cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* Escape n bytes and compare with the expected JSON text (quotes included). */
static void
check_string(const char *in, size_t n, const char *want)
{
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    cssp_writer_init(&w, 4096, false);
    json_write_string(&w, in, n);
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    if (len != strlen(want) || memcmp(out, want, len) != 0)
        fail_msg("escaped %.*s, want %s", (int)len, (const char *)out, want);
    free(out);
}

static void
test_ascii_escapes(void **state)
{
    (void)state;
    check_string("alice", 5, "\"alice\"");
    check_string("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    check_string("\n\r\t", 3, "\"\\n\\r\\t\"");
    check_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    check_string("x\0y", 3, "\"x\\u0000y\"");
    check_string("", 0, "\"\"");
    check_string(NULL, 5, "\"\"");
    check_string("TESTDOM\\alice", 13, "\"TESTDOM\\\\alice\"");
}

static void
test_utf8(void **state)
{
    (void)state;
    /* well-formed sequences pass through */
    check_string("\xc3\xa9", 2, "\"\xc3\xa9\"");                       /* e acute */
    check_string("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");               /* euro */
    check_string("\xf0\x9d\x84\x9e", 4, "\"\xf0\x9d\x84\x9e\"");       /* G clef */
    check_string("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");       /* U+10FFFF */
    /* ill-formed: one U+FFFD per offending byte, resync on the next */
    check_string("\xc0\x80", 2, "\"\\ufffd\\ufffd\"");                   /* overlong NUL */
    check_string("\xc1\xbf", 2, "\"\\ufffd\\ufffd\"");
    check_string("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");         /* overlong */
    check_string("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");         /* surrogate */
    check_string("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    check_string("\xf5\x80", 2, "\"\\ufffd\\ufffd\"");
    check_string("\x80", 1, "\"\\ufffd\"");                               /* stray */
    check_string("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");                    /* truncated */
    check_string("\xc3(", 2, "\"\\ufffd(\"");
    check_string("\xff\xfe", 2, "\"\\ufffd\\ufffd\"");
}

/* json_write_text: the log-line rule (no quotes; '"' and '\\' kept). */
static void
check_text(const char *in, const char *want)
{
    struct cssp_writer w;
    uint8_t *out = NULL;
    size_t len = 0;

    cssp_writer_init(&w, 4096, false);
    json_write_text(&w, in, strlen(in));
    assert_int_equal(cssp_writer_take(&w, &out, &len), CREDSSP_OK);
    if (len != strlen(want) || memcmp(out, want, len) != 0)
        fail_msg("escaped %.*s, want %s", (int)len, (const char *)out, want);
    free(out);
}

static void
test_log_text(void **state)
{
    (void)state;
    check_text("principal=TESTDOM\\x5calice \"x\"", "principal=TESTDOM\\x5calice \"x\"");
    /* a forged second line, a terminal escape, an ill-formed byte */
    check_text("user=a\ncredssp[info]: outcome=ok", "user=a\\ncredssp[info]: outcome=ok");
    check_text("\x1b[2Jx\x7f", "\\u001b[2Jx\\u007f");
    check_text("\xff\xc3\xa9", "\\ufffd\xc3\xa9");
}

static void
test_object(void **state)
{
    struct json j;
    char *text = NULL;
    size_t len = 0;
    static const char want[] =
        "{\"peer\":\"127.0.0.1:1\",\"user\":null,\"spnego\":true,\"pam\":null,"
        "\"delivered\":false,\"version\":6,\"neg\":-5,\"raw\":\"a\\u0000\"}\n";

    (void)state;
    json_begin(&j, JSON_MAX_LINE);
    json_str(&j, "peer", "127.0.0.1:1");
    json_str(&j, "user", NULL);
    json_bool(&j, "spnego", 1);
    json_bool(&j, "pam", -1);
    json_bool(&j, "delivered", 0);
    json_int(&j, "version", 6);
    json_int(&j, "neg", -5);
    json_strn(&j, "raw", "a\0", 2);
    assert_int_equal(json_end(&j, &text, &len), CREDSSP_OK);
    assert_int_equal(len, strlen(want));
    assert_string_equal(text, want);
    free(text);
}

static void
test_cap(void **state)
{
    struct json j;
    char *text = NULL;
    size_t len = 0;
    char big[200];

    (void)state;
    memset(big, 'x', sizeof(big));
    json_begin(&j, 64);
    json_strn(&j, "k", big, sizeof(big));
    assert_int_equal(json_end(&j, &text, &len), CREDSSP_E_TOO_LARGE);
    assert_null(text);
    assert_int_equal(len, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_escapes),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_log_text),
        cmocka_unit_test(test_object),
        cmocka_unit_test(test_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
