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
 *
 * Who may do what (no file calls back into one that calls it):
 *   engine.c       the core: the stage table (fields each stage requires and
 *                  forbids, its handler), the only writer of e->stage, feed,
 *                  status, fail and done; calls the three below.
 *   engine_auth.c  the stage handlers: return an error or the next stage.
 *   engine_io.c    byte queues, TSRequest output through TLS, app data.
 *   audit.c        the audit line, from the result and a summary (audit.h).
 *   engine_step.c  deferred mode's credssp_engine_step (calls the core).
 *   driver.c       the blocking driver, on the public API only.
 */
#ifndef CSSP_ENGINE_H
#define CSSP_ENGINE_H

#include "acceptor_config.h"
#include "buf.h"
#include "gss.h"
#include "result.h"
#include "tls.h"
#include "tsrequest.h"

/* The CredSSP version we announce (MS-CSSP 2.2.1). */
#define CSSP_OUR_VERSION 6

enum cssp_stage {
    STAGE_TLS = 0,
    STAGE_NEGO,
    STAGE_PUBKEY,
    STAGE_AUTHINFO,
    STAGE_DONE,
    STAGE_FAILED,
    STAGE_COUNT
};

/* TSRequest fields (MS-CSSP 2.2.1), as bits for the stage table. */
enum cssp_ts_field {
    CSSP_F_NEGO_TOKENS = 1u << 0,
    CSSP_F_AUTH_INFO = 1u << 1,
    CSSP_F_PUB_KEY_AUTH = 1u << 2,
    CSSP_F_ERROR_CODE = 1u << 3,
    CSSP_F_CLIENT_NONCE = 1u << 4
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
    enum cssp_stage stage;       /* written only by engine.c enter_stage() */
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
static inline unsigned
cssp_engine_decode_flags(const struct credssp_engine *e)
{
    if (e->client_version >= 2 && e->client_version < 5)
        return CSSP_READ_BER_LENGTHS | CSSP_READ_STRIP_NUL;
    return 0;
}

/* ---- engine.c, the core ---- */

/*
 * Handle the complete TSRequest of frame bytes at in.off (then consume it),
 * and every later one already received; in deferred mode stop before one
 * whose step may block.  Fails the engine on a framing error.
 */
void cssp_engine_process(struct credssp_engine *e);
/* Handle the waiting TSRequest of deferred mode (engine_step.c). */
void cssp_engine_run_step(struct credssp_engine *e);

/* ---- engine_auth.c, the stage handlers ---- */

/*
 * A stage handler: the stage table has already checked the fields (required
 * present, forbidden absent).  Returns CREDSSP_OK and sets *next (the stage
 * to enter; STAGE_DONE after authInfo), or the error that fails the engine.
 */
typedef credssp_error cssp_stage_fn(struct credssp_engine *e, const struct cssp_ts_request *req,
                                    enum cssp_stage *next);
/* STAGE_NEGO, STAGE_PUBKEY and STAGE_AUTHINFO. */
cssp_stage_fn cssp_handle_nego, cssp_handle_pubkey, cssp_handle_auth_info;
/* Version bookkeeping and the minimum-version policy for every client message. */
CSSP_WUR credssp_error cssp_check_version(struct credssp_engine *e,
                                          const struct cssp_ts_request *req);

/* ---- engine_io.c, byte queues and output ---- */

CSSP_WUR credssp_error cssp_bytes_reserve(struct cssp_bytes *b, size_t n, size_t max);
CSSP_WUR credssp_error cssp_bytes_append(struct cssp_bytes *b, const uint8_t *p, size_t n,
                                         size_t max);
/* Free b, wiping it first (it may have held TLS plaintext). */
void cssp_bytes_free(struct cssp_bytes *b);
/* Move pending TLS ciphertext into the output queue. */
credssp_error cssp_engine_flush_tls(struct credssp_engine *e);
/* Queue bytes for the peer (through TLS when the engine owns it). */
CSSP_WUR credssp_error cssp_engine_emit(struct credssp_engine *e, const uint8_t *p, size_t n);
/* Encode and queue a server TSRequest. */
CSSP_WUR credssp_error cssp_engine_send(struct credssp_engine *e,
                                        const struct cssp_ts_request *req);
/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t cssp_now_ms(void);

/* identity.c: does the delegated name belong to the authenticated one? */
CSSP_WUR credssp_error cssp_identity_check(unsigned mech, const char *principal,
                                           const char *user, const char *domain);

#endif /* CSSP_ENGINE_H */
