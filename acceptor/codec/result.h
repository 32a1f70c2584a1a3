/*
 * result.h - what a finished CredSSP exchange established (library-internal).
 *
 * The engine fills it; applications read it through the credssp_result_*
 * accessors of credssp.h.  Tests may fill it directly.
 */
#ifndef CSSP_RESULT_H
#define CSSP_RESULT_H

#include <gssapi/gssapi.h>

#include "internal.h"
#include "tscred.h"

struct credssp_result {
    unsigned mech;              /* enum credssp_mech */
    bool spnego;
    int client_version;         /* TSRequest.version the client sent */
    unsigned binding;           /* enum credssp_binding */
    char *principal;            /* "DOMAIN\\user" / "user@REALM" (NULs trimmed) */
    char *local_name;           /* set directly (hand-off), else computed from name */
    /*
     * The authenticated name (owned), GSS_C_NO_NAME when none is kept.
     * gss_localname costs two getpwnam walks (a sixth of a login's server
     * CPU, docs/PERFORMANCE.md), so it runs only when the application calls
     * credssp_result_local_name(), into the caller's buffer: the result is
     * never written after the exchange.
     */
    gss_name_t name;
    unsigned cred_type;         /* enum credssp_cred_type */
    uint32_t error_code;        /* NTSTATUS sent to the client, 0 = none */
    struct cssp_ts_credentials creds;  /* delegated credentials (secrets wiped on clear) */
};

/* Wipe and free every member; the struct is zeroed and reusable. NULL-safe. */
void cssp_result_clear(struct credssp_result *r);
/* Heap-allocate an empty result (freed with credssp_result_free). */
CSSP_WUR credssp_error cssp_result_new(struct credssp_result **out);

#endif /* CSSP_RESULT_H */
