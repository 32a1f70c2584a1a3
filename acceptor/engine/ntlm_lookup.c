/*
 * ntlm_lookup.c - NT hashes from an application callback (docs/GSSAPI.md
 * §2.5): gss-ntlmssp has no in-memory acceptor API (docs/GSSAPI.md §2.4),
 * so each exchange gets its own acceptor credential whose key file is a
 * private memfd, filled with exactly one line once the client has named
 * itself.  The hash never touches a disk.
 *
 * The user and domain are read from the NTLM AUTHENTICATE message
 * (MS-NLMP 2.2.1.3: DomainNameFields at offset 28, UserNameFields at 36,
 * NegotiateFlags at 60; UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE) found raw or
 * as the responseToken of a SPNEGO NegTokenResp (RFC 4178 4.2.2).  Only these
 * two names are read; verifying the message is gss-ntlmssp's job.  The entry
 * is written with the domain exactly as the client sent it, which also
 * sidesteps gss-ntlmssp's case-sensitive NTOWFv2 domain (GSSAPI.md §2.2).
 *
 * Acquiring that credential costs as much as a third of a login (the krb5
 * mechanism re-reads krb5.conf, the mechglue scans /etc/gss/mech.d): a freed
 * engine's credential and its emptied memfd go back to a small pool in the
 * config for the next engine (issue 15).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "der.h"
#include "gss.h"
#include "keyfile.h"
#include "utf16.h"

#define NTLM_AUTHENTICATE 3u
#define NTLM_HEADER_LEN 64u
#define NTLM_UNICODE 0x00000001u
#define NTLM_NAME_MAX 512u

/* Credentials kept for reuse; more than this many idle ones are released. */
#define POOL_MAX 64u

struct cssp_lookup_pool {
    pthread_mutex_t lock;
    unsigned count;
    struct { gss_cred_id_t cred; int fd; } idle[POOL_MAX];
};

credssp_error
cssp_lookup_pool_new(struct cssp_lookup_pool **out)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return CREDSSP_E_NOMEM;
    pthread_mutex_init(&(*out)->lock, NULL);
    return CREDSSP_OK;
}

