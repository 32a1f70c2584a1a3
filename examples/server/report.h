/*
 * report.h - the one report per finished connection.
 *
 * With --json: one JSON object per line on stdout, flushed (json.c escaping).
 * Without: one human-readable line on stderr.  Neither ever holds a secret:
 * only whether a credential was delivered.
 */
#ifndef CSSP_EXAMPLE_REPORT_H
#define CSSP_EXAMPLE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "credssp.h"

#define REPORT_PEER_MAX 96u

struct conn_report {
    char peer[REPORT_PEER_MAX];   /* "127.0.0.1:51234", "[::1]:51234" */
    const char *protocol;         /* "hybrid", "hybrid_ex", "ssl"; NULL before the CC */
    bool has_requested;
    uint32_t requested;           /* the client's requestedProtocols */
    const char *cookie;           /* mstshash id, NULL if none (not a secret) */
    int credssp_version;          /* the client's TSRequest version, 0 = unknown */
    const char *mech;             /* "ntlm", "kerberos", NULL */
    int spnego;                   /* 1, 0, -1 = unknown */
    const char *binding;          /* "hash", "echo", NULL */
    const char *user;
    const char *domain;
    const char *principal;
    const char *cred_type;        /* "password", ..., "none"; NULL if not reached */
    int delivered;                /* a password / PIN arrived: 1, 0, -1 unknown */
    /* Remote Guard (credType 6): what it carried, -1 = not a Remote Guard logon */
    long rg_packages;             /* logon + supplemental credentials */
    long rg_service_ticket_len;   /* KERB_TICKET_LOGON sizes (Kerberos logon package) */
    long rg_tgt_len;
    const char *outcome;          /* "ok" or credssp_error_name() or a server outcome */
    uint32_t error_code;          /* NTSTATUS sent in errorCode, 0 = none */
    const char *pam;              /* PAM result or "skipped" */
    const char *krb5ccname;       /* ticket cache the PAM stack exported, or NULL */
    const char *pam_teardown;     /* failed session close after an "ok", or NULL */
    int eua;                      /* Early User Authorization Result sent, -1 = none */
    const char *ending;           /* how the connection was ended */
    uint64_t elapsed_ms;
};

/*
 * Copy what the result says into the report (borrowed strings: the report is
 * emitted while the result is alive).  A failed exchange only documents mech,
 * version, principal and the errorCode sent; complete: it finished, so the
 * binding and credential fields are meaningful too.
 */
void report_fill(struct conn_report *rep, const credssp_result *r, bool complete);

/*
 * Where this server verifies NTLM ("keyfile", "winbind"; a static string set
 * once at start-up): reported as "ntlm_source" in every report.  NULL = omit.
 */
void report_set_ntlm_source(const char *source);

/* Emit the report: a JSON line on stdout, or a human line on stderr. */
void report_emit(const struct conn_report *r, bool json);

#endif /* CSSP_EXAMPLE_REPORT_H */
