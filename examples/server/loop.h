/*
 * loop.h - credssp-server on the shared event loop (examples/common/
 * evloop.h): one socket, one timerfd and a PAM eventfd per connection
 * (conn.c); SIGHUP is forwarded to the --workers processes.
 */
#ifndef CSSP_EXAMPLE_LOOP_H
#define CSSP_EXAMPLE_LOOP_H

#include <stddef.h>

#include "server.h"

/*
 * Serve until --connections connections are finished or a SIGTERM / SIGINT
 * arrives.  Takes ownership of listen_fd.  Returns the process exit status.
 */
int loop_run(struct server *srv, int listen_fd);

#endif /* CSSP_EXAMPLE_LOOP_H */
