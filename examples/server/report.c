/*
 * report.c - one line per finished connection: JSON on stdout (--json) or a
 * human line on stderr.
 *
 * JSON per RFC 8259 through json.c; every client-controlled string (cookie,
 * user, domain, principal) is escaped and UTF-8-sanitised in both forms.  The
 * delegated password is never part of a report, only "delivered".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"

#define HUMAN_MAX_LINE 4096u

static const char *ntlm_source;   /* set once at start-up (report_set_ntlm_source) */

void
report_set_ntlm_source(const char *source)
{
    ntlm_source = source;
}

/* "0xC000006D" style hex for NTSTATUS and protocol masks. */
static void
hex32(char out[11], uint32_t v, bool upper)
{
    (void)snprintf(out, 11, upper ? "0x%08X" : "0x%08x", (unsigned)v);
}

/* The JSON form. */
static void
emit_json(const struct conn_report *r)
{
    struct json j;
    char hex[11];

    json_begin(&j, JSON_MAX_LINE);
    json_str(&j, "peer", r->peer);
    json_str(&j, "protocol", r->protocol);
    if (r->has_requested) {
        hex32(hex, r->requested, false);
        json_str(&j, "requested", hex);
    } else {
        json_null(&j, "requested");
    }
    json_str(&j, "cookie", r->cookie);
    if (r->credssp_version > 0)
        json_int(&j, "credssp_version", r->credssp_version);
    else
        json_null(&j, "credssp_version");
    json_str(&j, "mech", r->mech);
    if (ntlm_source != NULL)
        json_str(&j, "ntlm_source", ntlm_source);
    json_bool(&j, "spnego", r->spnego);
    json_str(&j, "binding", r->binding);
    json_str(&j, "user", r->user);
    json_str(&j, "domain", r->domain);
    json_str(&j, "principal", r->principal);
    json_str(&j, "cred_type", r->cred_type);
    json_bool(&j, "delivered", r->delivered);
    if (r->rg_packages >= 0) {
        json_int(&j, "rg_packages", r->rg_packages);
        json_int(&j, "rg_service_ticket_len", r->rg_service_ticket_len);
        json_int(&j, "rg_tgt_len", r->rg_tgt_len);
    }
    json_str(&j, "outcome", r->outcome);
    if (r->error_code != 0) {
        hex32(hex, r->error_code, true);
        json_str(&j, "error_code", hex);
    } else {
        json_null(&j, "error_code");
    }
    json_str(&j, "pam", r->pam);
    if (r->krb5ccname != NULL)
        json_str(&j, "krb5ccname", r->krb5ccname);
    if (r->pam_teardown != NULL)
        json_str(&j, "pam_teardown", r->pam_teardown);
    if (r->eua >= 0)
        json_int(&j, "eua", r->eua);
    else
        json_null(&j, "eua");
    json_str(&j, "ending", r->ending);
    json_int(&j, "elapsed_ms", (long long)r->elapsed_ms);
    json_print(&j, "credssp-server", r->peer);
}

/* The human form, on stderr. */
static void
emit_human(const struct conn_report *r)
{
    struct cssp_writer w;
    char num[32];

    cssp_writer_init(&w, HUMAN_MAX_LINE, false);
    cssp_write_bytes(&w, "credssp-server:", 15);
    json_human_word(&w, "peer", r->peer);
    json_human_word(&w, "protocol", r->protocol);
    if (r->credssp_version > 0) {
        (void)snprintf(num, sizeof(num), "%d", r->credssp_version);
        json_human_word(&w, "version", num);
    }
    json_human_word(&w, "mech", r->mech);
    json_human_word(&w, "ntlm_source", ntlm_source);
    if (r->spnego >= 0)
        json_human_word(&w, "spnego", r->spnego ? "yes" : "no");
    json_human_word(&w, "binding", r->binding);
    json_human_str(&w, "user", r->user);
    json_human_str(&w, "domain", r->domain);
    json_human_str(&w, "principal", r->principal);
    json_human_word(&w, "cred", r->cred_type);
    if (r->delivered >= 0)
        json_human_word(&w, "delivered", r->delivered ? "yes" : "no");
    json_human_word(&w, "outcome", r->outcome);
    if (r->error_code != 0) {
        hex32(num, r->error_code, true);
        json_human_word(&w, "error_code", num);
    }
    json_human_word(&w, "pam", r->pam);
    json_human_word(&w, "pam_teardown", r->pam_teardown);
    if (r->eua >= 0) {
        (void)snprintf(num, sizeof(num), "%d", r->eua);
        json_human_word(&w, "eua", num);
    }
    json_human_word(&w, "ending", r->ending);
    (void)snprintf(num, sizeof(num), "%llums", (unsigned long long)r->elapsed_ms);
    json_human_word(&w, "elapsed", num);
    json_human_print(&w, "credssp-server", r->peer);
}

/* Emit the report in the configured form. */
void
report_emit(const struct conn_report *r, bool json)
{
    if (json)
        emit_json(r);
    else
        emit_human(r);
}

void
report_fill(struct conn_report *rep, const credssp_result *r, bool complete)
{
    unsigned mech;

    if (r == NULL)
        return;
    rep->credssp_version = credssp_result_client_version(r);
    mech = credssp_result_mech(r);
    rep->mech = credssp_mech_name(mech);
    rep->spnego = mech != CREDSSP_MECH_NONE ? (credssp_result_spnego(r) ? 1 : 0) : -1;
    rep->principal = credssp_result_principal(r);
    rep->error_code = credssp_result_error_code(r);
    if (complete) {
        const credssp_secret *s = credssp_result_secret(r);

        rep->binding = credssp_binding_name(credssp_result_binding(r));
        rep->user = credssp_result_user(r);
        rep->domain = credssp_result_domain(r);
        rep->cred_type = credssp_cred_type_name(credssp_result_cred_type(r));
        rep->delivered = (s != NULL && credssp_secret_len(s) > 0) ? 1 : 0;
        if (credssp_result_cred_type(r) == CREDSSP_CRED_REMOTE_GUARD) {
            uint32_t st = 0, tgt = 0;

            rep->rg_packages = (long)credssp_result_rg_package_count(r);
            if (credssp_result_rg_ticket_logon(r, NULL, NULL, &st, &tgt) == CREDSSP_OK) {
                rep->rg_service_ticket_len = st;
                rep->rg_tgt_len = tgt;
            }
        }
    }
}
