/*
 * admit.c - what happens between a finished CredSSP exchange and the first
 * byte to xrdp: policy, local account, the credential to inject, and the
 * Early User Authorization Result (MS-RDPBCGR 2.2.10.2) for HYBRID_EX.
 *
 * Policy (MS-CSSP 2.2.1.2): only a delegated password can be given to
 * xrdp.  Restricted Admin (empty TSPasswordCreds) and Remote Guard
 * (credType 6) bring none; they are refused unless --trust, where the
 * hand-off token alone stands for the identity CredSSP proved and
 * pam_credssp's `trust` option vouches for it.  Smart-card PINs are refused.
 * A hand-off token that never reaches xrdp (the xrdp leg fails, the client
 * leaves first) is revoked when the connection drops it (gw_inject_drop).
 * A refusal is sent as AUTHZ_ACCESS_DENIED for HYBRID_EX, else as an MCS
 * Disconnect Provider Ultimatum (2.2.2.3) answering the client's Connect
 * Initial.  The local account is looked up on the step pool (NSS may block:
 * winbind, sssd), bounded by --step-timeout; a lookup that does not answer
 * in time ends the login with outcome "timeout", reason "account_lookup".
 * In password mode xrdp 0.9.21 limits (255 UTF-16 code units, no
 * surrogate pairs: docs/XRDP.md) are checked here, so a password xrdp would
 * mangle is refused instead of ending in xrdp's login dialog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "credssp_pam.h"
#include "infopdu.h"
#include "session.h"

#define SMALL_PDU_MAX 64u

/* Copy the names of the result for the report (the result is freed soon). */
static void
remember(struct gw_conn *c, const credssp_result *r)
{
    const char *p = credssp_result_principal(r);
    const char *u = credssp_result_user(r);
    const char *d = credssp_result_domain(r);
    unsigned mech = credssp_result_mech(r);

    c->rep.credssp_version = credssp_result_client_version(r);
    c->rep.mech = credssp_mech_name(mech);
    c->rep.cred_type = credssp_cred_type_name(credssp_result_cred_type(r));
    free(c->principal);
    free(c->user);
    free(c->domain);
    c->principal = p != NULL ? strdup(p) : NULL;
    c->user = u != NULL ? strdup(u) : NULL;
    c->domain = d != NULL ? strdup(d) : NULL;
    c->rep.principal = c->principal;
    c->rep.user = c->user;
    c->rep.domain = c->domain;
}

/*
 * xrdp 0.9.21 reads each UTF-16 code unit into a wchar_t and converts with
 * wcstombs: a surrogate pair empties the field, and a field of 512 octets or
 * more drops the connection.  NULL when the password is fine for it.
 */
static const char *
xrdp_password_problem(const credssp_secret *pw)
{
    const unsigned char *p = credssp_secret_data(pw);
    size_t len = credssp_secret_len(pw), units = 0;

    for (size_t i = 0; i < len; i++) {
        if (p[i] >= 0xF0u)
            return "password_not_bmp";
        if ((p[i] & 0xC0u) != 0x80u)
            units++;
    }
    return units * 2u > GW_INFO_MAX_CB ? "password_too_long" : NULL;
}

/* The credential for the Client Info PDU: the password, or a hand-off token. */
static credssp_error
make_inject(struct gw_conn *c, const credssp_result *r, const char **why_out)
{
    const struct gw_opts *o = &c->gw->opt;
    const credssp_secret *pw = credssp_result_secret(r);
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_error ret;

    *why_out = NULL;
    if (o->mode == GW_MODE_PASSWORD) {
        if (pw == NULL || credssp_secret_len(pw) == 0) {
            *why_out = "no_password";
            return CREDSSP_E_POLICY_CRED_TYPE;
        }
        *why_out = xrdp_password_problem(pw);
        if (*why_out != NULL)
            return CREDSSP_E_POLICY_CRED_TYPE;
        return credssp_secret_dup(pw, &c->inject);
    }
    ret = credssp_handoff_store(r, o->handoff_timeout_s, o->keyring, token);
    if (ret == CREDSSP_OK)
        ret = credssp_secret_new(CREDSSP_SECRET_PASSWORD, token, strlen(token), &c->inject);
    OPENSSL_cleanse(token, sizeof(token));
    if (ret != CREDSSP_OK)
        *why_out = "handoff";
    return ret;
}

/*
 * Wipe and free the credential to inject.  A hand-off token that never
 * reached xrdp (sent == false) is claimed here, which unlinks and revokes
 * its key: nobody can use it any more, and it does not wait for its timeout.
 */
void
gw_inject_drop(struct gw_conn *c, bool sent)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    credssp_result *r = NULL;
    credssp_error ret;

    if (c->inject != NULL && !sent && c->gw->opt.mode == GW_MODE_TOKEN &&
        credssp_secret_len(c->inject) == CREDSSP_HANDOFF_TOKEN_LEN) {
        memcpy(token, credssp_secret_data(c->inject), CREDSSP_HANDOFF_TOKEN_LEN);
        token[CREDSSP_HANDOFF_TOKEN_LEN] = '\0';
        ret = credssp_handoff_claim(token, c->gw->opt.keyring, &r);
        /* Gone (LOGON_FAILURE) or expired (TIMEOUT): nothing left to claim. */
        if (ret != CREDSSP_OK && ret != CREDSSP_E_LOGON_FAILURE && ret != CREDSSP_E_TIMEOUT)
            fprintf(stderr, GW_NAME ": %s: cannot revoke an unused hand-off: %s\n", c->rep.peer,
                    credssp_error_name(ret));
        credssp_result_free(r);
        OPENSSL_cleanse(token, sizeof(token));
    }
    credssp_secret_free(c->inject);
    c->inject = NULL;
}

