/*
 * keytab_check.h - does a keytab hold usable TERMSRV keys?  (docs/ACTIVE-DIRECTORY.md)
 *
 * An AD service account exported without AES enctypes (msDS-Supported-
 * EncryptionTypes unset) gives a keytab of RC4-HMAC keys only; a keytab from
 * `net ads keytab create` may lack TERMSRV/ entirely.  Both make every
 * Kerberos logon fail later with an opaque GSSAPI error; this check names the
 * problem and the fix at start-up.
 */
#ifndef CSSP_KEYTAB_CHECK_H
#define CSSP_KEYTAB_CHECK_H

#include <stddef.h>

#include "credssp.h"
#include "internal.h"

/*
 * Read the keytab at path (NULL: the default keytab).  CREDSSP_OK with an
 * empty why when it has AES keys for a TERMSRV/<host> principal (why then
 * lists the TERMSRV principals found).  Otherwise why says what is wrong and
 * how to fix it: CREDSSP_E_NO_ACCEPTOR_CRED for an unreadable keytab or one
 * without TERMSRV keys, CREDSSP_E_CONFIG for TERMSRV keys without AES.
 */
CSSP_WUR credssp_error cssp_keytab_check(const char *path, char *why, size_t why_len);

#endif /* CSSP_KEYTAB_CHECK_H */
