/*
 * backtls.h - the gateway's TLS client toward xrdp, over two memory BIOs
 * (MS-RDPBCGR 5.4.5.1: after the X.224 exchange selected PROTOCOL_SSL the
 * client starts TLS on the same stream).
 *
 * The session itself is a memtls (examples/common/memtls.h) in the client
 * role; this adds its context and the certificate pin.  Received plaintext
 * is cleansed inside OpenSSL once handed out (SSL_OP_CLEANSE_PLAINTEXT).
 */
#ifndef CSSP_GATEWAY_BACKTLS_H
#define CSSP_GATEWAY_BACKTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "credssp.h"
#include "memtls.h"

/* The client context: TLS 1.2+, no verification (see backtls_check_pin). */
credssp_error backtls_make_ctx(SSL_CTX **ctx_out);
/* Read the PEM certificate xrdp must present (--backend-cert). */
credssp_error backtls_load_pin(const char *path, X509 **pin_out);
/* With a pin: the peer certificate of t must equal it.  Without: OK. */
credssp_error backtls_check_pin(const struct memtls *t, X509 *pin);

#endif /* CSSP_GATEWAY_BACKTLS_H */
