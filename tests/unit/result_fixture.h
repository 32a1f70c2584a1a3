/*
 * result_fixture.h - builds credssp_result values directly for the PAM-side tests
 * (what the engine would fill after a finished exchange).
 */
#ifndef RESULT_FIXTURE_H
#define RESULT_FIXTURE_H

#include "result.h"

/* A password (or, with pin, smart-card) result; any string may be NULL. */
struct credssp_result *fixture_result(unsigned mech, const char *principal, const char *user,
                                      const char *domain, const char *secret, int version);
/* The same with a PIN (TSSmartCardCreds with hints). */
struct credssp_result *fixture_smartcard(unsigned mech, const char *principal,
                                         const char *user_hint, const char *domain_hint,
                                         const char *pin);
/* Restricted Admin: identity only, empty password. */
struct credssp_result *fixture_restricted(unsigned mech, const char *principal);
/* Remote Guard: identity and a logon package with buf[0..len) as its credBuffer. */
struct credssp_result *fixture_remote_guard(unsigned mech, const char *principal,
                                            const char *package, const void *buf, size_t len);
/* Set the CSP details of a smart-card result (any string may be NULL). */
void fixture_csp(struct credssp_result *r, int key_spec, const char *card, const char *reader,
                 const char *container, const char *csp);

#endif
