/*
 * fuzz_engine.c - libFuzzer target for the whole acceptor state machine
 * (MS-CSSP 3.1.5) fed with arbitrary client bytes.
 *
 * TLS is bypassed (application-owned TLS mode with a fixed certificate), so
 * every input goes straight into TSRequest reassembly, decoding, the GSSAPI
 * acceptor (real MIT mechglue + gss-ntlmssp), binding and TSCredentials.
 * The first input byte picks the chunk size, to exercise reassembly across
 * feeds.  Policy allows everything, so every path is reachable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "credssp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static credssp_config *cfg;
static uint8_t *cert_der;
static size_t cert_len;

static void
quiet_log(void *userdata, int level, const char *msg)
{
    (void)userdata;
    (void)level;
    (void)msg;
}

/* A self-signed EC certificate, DER, made once. */
static int
make_cert(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    unsigned char *p = NULL;
    int n;

    if (key == NULL || x == NULL)
        return -1;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"fuzz", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    if (X509_sign(x, key, EVP_sha256()) == 0)
        return -1;
    n = i2d_X509(x, &p);
    if (n <= 0)
        return -1;
    cert_der = p;
    cert_len = (size_t)n;
    X509_free(x);
    EVP_PKEY_free(key);
    return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[] = "/tmp/credssp-fuzz-keysXXXXXX";
    static const char line[] =
        "TESTDOM\\alice:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:"
        "FC525C9683E8FE067095BA2DDC971889:[U          ]:LCT-00000000\n";
    int fd;

    (void)argc;
    (void)argv;
    if (make_cert() != 0)
        abort();
    fd = mkstemp(path);
    if (fd < 0 || write(fd, line, sizeof(line) - 1) != (ssize_t)(sizeof(line) - 1))
        abort();
    close(fd);
    if (credssp_config_new(&cfg) != CREDSSP_OK ||
        credssp_config_set_ntlm_keyfile(cfg, path) != CREDSSP_OK ||
        credssp_config_set_min_version(cfg, 2) != CREDSSP_OK ||
        credssp_config_set_cred_types(cfg, CREDSSP_CRED_PASSWORD | CREDSSP_CRED_SMARTCARD |
                                               CREDSSP_CRED_RESTRICTED_ADMIN |
                                               CREDSSP_CRED_REMOTE_GUARD) != CREDSSP_OK)
        abort();
    credssp_config_set_log(cfg, quiet_log, NULL);
    if (credssp_config_prepare(cfg) != CREDSSP_OK)
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    credssp_engine *e = NULL;
    size_t chunk, off = 1;
    size_t out_len;

    if (size < 1)
        return 0;
    chunk = (size_t)data[0] * 37 + 1;
    if (credssp_engine_new(cfg, CREDSSP_TLS_APPLICATION, &e) != CREDSSP_OK)
        abort();
    if (credssp_engine_set_server_cert(e, cert_der, cert_len) != CREDSSP_OK)
        abort();
    while (off < size) {
        size_t n = size - off < chunk ? size - off : chunk;
        credssp_status st = credssp_engine_feed(e, data + off, n);

        off += n;
        if (credssp_engine_output(e, &out_len) != NULL)
            credssp_engine_output_consumed(e, out_len);
        if (st & (CREDSSP_FAILED | CREDSSP_DONE))
            break;
    }
    (void)credssp_engine_feed_eof(e);
    (void)credssp_engine_result(e);
    credssp_engine_free(e);
    return 0;
}
