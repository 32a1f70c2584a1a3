/*
 * engine.h - the CredSSP server state machine (MS-CSSP 3.1.5), internal view.
 *
 *   STAGE_TLS       engine-owned TLS handshake (skipped with application TLS)
 *   STAGE_NEGO      negoTokens round trips; the client's last token may come
 *                   with pubKeyAuth (then straight to STAGE_AUTHINFO)
 *   STAGE_PUBKEY    context complete on our token (Kerberos AP-REP); waiting
 *                   for the client's pubKeyAuth
 *   STAGE_AUTHINFO  our pubKeyAuth sent; waiting for authInfo
 *   STAGE_DONE / STAGE_FAILED
 */
#ifndef CSSP_ENGINE_H
#define CSSP_ENGINE_H

#include "acceptor_config.h"
#include "gss.h"
#include "result.h"
#include "tls.h"
#include "tsrequest.h"

enum cssp_stage {
    STAGE_TLS = 0,
    STAGE_NEGO,
    STAGE_PUBKEY,
    STAGE_AUTHINFO,
    STAGE_DONE,
    STAGE_FAILED
};

struct cssp_bytes {
    uint8_t *data;
    size_t len;      /* bytes held */
    size_t off;      /* bytes already consumed from the front */
    size_t cap;      /* allocated */
};

struct credssp_engine {
    credssp_config *cfg;
    credssp_tls_mode mode;
    enum cssp_stage stage;
    credssp_error err;
    struct cssp_tls tls;
    struct cssp_gss gss;
    gss_cred_id_t cred;          /* borrowed from cfg, or gss.own_cred */
    uint8_t *spk;                /* our SubjectPublicKey bytes (owned copy) */
    size_t spk_len;
    struct cssp_bytes in;        /* plaintext TSRequest reassembly */
    struct cssp_bytes out;       /* bytes for the application to send */
    struct cssp_bytes app;       /* plaintext that followed the exchange */
    int client_version;          /* 0 until the first TSRequest */
    int version;                 /* min(client, 6): the behaviour in force */
    unsigned rounds;
    enum cssp_token_kind first_kind;
    char *peer;
    uint64_t start_ms;
    uint64_t deadline_ms;        /* 0 = none */
    struct credssp_result *result;
    bool audited;
    bool app_eof;                /* TLS closed or failed after DONE */
    bool late_failure;           /* failed on authInfo: TLS still usable (EUA) */
    bool deferred;               /* credssp_engine_set_deferred: back-end work waits for _step */
    size_t step_frame;           /* > 0: the TSRequest of that size at in.off awaits _step */
    uint64_t backend_ms;         /* spent in the NTLM lookup and gss_accept_sec_context */
    bool backend_late;           /* the back end answered after the deadline */
};

/*
 * Decoder tolerances for this client: none for version 5+, and for the
 * legacy versions 2-4 (which the policy must allow explicitly) the ones
 * rdesktop 1.9 needs (non-minimal lengths, NUL-terminated strings).
 */
unsigned cssp_engine_decode_flags(const struct credssp_engine *e);
/*
 * Deferred mode (engine_step.c): true when the complete TSRequest of frame
 * bytes at in.off may block and must wait for credssp_engine_step(); also
 * true while such a request is already waiting.
 */
bool cssp_engine_defer(struct credssp_engine *e, size_t frame);
/* Handle one complete TSRequest (engine_auth.c). */
void cssp_engine_handle(struct credssp_engine *e, const uint8_t *msg, size_t len);
/* Queue bytes for the peer (through TLS when the engine owns it). */
CSSP_WUR credssp_error cssp_engine_emit(struct credssp_engine *e, const uint8_t *p, size_t n);
/* Fail: record err, send errorCode when allowed and useful, audit. */
void cssp_engine_fail(struct credssp_engine *e, credssp_error err);
/* Successful end: audit. */
void cssp_engine_done(struct credssp_engine *e);
/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t cssp_now_ms(void);

/* identity.c: does the delegated name belong to the authenticated one? */
CSSP_WUR credssp_error cssp_identity_check(unsigned mech, const char *principal,
                                           const char *user, const char *domain);

/* audit.c: the one audit line per attempt. */
void cssp_audit(struct credssp_engine *e);

#endif /* CSSP_ENGINE_H */
