/*
 * audit.c - one line per finished client connection (see audit.h).
 *
 * JSON through the server's json.c (RFC 8259 escaping, invalid UTF-8
 * replaced), the human form as key=value with client-controlled strings
 * quoted the same way.  Nothing secret is ever a field here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "gateway.h"
#include "json.h"

#define HUMAN_MAX_LINE 4096u

/* The JSON form. */
static void
emit_json(const struct gw_report *r)
{
    struct json j;
    char hex[11];

    json_begin(&j, JSON_MAX_LINE);
    json_str(&j, "peer", r->peer);
    json_str(&j, "protocol", r->protocol);
    if (r->has_requested) {
        (void)snprintf(hex, sizeof(hex), "0x%08x", (unsigned)r->requested);
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
    json_str(&j, "principal", r->principal);
    json_str(&j, "user", r->user);
    json_str(&j, "domain", r->domain);
    json_str(&j, "cred_type", r->cred_type);
    json_str(&j, "local_user", r->local_user);
    json_str(&j, "mode", r->mode);
    json_str(&j, "ntlm_source", r->ntlm_source);
    json_str(&j, "outcome", r->outcome);
    json_str(&j, "reason", r->reason);
    if (r->error_code != 0) {
        (void)snprintf(hex, sizeof(hex), "0x%08X", (unsigned)r->error_code);
        json_str(&j, "error_code", hex);
    } else {
        json_null(&j, "error_code");
    }
    if (r->eua >= 0)
        json_int(&j, "eua", r->eua);
    else
        json_null(&j, "eua");
    json_str(&j, "backend", r->backend);
    json_int(&j, "bytes_up", (long long)r->bytes_up);
    json_int(&j, "bytes_down", (long long)r->bytes_down);
    json_str(&j, "ending", r->ending);
    json_int(&j, "elapsed_ms", (long long)r->elapsed_ms);
    json_print(&j, GW_NAME, r->peer);
}

/* The human form. */
static void
emit_human(const struct gw_report *r)
{
    struct cssp_writer w;
    char num[32];

    cssp_writer_init(&w, HUMAN_MAX_LINE, false);
    cssp_write_bytes(&w, GW_NAME ":", strlen(GW_NAME ":"));
    json_human_word(&w, "peer", r->peer);
    json_human_word(&w, "protocol", r->protocol);
    if (r->credssp_version > 0) {
        (void)snprintf(num, sizeof(num), "%d", r->credssp_version);
        json_human_word(&w, "version", num);
    }
    json_human_word(&w, "mech", r->mech);
    json_human_str(&w, "principal", r->principal);
    json_human_str(&w, "user", r->user);
    json_human_str(&w, "domain", r->domain);
    json_human_word(&w, "cred", r->cred_type);
    json_human_str(&w, "local_user", r->local_user);
    json_human_word(&w, "mode", r->mode);
    json_human_word(&w, "ntlm_source", r->ntlm_source);
    json_human_word(&w, "outcome", r->outcome);
    json_human_word(&w, "reason", r->reason);
    if (r->error_code != 0) {
        (void)snprintf(num, sizeof(num), "0x%08X", (unsigned)r->error_code);
        json_human_word(&w, "error_code", num);
    }
    if (r->eua >= 0) {
        (void)snprintf(num, sizeof(num), "%d", r->eua);
        json_human_word(&w, "eua", num);
    }
    json_human_word(&w, "backend", r->backend);
    (void)snprintf(num, sizeof(num), "%llu", (unsigned long long)r->bytes_up);
    json_human_word(&w, "up", num);
    (void)snprintf(num, sizeof(num), "%llu", (unsigned long long)r->bytes_down);
    json_human_word(&w, "down", num);
    json_human_word(&w, "ending", r->ending);
    (void)snprintf(num, sizeof(num), "%llums", (unsigned long long)r->elapsed_ms);
    json_human_word(&w, "elapsed", num);
    json_human_print(&w, GW_NAME, r->peer);
}

/* Emit in the configured form. */
void
gw_report_emit(const struct gw_report *r, bool json)
{
    if (json)
        emit_json(r);
    else
        emit_human(r);
}
