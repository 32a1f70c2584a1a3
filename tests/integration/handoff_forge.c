/*
 * handoff_forge.c - seals a hand-off record with the library's own
 * credssp_handoff_store (include/credssp_pam.h) and prints its token: what
 * an unprivileged user can do in its own keyrings, since the record format
 * and the token derivation are public (docs/KEYRING.md).  Used by
 * tests/integration/test_trust.sh both for the forged record and for the
 * legitimate one a root server stores.
 *
 *   handoff_forge USER [session]
 *       an NTLM identity USER delegating USER's password "Forged-pw-1", in
 *       the default keyring (@u) or in the session keyring (@s)
 */
#include <stdio.h>
#include <string.h>

#include "credssp_pam.h"
#include "result_fixture.h"

int
main(int argc, char **argv)
{
    char token[CREDSSP_HANDOFF_TOKEN_LEN + 1];
    struct credssp_result *r;
    credssp_error err;
    int32_t ring = CREDSSP_HANDOFF_KEYRING_DEFAULT;

    if (argc == 3 && strcmp(argv[2], "session") == 0) {
        ring = CREDSSP_HANDOFF_KEYRING_SESSION;
    } else if (argc != 2) {
        fprintf(stderr, "usage: handoff_forge USER [session]\n");
        return 2;
    }
    r = fixture_result(CREDSSP_MECH_NTLM, argv[1], argv[1], NULL, "Forged-pw-1", 6);
    err = credssp_handoff_store(r, 0, ring, token);
    credssp_result_free(r);
    if (err != CREDSSP_OK) {
        fprintf(stderr, "handoff_forge: %s\n", credssp_error_name(err));
        return 1;
    }
    printf("%s\n", token);
    return 0;
}