void
cssp_lookup_pool_free(struct cssp_lookup_pool *p)
{
    if (p == NULL)
        return;
    for (unsigned i = 0; i < p->count; i++) {
        cssp_gss_release_cred(&p->idle[i].cred);
        close(p->idle[i].fd);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

unsigned
cssp_lookup_pool_idle(struct cssp_lookup_pool *p)
{
    unsigned n;

    pthread_mutex_lock(&p->lock);
    n = p->count;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* An idle credential and memfd from the pool; false when there is none. */
static bool
pool_take(struct cssp_lookup_pool *p, struct cssp_gss *g)
{
    bool got = false;

    if (p == NULL)
        return false;
    pthread_mutex_lock(&p->lock);
    if (p->count > 0) {
        p->count--;
        g->own_cred = p->idle[p->count].cred;
        g->keyfile_fd = p->idle[p->count].fd;
        got = true;
    }
    pthread_mutex_unlock(&p->lock);
    return got;
}

void
cssp_gss_lookup_end(const struct credssp_config *cfg, struct cssp_gss *g)
{
    struct cssp_lookup_pool *p = cfg->lookup_pool;
    OM_uint32 min;

    if (p == NULL || g->own_cred == GSS_C_NO_CREDENTIAL || g->keyfile_fd < 0)
        return;
    /* The context goes first: nothing may still use the credential. */
    if (g->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&min, &g->ctx, GSS_C_NO_BUFFER);
    if (ftruncate(g->keyfile_fd, 0) != 0)
        return;                  /* cssp_gss_clear releases both */
    pthread_mutex_lock(&p->lock);
    if (p->count < POOL_MAX) {
        p->idle[p->count].cred = g->own_cred;
        p->idle[p->count].fd = g->keyfile_fd;
        p->count++;
        g->own_cred = GSS_C_NO_CREDENTIAL;
        g->keyfile_fd = -1;
    }
    pthread_mutex_unlock(&p->lock);
}

credssp_error
cssp_gss_lookup_begin(const struct credssp_config *cfg, struct cssp_gss *g)
{
    char path[CSSP_KEYFILE_PATH_LEN];

    if (pool_take(cfg->lookup_pool, g))
        return CREDSSP_OK;
    g->keyfile_fd = memfd_create("credssp-ntlm", MFD_CLOEXEC);
    if (g->keyfile_fd < 0)
        return CREDSSP_E_IO;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", g->keyfile_fd);
    return cssp_gss_acquire(cfg, path, &g->own_cred);
}

/* Read one NTLM string field (len, maxlen, offset) of msg[0..len) as UTF-8. */
static credssp_error
ntlm_field(const uint8_t *msg, size_t len, size_t at, bool unicode, char **out)
{
    struct cssp_reader r;
    uint16_t flen;
    uint32_t off;
    char *s;

    cssp_reader_init(&r, msg + at, 8);
    flen = cssp_read_u16le(&r);
    (void)cssp_read_u16le(&r);
    off = cssp_read_u32le(&r);
    if (!cssp_reader_ok(&r) || flen > NTLM_NAME_MAX || off > len || flen > len - off)
        return CREDSSP_E_BAD_TOKEN;
    if (unicode)
        return cssp_utf16le_to_utf8(msg + off, flen, out);
    for (size_t i = 0; i < flen; i++) {
        if (msg[off + i] == 0 || msg[off + i] >= 0x80)
            return CREDSSP_E_BAD_STRING;
    }
    s = malloc((size_t)flen + 1);
    if (s == NULL)
        return CREDSSP_E_NOMEM;
    memcpy(s, msg + off, flen);
    s[flen] = '\0';
    *out = s;
    return CREDSSP_OK;
}

/* The responseToken of a NegTokenResp, or NULL. */
static const uint8_t *
spnego_response_token(const uint8_t *tok, size_t len, size_t *len_out)
{
    struct cssp_reader r, resp, seq, field;
    const uint8_t *p = NULL;

    cssp_reader_init(&r, tok, len);
    if (!cssp_der_read_tlv(&r, CSSP_DER_CTX(1), CSSP_MAX_TOKEN, &resp) ||
        !cssp_der_read_tlv(&resp, CSSP_DER_SEQUENCE, CSSP_MAX_TOKEN, &seq))
        return NULL;
    while (cssp_reader_ok(&seq) && seq.left > 0) {
        uint8_t tag = cssp_der_peek_tag(&seq);

        if (!cssp_der_read_tlv(&seq, tag, CSSP_MAX_TOKEN, &field))
            return NULL;
        if (tag == CSSP_DER_CTX(2)) {
            if (!cssp_der_read_octets(&field, CSSP_MAX_TOKEN, &p, len_out))
                return NULL;
            return p;
        }
    }
    return NULL;
}

credssp_error
cssp_gss_lookup_prepare(const struct credssp_config *cfg, struct cssp_gss *g,
                        const uint8_t *token, size_t len)
{
    credssp_error ret = CREDSSP_E_INTERNAL;
    const uint8_t *msg = token;
    size_t msg_len = len;
    char *user = NULL, *domain = NULL;
    credssp_secret *hash = NULL;
    char line[CSSP_KEYFILE_LINE_MAX];
    size_t line_len = 0;
    struct cssp_reader r;
    uint32_t type, flags;

    if (cssp_gss_classify(token, len) != CSSP_TOKEN_NTLM) {
        msg = spnego_response_token(token, len, &msg_len);
        if (msg == NULL || cssp_gss_classify(msg, msg_len) != CSSP_TOKEN_NTLM)
            return CREDSSP_OK;   /* not an AUTHENTICATE: nothing to look up */
    }
    if (msg_len < NTLM_HEADER_LEN)
        return CREDSSP_OK;
    cssp_reader_init(&r, msg + 8, 4);
    type = cssp_read_u32le(&r);
    if (type != NTLM_AUTHENTICATE)
        return CREDSSP_OK;
    cssp_reader_init(&r, msg + 60, 4);
    flags = cssp_read_u32le(&r);
    ret = ntlm_field(msg, msg_len, 28, (flags & NTLM_UNICODE) != 0, &domain);
    if (ret == CREDSSP_OK)
        ret = ntlm_field(msg, msg_len, 36, (flags & NTLM_UNICODE) != 0, &user);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cfg->lookup(cfg->lookup_data, user, domain, &hash);
    if (ret != CREDSSP_OK || hash == NULL) {
        ret = CREDSSP_E_LOGON_FAILURE;
        goto cleanup;
    }
    if (cssp_keyfile_check_name(user, false) != CREDSSP_OK ||
        (domain[0] != '\0' && cssp_keyfile_check_name(domain, true) != CREDSSP_OK)) {
        ret = CREDSSP_E_LOGON_FAILURE;
        goto cleanup;
    }
    ret = cssp_keyfile_format_line(user, domain[0] != '\0' ? domain : NULL,
                                   CSSP_KEYFILE_UID_UNKNOWN, hash, (uint32_t)time(NULL),
                                   line, &line_len);
    if (ret != CREDSSP_OK)
        goto cleanup;
    if (ftruncate(g->keyfile_fd, 0) != 0 ||
        pwrite(g->keyfile_fd, line, line_len, 0) != (ssize_t)line_len) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    if (ret != CREDSSP_OK && ret != CREDSSP_E_NOMEM)
        cssp_log(cfg, LOG_NOTICE, "credssp: NTLM lookup found no key (%s)",
                 credssp_error_name(ret));
    OPENSSL_cleanse(line, sizeof(line));
    credssp_secret_free(hash);
    free(user);
    free(domain);
    return ret;
}

void
cssp_gss_lookup_forget(struct cssp_gss *g)
{
    /* Truncation frees the pages; the kernel zeroes them before any reuse.
     * Best effort (a memfd of our own): a failure leaves nothing to undo. */
    if (g->keyfile_fd >= 0 && ftruncate(g->keyfile_fd, 0) != 0)
        return;
}
