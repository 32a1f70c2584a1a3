/*
 * credssp_keyfile.h - the key-file admin calls of libcredssp: the NT hash of a
 * password and adding or removing a user's line in an smbpasswd-format NT-hash
 * key file (the format gss-ntlmssp reads; docs/NTLM-KEYS.md).  What
 * credssp-keyfile and pam_credssp's enrolment run; an acceptor only names the
 * file (credssp_config_set_ntlm_keyfile in credssp.h).  Exported by
 * libcredssp (pkg-config credssp).
 */
#ifndef CREDSSP_KEYFILE_H
#define CREDSSP_KEYFILE_H

#include "credssp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* NT hash = MD4(UTF-16LE(password)) (MS-NLMP 3.3.1 NTOWFv1), through OpenSSL. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_nt_hash(const char *password_utf8, size_t len,
                                                       credssp_secret **out);
/*
 * Add or replace the line for [DOMAIN\]user in an smbpasswd-format key file:
 * atomic (temp file, fsync, rename), locked, mode 0600.  The user name is
 * exact (POSIX names are case-sensitive), the domain case-insensitive.
 * CREDSSP_E_NAME_COLLISION, file unchanged, when another entry's user differs
 * only in case and the domains can meet: gss-ntlmssp matches user names
 * case-insensitively and would take one account's hash for the other.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_keyfile_set(const char *path, const char *user,
                                                           const char *domain,
                                                           const credssp_secret *nt_hash);
/* Remove the lines for [DOMAIN\]user (user exact); CREDSSP_OK also when there was none. */
CREDSSP_API CREDSSP_WUR credssp_error credssp_keyfile_remove(const char *path, const char *user,
                                                              const char *domain);

/*
 * CREDSSP_OK when name may be stored as a user (is_domain 0) or as the domain
 * of an entry: valid UTF-8, not empty, not too long, no control character,
 * ':' or '\\', not starting with '#'.  Else CREDSSP_E_INVALID_ARG.
 */
CREDSSP_API CREDSSP_WUR credssp_error credssp_keyfile_check_name(const char *name, int is_domain);

#ifdef __cplusplus
}
#endif

#endif /* CREDSSP_KEYFILE_H */
