/*
 * internal.h - definitions shared by the library's own files (never installed).
 *
 * Every internal symbol is hidden: the library is compiled with
 * -fvisibility=hidden and only CREDSSP_API functions of the installed headers
 * (include/credssp.h, include/credssp_pam.h) are exported; tests/style/exports.sh
 * checks it.  Internal names use the cssp_ prefix.
 */
#ifndef CSSP_INTERNAL_H
#define CSSP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "credssp.h"
#include "credssp_keyfile.h"

#define CSSP_WUR __attribute__((warn_unused_result))

/* Caps on every length the decoders accept (bytes of the encoded value). */
#define CSSP_MAX_TSREQUEST 65539u     /* outer SEQUENCE framed with 0x82 LL LL: 4 + 65535 */
#define CSSP_MAX_TOKEN 65535u         /* one negoToken / authInfo / pubKeyAuth */
#define CSSP_MAX_NAME_BYTES 1024u     /* UTF-16LE user, domain, hints, CSP names */
#define CSSP_MAX_SECRET_BYTES 1024u   /* UTF-16LE password / PIN (512 UTF-16 units) */
#define CSSP_MAX_RG_BUFFER 32768u     /* one Remote Guard credBuffer */
#define CSSP_MAX_RG_SUPPLEMENTAL 16u  /* supplementalCreds entries */
#define CSSP_NONCE_LEN 32u
#define CSSP_MAX_VERSION 6

/* ARRAY_SIZE for tables */
#define CSSP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif /* CSSP_INTERNAL_H */
