/*
 * api_checks.c - the public names of the start-up checks (include/credssp.h,
 * "Start-up checks and domain users"): thin wrappers over keytab_check.c and
 * winbind_probe.c, so that front ends need no private header.
 */
#include "credssp.h"
#include "keytab_check.h"
#include "winbind_probe.h"

CREDSSP_API credssp_error
credssp_keytab_check(const char *path, char *why, size_t why_len)
{
    return cssp_keytab_check(path, why, why_len);
}

CREDSSP_API credssp_error
credssp_winbind_probe(const char *path, char *why, size_t why_len)
{
    return cssp_winbind_probe(path != NULL ? path : CREDSSP_WINBIND_PIPE, why, why_len);
}
