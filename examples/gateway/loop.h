/*
 * loop.h - credssp-gateway on the shared event loop (examples/common/
 * evloop.h): per connection the client socket, the xrdp socket and a
 * timerfd (session.c).
 */
#ifndef CSSP_GATEWAY_LOOP_H
#define CSSP_GATEWAY_LOOP_H

#include "gateway.h"

/* Serve until --connections are done or a signal arrives; owns listen_fd. */
int gw_loop_run(struct gateway *gw, int listen_fd);

#endif /* CSSP_GATEWAY_LOOP_H */
