/*
 * ntlm_lookup.c - NT hashes from an application callback (docs/GSSAPI.md
 * §2.5): gss-ntlmssp has no in-memory acceptor API (docs/GSSAPI.md §2.4),
 * so each exchange gets its own acceptor credential whose key file is
 * "/proc/self/fd/N", N a descriptor slot of the exchange.  The slot always
 * holds a memfd sealed by keyfile.c (CSSP_KEYFILE_SEALS): an empty one, and
 * once the client has named itself one with exactly that line, put in place
 * with dup3 and replaced by an empty one as soon as gss-ntlmssp has read it.
 * Nothing in the process can alter a line gss-ntlmssp reads, and the hash
 * never touches a disk.
 *
 * The user and domain come from the NTLM AUTHENTICATE message (MS-NLMP
 * 2.2.1.3), raw or as the responseToken of a SPNEGO NegTokenResp (RFC 4178
 * 4.2.2), read by acceptor/codec/token_sniff.c.  Only these two names are
 * read; verifying the message is gss-ntlmssp's job.  The entry
 * is written with the domain exactly as the client sent it, which also
 * sidesteps gss-ntlmssp's case-sensitive NTOWFv2 domain (GSSAPI.md §2.2).
 *
 * Acquiring that credential costs as much as a third of a login (the krb5
 * mechanism re-reads krb5.conf, the mechglue scans /etc/gss/mech.d): a freed
 * engine's credential and its slot (emptied) go back to a small pool in the
 * config for the next engine (issue 15).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "gss.h"
#include "keyfile.h"

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

/* Put fd (consumed) into the exchange's key-file slot, closing what was there. */
static credssp_error
fill_slot(struct cssp_gss *g, int fd)
{
    int k = dup3(fd, g->keyfile_fd, O_CLOEXEC);

    close(fd);
    return k < 0 ? CREDSSP_E_IO : CREDSSP_OK;
}

/* An empty sealed memfd into a slot that holds a line: the line is gone. */
static credssp_error
empty_slot(struct cssp_gss *g)
{
    credssp_error ret;
    struct stat st;
    int fd = -1;

    if (fstat(g->keyfile_fd, &st) != 0)
        return CREDSSP_E_IO;
    if (st.st_size == 0)
        return CREDSSP_OK;
    ret = cssp_keyfile_sealed_memfd(NULL, 0, &fd);
    return ret == CREDSSP_OK ? fill_slot(g, fd) : ret;
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
    /* Only an emptied slot is kept; else cssp_gss_clear releases both. */
    if (empty_slot(g) != CREDSSP_OK)
        return;
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
    credssp_error ret;

    if (pool_take(cfg->lookup_pool, g))
        return CREDSSP_OK;
    ret = cssp_keyfile_sealed_memfd(NULL, 0, &g->keyfile_fd);
    if (ret != CREDSSP_OK)
        return ret;
    cssp_keyfile_fd_path(g->keyfile_fd, path);
    return cssp_gss_acquire(cfg, path, &g->own_cred);
}

credssp_error
cssp_gss_lookup_prepare(const struct credssp_config *cfg, struct cssp_gss *g,
                        const uint8_t *token, size_t len)
{
    credssp_error ret;
    struct cssp_ntlm_names names;
    char *user = NULL, *domain = NULL;
    credssp_secret *hash = NULL;
    char path[CSSP_KEYFILE_PATH_LEN];
    int fd = -1;

    ret = cssp_sniff_ntlm_names(token, len, &names);
    if (ret != CREDSSP_OK || !names.found)
        goto cleanup;   /* not an AUTHENTICATE: nothing to look up */
    ret = cssp_sniff_ntlm_name(names.domain, names.domain_len, names.unicode, &domain);
    if (ret == CREDSSP_OK)
        ret = cssp_sniff_ntlm_name(names.user, names.user_len, names.unicode, &user);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cfg->lookup(cfg->lookup_data, user, domain, &hash);
    if (ret != CREDSSP_OK || hash == NULL) {
        ret = CREDSSP_E_LOGON_FAILURE;
        goto cleanup;
    }
    ret = cssp_keyfile_memfd(user, domain[0] != '\0' ? domain : NULL, hash, &fd, path);
    if (ret == CREDSSP_E_INVALID_ARG)   /* a name no key-file entry can hold */
        ret = CREDSSP_E_LOGON_FAILURE;
    if (ret == CREDSSP_OK)
        ret = fill_slot(g, fd);

cleanup:
    if (ret != CREDSSP_OK && ret != CREDSSP_E_NOMEM)
        cssp_log(cfg, LOG_NOTICE, "credssp: NTLM lookup found no key (%s)",
                 credssp_error_name(ret));
    credssp_secret_free(hash);
    free(user);
    free(domain);
    return ret;
}

void
cssp_gss_lookup_forget(struct cssp_gss *g)
{
    /* The sealed memfd cannot be emptied in place: it is replaced, and its
     * pages go with its last descriptor.  Best effort: on failure the line
     * stays, read-only, until cssp_gss_lookup_end or cssp_gss_clear. */
    if (g->keyfile_fd >= 0 && empty_slot(g) != CREDSSP_OK)
        return;
}
