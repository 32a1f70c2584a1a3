/*
 * backend.h - the gateway's connection to xrdp: where (--backend), the
 * nonblocking connect, and the client side of the X.224 negotiation
 * (MS-RDPBCGR 2.2.1.1 Connection Request with RDP_NEG_REQ asking for
 * PROTOCOL_SSL only; 2.2.1.2 Connection Confirm with RDP_NEG_RSP or
 * RDP_NEG_FAILURE).
 */
#ifndef CSSP_GATEWAY_BACKEND_H
#define CSSP_GATEWAY_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "gateway.h"

#define GW_BACKEND_CC_MAX 64u   /* the longest Connection Confirm accepted */

/* What xrdp's Connection Confirm said. */
struct gw_cc {
    bool failure;               /* RDP_NEG_FAILURE */
    bool has_neg;               /* negotiation data present at all */
    uint8_t flags;
    uint32_t value;             /* selectedProtocol, or failureCode */
};

/*
 * Parse "tcp://HOST:PORT", "tcp://[V6]:PORT", "unix:PATH" or "unix://PATH"
 * (absolute PATH).  Names are resolved once, here.  0 or -1 (message on
 * stderr).
 */
int gw_backend_parse(const char *spec, struct gw_backend *out);

/*
 * Start a nonblocking connect.  *fd_out is the socket; *connected_out says
 * whether it completed at once (Unix sockets usually do).
 */
credssp_error gw_backend_connect(const struct gw_backend *b, int *fd_out, bool *connected_out);
/* After EPOLLOUT on a pending connect: CREDSSP_OK, or CREDSSP_E_IO (refused...). */
credssp_error gw_backend_connect_result(int fd, int *errno_out);

/* The 19-byte Connection Request: TPKT, X.224 CR, RDP_NEG_REQ PROTOCOL_SSL. */
void gw_backend_write_cr(struct cssp_writer *w);

/*
 * Parse a Connection Confirm at the start of data: CREDSSP_E_TRUNCATED while
 * incomplete; on success *frame_out is its length (what follows is TLS).
 */
credssp_error gw_backend_parse_cc(const uint8_t *data, size_t len, size_t *frame_out,
                                  struct gw_cc *out);

#endif /* CSSP_GATEWAY_BACKEND_H */
