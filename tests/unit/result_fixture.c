/*
 * result_fixture.c - credssp_result builders for the hand-off, PAM and
 * integration tests (result_fixture.h).
 * Failures abort: a fixture that cannot be built is a broken test.
 */
#include <stdlib.h>
#include <string.h>

#include "result_fixture.h"

/* strdup that tolerates NULL and aborts on allocation failure. */
static char *
xdup(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        abort();
    return d;
}

/* A result with identity fields only. */
static struct credssp_result *
base(unsigned mech, const char *principal, int version)
{
    struct credssp_result *r = NULL;

    if (cssp_result_new(&r) != CREDSSP_OK)
        abort();
    r->mech = mech;
    r->client_version = version;
    r->binding = version >= 5 ? CREDSSP_BINDING_HASH : CREDSSP_BINDING_ECHO;
    r->principal = xdup(principal);
    return r;
}

struct credssp_result *
fixture_result(unsigned mech, const char *principal, const char *user, const char *domain,
               const char *secret, int version)
{
    struct credssp_result *r = base(mech, principal, version);

    r->cred_type = CREDSSP_CRED_PASSWORD;
    r->creds.cred_type = CSSP_CREDTYPE_PASSWORD;
    r->creds.password.user = xdup(user != NULL ? user : "");
    r->creds.password.domain = xdup(domain != NULL ? domain : "");
    if (credssp_secret_new(CREDSSP_SECRET_PASSWORD, secret, secret != NULL ? strlen(secret) : 0,
                           &r->creds.password.password) != CREDSSP_OK)
        abort();
    return r;
}

struct credssp_result *
fixture_smartcard(unsigned mech, const char *principal, const char *user_hint,
                  const char *domain_hint, const char *pin)
{
    struct credssp_result *r = base(mech, principal, 6);

    r->cred_type = CREDSSP_CRED_SMARTCARD;
    r->creds.cred_type = CSSP_CREDTYPE_SMARTCARD;
    r->creds.smartcard.user_hint = xdup(user_hint);
    r->creds.smartcard.domain_hint = xdup(domain_hint);
    r->creds.smartcard.csp.key_spec = 1;
    if (credssp_secret_new(CREDSSP_SECRET_PIN, pin, strlen(pin), &r->creds.smartcard.pin) !=
        CREDSSP_OK)
        abort();
    return r;
}

struct credssp_result *
fixture_restricted(unsigned mech, const char *principal)
{
    struct credssp_result *r = base(mech, principal, 6);

    r->cred_type = CREDSSP_CRED_RESTRICTED_ADMIN;
    r->creds.cred_type = CSSP_CREDTYPE_PASSWORD;
    r->creds.password.user = xdup("");
    r->creds.password.domain = xdup("");
    r->creds.password.restricted_admin = true;
    if (credssp_secret_new(CREDSSP_SECRET_PASSWORD, NULL, 0, &r->creds.password.password) !=
        CREDSSP_OK)
        abort();
    return r;
}

struct credssp_result *
fixture_remote_guard(unsigned mech, const char *principal, const char *package, const void *buf,
                     size_t len)
{
    struct credssp_result *r = base(mech, principal, 6);

    r->cred_type = CREDSSP_CRED_REMOTE_GUARD;
    r->creds.cred_type = CSSP_CREDTYPE_REMOTE_GUARD;
    r->creds.remote_guard.logon.package_name = xdup(package);
    if (credssp_secret_new(CREDSSP_SECRET_BLOB, buf, len,
                           &r->creds.remote_guard.logon.cred_buffer) != CREDSSP_OK)
        abort();
    return r;
}

void
fixture_csp(struct credssp_result *r, int key_spec, const char *card, const char *reader,
            const char *container, const char *csp)
{
    r->creds.smartcard.csp.key_spec = key_spec;
    r->creds.smartcard.csp.card_name = xdup(card);
    r->creds.smartcard.csp.reader_name = xdup(reader);
    r->creds.smartcard.csp.container_name = xdup(container);
    r->creds.smartcard.csp.csp_name = xdup(csp);
}
