/*
 * engine_step.c - deferred mode (issue 15): the engine leaves the work that
 * may block to the application's worker thread instead of running it inside
 * credssp_engine_feed() on the event loop.
 *
 * What may block is the handling of a negoToken in STAGE_NEGO (MS-CSSP
 * 3.1.5): the NTLM lookup callback, gss_accept_sec_context (gss-ntlmssp
 * reading its key file or asking winbind, a Kerberos replay cache).  In
 * deferred mode such a TSRequest stays in the input buffer, marked by
 * step_frame (the core, engine.c, marks and handles it; this file hands it
 * over); the status is CREDSSP_WANT_STEP until credssp_engine_step() has
 * handled it.  Everything else (TLS, DER, wrap/unwrap, policy) stays in
 * feed().  A back end that answers after the engine's deadline fails the
 * exchange with CREDSSP_E_TIMEOUT before anything is sent (engine_auth.c
 * accept_token).  The engine stays sans-I/O and single-owner; the threading
 * rules are in docs/ENGINE.md.
 */
#include "engine.h"

CREDSSP_API credssp_error
credssp_engine_set_deferred(credssp_engine *e, int on)
{
    if (e == NULL)
        return CREDSSP_E_INVALID_ARG;
    if (e->client_version != 0 || e->step_frame > 0)
        return CREDSSP_E_STATE;   /* the exchange has begun */
    e->deferred = on != 0;
    return CREDSSP_OK;
}

CREDSSP_API credssp_status
credssp_engine_step(credssp_engine *e)
{
    if (e == NULL)
        return CREDSSP_FAILED;
    if (e->step_frame == 0)
        return credssp_engine_status(e);
    cssp_engine_run_step(e);
    if (e->stage == STAGE_FAILED)
        return credssp_engine_status(e);
    /* Go on with what arrived meanwhile (more TLS records, a next TSRequest). */
    return credssp_engine_feed(e, NULL, 0);
}
