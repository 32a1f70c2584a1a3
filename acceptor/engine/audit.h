/*
 * audit.h - the one audit line per CredSSP attempt (audit.c).
 *
 * It takes what the attempt established (the const result) and a summary of
 * the attempt, never the engine, so the audit cannot change the exchange and
 * the engine core is the only caller.
 */
#ifndef CSSP_AUDIT_H
#define CSSP_AUDIT_H

#include "acceptor_config.h"
#include "result.h"

struct cssp_audit_info {
    const char *peer;            /* as given to credssp_engine_set_peer, or NULL */
    credssp_error err;           /* the outcome: CREDSSP_OK or why it failed */
    uint64_t elapsed_ms;         /* engine creation to outcome */
    uint64_t backend_ms;         /* spent in the NTLM lookup and gss_accept_sec_context */
    const char *gss_text;        /* the GSS status text, "" for none */
};

/* Log the line through cfg's sink: LOG_INFO on success, else LOG_WARNING. */
void cssp_audit(const struct credssp_config *cfg, const struct credssp_result *r,
                const struct cssp_audit_info *a);

#endif /* CSSP_AUDIT_H */
