/*
 * loop.h - the single-threaded epoll loop of credssp-server: listening
 * socket, signalfd for SIGTERM / SIGINT (shutdown) and SIGHUP (reload,
 * forwarded to the --workers processes), one socket + one timerfd per
 * connection (conn.c), a cap on concurrent connections.
 */
#ifndef CSSP_EXAMPLE_LOOP_H
#define CSSP_EXAMPLE_LOOP_H

#include <stddef.h>

#include "server.h"

/*
 * Open a nonblocking listening TCP socket for "HOST:PORT" or "[V6]:PORT"
 * (PORT 0 = any free port).  *fd_out and the bound port on success; 0 or -1.
 */
int loop_listen(const char *spec, int *fd_out, unsigned *port_out);

/*
 * Serve until --connections connections are finished or a SIGTERM / SIGINT
 * arrives.  Takes ownership of listen_fd.  Returns the process exit status.
 */
int loop_run(struct server *srv, int listen_fd);

#endif /* CSSP_EXAMPLE_LOOP_H */
