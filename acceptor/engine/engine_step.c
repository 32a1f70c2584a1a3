/*
 * engine_step.c - deferred mode (issue 15): the engine leaves the work that
 * may block to the application's worker thread instead of running it inside
 * credssp_engine_feed() on the event loop.
 *
 * What may block is the handling of a negoToken in STAGE_NEGO: the NTLM
 * lookup callback, gss_accept_sec_context (gss-ntlmssp reading its key file
 * or asking winbind, a Kerberos replay cache).  In deferred mode such a
 * TSRequest stays in the input buffer, marked by step_frame; the status is
 * CREDSSP_WANT_STEP until credssp_engine_step() has handled it.  Everything
 * else (TLS, DER, wrap/unwrap, policy) stays in feed().  A back end that
 * answers after the engine's deadline fails the exchange with
 * CREDSSP_E_TIMEOUT before anything is sent (engine_auth.c accept_token).  The engine stays
 * sans-I/O and single-owner; the threading rules are in docs/ENGINE.md.
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

bool
cssp_engine_defer(struct credssp_engine *e, size_t frame)
{
    if (e->step_frame > 0)
        return true;
    if (!e->deferred || e->stage != STAGE_NEGO)
        return false;
    e->step_frame = frame;
    return true;
}

CREDSSP_API credssp_status
credssp_engine_step(credssp_engine *e)
{
    size_t frame;

    if (e == NULL)
        return CREDSSP_FAILED;
    frame = e->step_frame;
    if (frame == 0)
        return credssp_engine_status(e);
    e->step_frame = 0;
    if (e->stage >= STAGE_NEGO && e->stage <= STAGE_AUTHINFO) {
        cssp_engine_handle(e, e->in.data + e->in.off, frame);
        e->in.off += frame;
    }
    if (e->stage == STAGE_FAILED)
        return CREDSSP_FAILED;
    /* Go on with what arrived meanwhile (more TLS records, a next TSRequest). */
    return credssp_engine_feed(e, NULL, 0);
}