/* Is this credential type acceptable under the configured policy? */
static bool
type_allowed(const struct gw_opts *o, unsigned type)
{
    if (type == CREDSSP_CRED_PASSWORD)
        return true;
    if (type == CREDSSP_CRED_RESTRICTED_ADMIN || type == CREDSSP_CRED_REMOTE_GUARD)
        return o->trust && o->mode == GW_MODE_TOKEN;
    return false;
}

/* Queue a small PDU into the client's TLS session. */
static credssp_error
front_pdu(struct gw_conn *c, bool eua, uint32_t value)
{
    struct cssp_writer w;
    uint8_t *pdu = NULL;
    size_t len = 0;
    credssp_error ret;

    cssp_writer_init(&w, SMALL_PDU_MAX, false);
    if (eua)
        x224_write_eua(&w, value);
    else
        x224_write_dpum(&w, (uint8_t)value);
    ret = cssp_writer_take(&w, &pdu, &len);
    if (ret == CREDSSP_OK)
        ret = gw_front_write(c, pdu, len);
    free(pdu);
    return ret;
}

/*
 * Answer the client and go on: EUA for HYBRID_EX (success when outcome is
 * NULL), a DPUm for a refused HYBRID client; then the xrdp leg or the end.
 * The engine's copy of the result is dropped here (c->result is freed by
 * whoever ends the lookup).
 */
static void
decide(struct gw_conn *c, const char *outcome, const char *why)
{
    bool hybrid_ex = c->ans.selected == X224_PROTOCOL_HYBRID_EX;

    credssp_result_free(credssp_engine_take_result(c->eng));
    if (hybrid_ex) {
        uint32_t v = outcome == NULL ? X224_EUA_SUCCESS : X224_EUA_ACCESS_DENIED;

        if (front_pdu(c, true, v) == CREDSSP_OK)
            c->rep.eua = (int)v;
    }
    gw_conn_arm_deadline(c);                    /* what is left of --timeout */
    if (outcome != NULL) {
        if (!hybrid_ex)
            (void)front_pdu(c, false, X224_DPUM_USER_REQUESTED);
        gw_conn_finish(c, outcome, why, "refused");
        return;
    }
    gw_backend_start(c);
}

/*
 * The account lookup (a step pool job, or inline without a pool): the one
 * mapping of both front ends; the name must exist (getpwnam_r: NSS, which
 * may block on winbind / sssd).  Touches only c->result and c->map_*, which
 * the loop leaves alone while c->in_map.
 */
static void
lookup_run(struct step_job *job)
{
    struct gw_conn *c = job->owner;
    const struct gw_opts *o = &c->gw->opt;
    const struct fe_account_rules rules = { &o->ad, o->domains, o->n_domains, true };

    c->map_ret = fe_map_account(&rules, c->result, c->map_local, sizeof(c->map_local),
                                &c->map_why);
}

/* The lookup answered in time (c->state is still GS_CREDSSP). */
void
gw_admit_lookup_done(struct gw_conn *c)
{
    const char *outcome = NULL, *why = c->map_why;
    credssp_error ret;

    if (c->map_ret != CREDSSP_OK) {
        outcome = credssp_error_name(CREDSSP_E_IDENTITY_MISMATCH);
    } else {
        memcpy(c->local_user, c->map_local, sizeof(c->local_user));
        if ((ret = make_inject(c, c->result, &why)) != CREDSSP_OK)
            outcome = credssp_error_name(ret);
    }
    credssp_result_free(c->result);             /* wipes the delegated credential */
    c->result = NULL;
    decide(c, outcome, why);
}

/* The lookup did not answer within the step deadline: refuse now. */
void
gw_admit_lookup_timeout(struct gw_conn *c)
{
    decide(c, credssp_error_name(CREDSSP_E_TIMEOUT), "account_lookup");
}

/*
 * Queue the lookup on the step pool with its deadline (the sooner of
 * --step-timeout and what is left of --timeout); the client is not read
 * until the pool hands it back (gw_conn_on_step) or the timer fires.
 */
static void
start_lookup(struct gw_conn *c)
{
    struct gateway *gw = c->gw;
    uint64_t now = fe_now_ms(), end = c->start_ms + gw->opt.timeout_ms;

    c->result = credssp_engine_take_result(c->eng);
    if (gw->steps == NULL) {                    /* --step-threads 0: inline */
        lookup_run(&(struct step_job){ .owner = c });
        gw_admit_lookup_done(c);
        return;
    }
    c->map = (struct step_job){ .run = lookup_run, .owner = c };
    if (!step_pool_submit(gw->steps, &c->map)) {
        credssp_result_free(c->result);
        c->result = NULL;
        decide(c, "overload", "step_queue");
        return;
    }
    c->in_map = true;
    if (gw->opt.admit.step_ms > 0 && now + gw->opt.admit.step_ms < end)
        end = now + gw->opt.admit.step_ms;
    gw_conn_set_timer(c, end > now ? end - now : 1);
}

/* CredSSP is DONE: policy, then the account lookup off the loop. */
void
gw_admit(struct gw_conn *c)
{
    const credssp_result *r = credssp_engine_result(c->eng);
    const struct gw_opts *o = &c->gw->opt;

    if (r == NULL) {
        gw_conn_finish(c, credssp_error_name(CREDSSP_E_INTERNAL), "no_result", "refused");
        return;
    }
    remember(c, r);
    if (!adm_promote(&c->adm))                  /* --max-concurrent relayed sessions */
        decide(c, "busy", "max_concurrent");
    else if (!type_allowed(o, credssp_result_cred_type(r)))
        decide(c, credssp_error_name(CREDSSP_E_POLICY_CRED_TYPE), c->rep.cred_type);
    else
        start_lookup(c);
}
