/*
 * loop.h - the single-threaded epoll loop of credssp-gateway: listening
 * socket, signalfd (SIGTERM / SIGINT; SIGHUP reloads), per connection the
 * client socket, the xrdp socket and a timerfd (session.c).
 */
#ifndef CSSP_GATEWAY_LOOP_H
#define CSSP_GATEWAY_LOOP_H

#include "gateway.h"

/* Open the nonblocking listening socket for HOST:PORT / [V6]:PORT (0 = any port). */
int gw_listen(const char *spec, int *fd_out, unsigned *port_out);

/* Serve until --connections are done or a signal arrives; owns listen_fd. */
int gw_loop_run(struct gateway *gw, int listen_fd);

#endif /* CSSP_GATEWAY_LOOP_H */
