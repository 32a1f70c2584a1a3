/*
 * gss.h - the GSSAPI side of the acceptor: MIT mechglue + gss-ntlmssp.
 *
 * Token dispatch (docs/PROTOCOL.md §6.1, MS-CSSP 3.1.5): raw NTLMSSP, SPNEGO
 * (RFC 4178 / MS-SPNG) or a raw Kerberos GSS token (RFC 4121), told apart by
 * acceptor/codec/token_sniff.h.  Wrap and
 * unwrap in the SSPI layout CredSSP uses (docs/PROTOCOL.md §3).
 */
#ifndef CSSP_GSS_H
#define CSSP_GSS_H

#include <gssapi/gssapi.h>

#include "acceptor_config.h"
#include "token_sniff.h"

struct cssp_gss {
    gss_ctx_id_t ctx;
    gss_cred_id_t own_cred;     /* per-exchange credential (lookup mode) */
    int keyfile_fd;             /* key-file slot: a sealed memfd (lookup mode), or -1 */
    unsigned mech;              /* CREDSSP_MECH_* once known */
    bool complete;
    char *principal;            /* display name, NULs trimmed */
    gss_name_t src_name;        /* authenticated name, for the lazy local name */
    char status_text[256];      /* last GSS status, for the audit line */
};

void cssp_gss_init(struct cssp_gss *g);
void cssp_gss_clear(struct cssp_gss *g);

/*
 * Acquire an acceptor credential for {SPNEGO, NTLM[, krb5]} named
 * cfg->service (host-based, any host) from cfg->keytab and the NTLM key file
 * (keyfile_override, else cfg->ntlm_keyfile; none = gss-ntlmssp's defaults,
 * i.e. winbind on a domain member).
 */
CSSP_WUR credssp_error cssp_gss_acquire(const struct credssp_config *cfg,
                                        const char *keyfile_override, gss_cred_id_t *out);
void cssp_gss_release_cred(gss_cred_id_t *cred);

/*
 * Does a SPNEGO NegTokenInit list at least one mechanism of `allowed`
 * (enum credssp_mech bits)?  True when the list cannot be read here (SPNEGO
 * itself then decides); false only for a readable list with none of them.
 */
bool cssp_gss_spnego_offers(const uint8_t *tok, size_t len, unsigned allowed);

/* One gss_accept_sec_context step.  *out (free()) may be empty. */
CSSP_WUR credssp_error cssp_gss_accept(struct cssp_gss *g, gss_cred_id_t cred,
                                       const uint8_t *in, size_t in_len, uint8_t **out,
                                       size_t *out_len);
/* Wrap: gss_wrap for NTLM, gss_wrap_iov (HEADER|DATA|PADDING, RRC=28) for krb5. */
CSSP_WUR credssp_error cssp_gss_wrap(struct cssp_gss *g, const uint8_t *in, size_t len,
                                     uint8_t **out, size_t *out_len);
/* Unwrap into a BLOB secret (the plaintext may be credentials). */
CSSP_WUR credssp_error cssp_gss_unwrap(struct cssp_gss *g, const uint8_t *in, size_t len,
                                       credssp_secret **out);

/*
 * NTLM lookup-callback mode (ntlm_lookup.c): a per-exchange credential whose
 * ntlmssp_keyfile is /proc/self/fd/keyfile_fd, always a sealed memfd; when
 * the AUTHENTICATE message arrives (raw or inside a SPNEGO NegTokenResp) the
 * application's callback is asked for that user's NT hash and a sealed memfd
 * with the one matching line takes the slot.
 */
CSSP_WUR credssp_error cssp_gss_lookup_begin(const struct credssp_config *cfg,
                                             struct cssp_gss *g);
CSSP_WUR credssp_error cssp_gss_lookup_prepare(const struct credssp_config *cfg,
                                               struct cssp_gss *g, const uint8_t *token,
                                               size_t len);
/* An empty sealed memfd into the slot once gss-ntlmssp has read the line. */
void cssp_gss_lookup_forget(struct cssp_gss *g);
/*
 * Engine end: delete the context and give the credential and its (emptied)
 * slot back to cfg's pool for the next cssp_gss_lookup_begin.
 */
void cssp_gss_lookup_end(const struct credssp_config *cfg, struct cssp_gss *g);
/* The pool of idle lookup-mode credentials of a config (thread-safe). */
struct cssp_lookup_pool;
CSSP_WUR credssp_error cssp_lookup_pool_new(struct cssp_lookup_pool **out);
void cssp_lookup_pool_free(struct cssp_lookup_pool *p);
/* Idle credentials in the pool (tests). */
unsigned cssp_lookup_pool_idle(struct cssp_lookup_pool *p);

#endif /* CSSP_GSS_H */
