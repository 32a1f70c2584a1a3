/*
 * winbind_probe.h - is the host's winbindd there to verify NTLM logons?
 *
 * NTLM pass-through: with no NT-hash key file, gss-ntlmssp hands each NTLM
 * response to winbindd (libwbclient, socket WINBIND_PIPE_PATH), which asks a
 * domain controller.  A server configured that way checks at start-up that
 * the socket accepts a connection, so that a stopped winbindd is an error
 * the admin sees at once rather than a logon failure per client.
 */
#ifndef CSSP_WINBIND_PROBE_H
#define CSSP_WINBIND_PROBE_H

#include <stddef.h>

#include "credssp.h"

/* libwbclient's compiled-in socket (Debian's Samba: --with-winbindd-socket-dir). */
#define WINBIND_PIPE_PATH "/run/samba/winbindd/pipe"

/*
 * Connect to the winbind socket at path (NULL: WINBIND_PIPE_PATH) and close
 * again.  CREDSSP_OK when winbindd accepted; otherwise
 * CREDSSP_E_NO_ACCEPTOR_CRED and a one-line reason with the fix in why.
 */
credssp_error cssp_winbind_probe(const char *path, char *why, size_t why_len);

#endif /* CSSP_WINBIND_PROBE_H */
