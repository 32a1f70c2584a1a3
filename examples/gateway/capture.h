/*
 * capture.h - debug option --capture FILE: every plaintext byte the gateway
 * sends toward xrdp (the X.224 Connection Request, then the TLS plaintext:
 * MCS, the rewritten Client Info PDU, the relayed stream), written raw.
 *
 * In password mode that file holds the password: it is created new (0600;
 * an existing file, hard link or symbolic link is refused, so the gateway
 * never writes into a file it did not create), and the gateway warns at
 * start.  Tests use it to prove what token mode sends
 * (tests/integration/test_gateway*.sh).
 */
#ifndef CSSP_GATEWAY_CAPTURE_H
#define CSSP_GATEWAY_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

/* Create (O_EXCL, O_NOFOLLOW, 0600); the descriptor or -1 (errno set). */
int gw_capture_open(const char *path);
/* Write len bytes; fd < 0 does nothing.  Errors are reported once on stderr. */
void gw_capture_write(int fd, const uint8_t *data, size_t len);

#endif /* CSSP_GATEWAY_CAPTURE_H */
