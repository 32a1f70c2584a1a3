/*
 * cert.h - the server's TLS context (MS-CSSP 3.1.5 step 1: server-authenticated
 * TLS, no client certificate, no session resumption).
 *
 * Either from PEM files, or an ephemeral self-signed RSA-2048 certificate
 * (X.509 v3, RFC 5280) generated at start with CN = the host name.  RSA
 * because impacket's rdp_check derives the key from a fixed SPKI offset.
 */
#ifndef CSSP_EXAMPLE_CERT_H
#define CSSP_EXAMPLE_CERT_H

#include <openssl/ssl.h>

#include "credssp.h"

/*
 * Build the server SSL_CTX.  cert_pem and key_pem both NULL: ephemeral
 * certificate.  Prints the certificate's subject and SHA-256 fingerprint on
 * stderr.  *ctx_out is owned by the caller (SSL_CTX_free).
 */
credssp_error cert_make_ssl_ctx(const char *cert_pem, const char *key_pem, SSL_CTX **ctx_out);

#endif /* CSSP_EXAMPLE_CERT_H */
