/*
 * fuzz_token_sniff.c - libFuzzer target for the negoToken sniffer
 * (acceptor/codec/token_sniff.c: RFC 2743 3.1 framing, RFC 4178 4.2
 * NegTokenInit / NegTokenResp, MS-NLMP 2.2.1 message type and the 2.2.1.3
 * AUTHENTICATE names), the bytes every client sends before authenticating.
 *
 * Properties, any violation abort()s: every answer is a defined one (a kind
 * of the enum; CREDSSP_OK or a protocol-category error); a token is NTLM
 * exactly when its message type reads; a refused mechanism list reports no
 * mechanism; the AUTHENTICATE name views lie inside the input and within
 * CSSP_NTLM_NAME_MAX; a name that decodes is a NUL-terminated string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token_sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is [p, p + n) inside [base, base + len)? */
static int
inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
    return p != NULL && p >= base && n <= len && (size_t)(p - base) <= len - n;
}

static int
protocol_error(credssp_error e)
{
    return e >= CREDSSP_E_TRUNCATED && e <= CREDSSP_E_BAD_TOKEN;
}

static void
check_name(const uint8_t *p, size_t n, bool unicode)
{
    char *s = NULL;
    credssp_error ret = cssp_sniff_ntlm_name(p, n, unicode, &s);

    if (ret == CREDSSP_OK) {
        if (s == NULL || strlen(s) > 3 * n)
            abort();
        free(s);
    } else if (s != NULL || (ret != CREDSSP_E_BAD_STRING && ret != CREDSSP_E_NOMEM)) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum cssp_token_kind kind = cssp_sniff_kind(data, size);
    struct cssp_ntlm_names n;
    credssp_error ret;
    unsigned mechs = 0;
    uint32_t type = 0;

    if (kind > CSSP_TOKEN_KERBEROS)
        abort();
    ret = cssp_sniff_ntlm_type(data, size, &type);
    if ((ret == CREDSSP_OK) != (kind == CSSP_TOKEN_NTLM) || (ret != CREDSSP_OK && type != 0) ||
        (ret != CREDSSP_OK && !protocol_error(ret)))
        abort();
    ret = cssp_sniff_spnego_mechs(data, size, &mechs);
    if (ret != CREDSSP_OK && (!protocol_error(ret) || mechs != 0))
        abort();
    if (ret == CREDSSP_OK && kind != CSSP_TOKEN_SPNEGO)
        abort();   /* a readable NegTokenInit is a SPNEGO token */
    if (cssp_sniff_short_negotiate(data, size) && (size != 32 || type != CSSP_NTLM_NEGOTIATE))
        abort();
    ret = cssp_sniff_ntlm_names(data, size, &n);
    if (ret != CREDSSP_OK && ret != CREDSSP_E_BAD_TOKEN)
        abort();
    if (n.found) {
        if (ret != CREDSSP_OK || !inside(n.user, n.user_len, data, size) ||
            !inside(n.domain, n.domain_len, data, size) || n.user_len > CSSP_NTLM_NAME_MAX ||
            n.domain_len > CSSP_NTLM_NAME_MAX)
            abort();
        check_name(n.user, n.user_len, n.unicode);
        check_name(n.domain, n.domain_len, n.unicode);
    } else if (n.user != NULL || n.domain != NULL) {
        abort();
    }
    return 0;
}
