/*
 * audit.h - the one audit line per client connection of credssp-gateway.
 *
 * It names the real client address (xrdp and sesman only ever see the
 * gateway: docs/XRDP.md, "Known limits"), who authenticated and how, the
 * local account xrdp was given, the outcome and how the relay ended.
 * JSON (RFC 8259, json.c) on stdout with --json, else one human line on
 * stderr.  Never a secret: only whether a credential was delivered.
 */
#ifndef CSSP_GATEWAY_AUDIT_H
#define CSSP_GATEWAY_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define GW_PEER_MAX 96u

struct gw_report {
    char peer[GW_PEER_MAX];       /* "192.0.2.1:51234", "[::1]:51234" */
    const char *protocol;         /* "hybrid", "hybrid_ex"; NULL before the CC */
    bool has_requested;
    uint32_t requested;           /* the client's requestedProtocols */
    const char *cookie;           /* mstshash id (not a secret) */
    int credssp_version;          /* 0 = unknown */
    const char *mech;
    const char *principal;
    const char *user;             /* delegated user */
    const char *domain;           /* delegated domain */
    const char *cred_type;
    const char *local_user;       /* the account given to xrdp */
    const char *mode;             /* "password" or "token" */
    const char *ntlm_source;      /* "keyfile" or "winbind" (where NTLM is verified) */
    const char *outcome;          /* "ok", an error name, or a gateway outcome */
    const char *reason;           /* detail for refusals, or NULL */
    uint32_t error_code;          /* NTSTATUS sent in errorCode, 0 = none */
    int eua;                      /* Early User Authorization Result sent, -1 = none */
    const char *backend;          /* NULL if xrdp was never contacted */
    uint64_t bytes_up;            /* plaintext client -> xrdp */
    uint64_t bytes_down;          /* plaintext xrdp -> client */
    const char *ending;           /* "client_closed", "backend_closed", ... */
    uint64_t elapsed_ms;
};

/* Emit the report: a JSON line on stdout (json) or a human line on stderr. */
void gw_report_emit(const struct gw_report *r, bool json);

#endif /* CSSP_GATEWAY_AUDIT_H */
