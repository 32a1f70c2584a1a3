/*
 * audit.c - one audit line per CredSSP attempt (MS-CSSP 3.1.5 leaves logging
 * to the server): who, from where, which mechanism and version, the outcome
 * and how long it took.  Names from the wire are escaped; secrets never reach
 * this file.  It reads a const result and a summary (audit.h), not the engine;
 * the engine core calls it once per attempt.
 */
#include <stdio.h>
#include <syslog.h>

#include "audit.h"

/* Copy s into out, escaping anything that is not printable ASCII. */
static const char *
escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;

    if (s == NULL)
        return "-";
    for (; *s != '\0' && o + 5 < cap; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x21 && c < 0x7f && c != '\\' && c != '"') {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        }
    }
    out[o] = '\0';
    return out;
}

/* A name, or "-" for none. */
static const char *
or_dash(const char *name)
{
    return name != NULL ? name : "-";
}

void
cssp_audit(const struct credssp_config *cfg, const struct credssp_result *r,
           const struct cssp_audit_info *a)
{
    char peer[128], principal[256], user[256], domain[128];
    const char *gss = a->gss_text != NULL ? a->gss_text : "";

    if (r == NULL)
        return;
    cssp_log(cfg, a->err == CREDSSP_OK ? LOG_INFO : LOG_WARNING,
             "credssp: peer=%s outcome=%s mech=%s spnego=%s version=%d binding=%s "
             "principal=%s user=%s domain=%s cred=%s error_code=0x%08x elapsed_ms=%llu "
             "backend_ms=%llu%s%s",
             escape(a->peer, peer, sizeof(peer)), credssp_error_name(a->err),
             or_dash(credssp_mech_name(r->mech)), r->spnego ? "yes" : "no", r->client_version,
             or_dash(credssp_binding_name(r->binding)),
             escape(r->principal, principal, sizeof(principal)),
             escape(credssp_result_user(r), user, sizeof(user)),
             escape(credssp_result_domain(r), domain, sizeof(domain)),
             or_dash(credssp_cred_type_name(r->cred_type)), r->error_code,
             (unsigned long long)a->elapsed_ms, (unsigned long long)a->backend_ms,
             gss[0] != '\0' ? " gss=" : "", gss);
}
