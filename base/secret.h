/*
 * secret.h - library-internal constructors for credssp_secret (see credssp.h).
 */
#ifndef CSSP_SECRET_H
#define CSSP_SECRET_H

#include "internal.h"

/*
 * Allocate a secret of len bytes (plus a NUL for PASSWORD/PIN) and return a
 * writable pointer to its contents; fill it before handing the secret out.
 */
CSSP_WUR credssp_error cssp_secret_alloc(credssp_secret_kind kind, size_t len,
                                         credssp_secret **out, uint8_t **data_out);

#endif /* CSSP_SECRET_H */
