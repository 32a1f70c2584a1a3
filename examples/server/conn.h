/*
 * conn.h - one client connection of credssp-server: X.224 negotiation
 * (MS-RDPBCGR 2.2.1.1 / 2.2.1.2), TLS + MS-CSSP through one engine, the
 * Early User Authorization Result (MS-RDPBCGR 2.2.10.2) and the ending.
 *
 * A connection registers its socket and its deadline timer (timerfd) with the
 * server's epoll set itself; the loop only dispatches events and frees closed
 * connections after each batch.
 */
#ifndef CSSP_EXAMPLE_CONN_H
#define CSSP_EXAMPLE_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "server.h"

/*
 * Take ownership of an accepted nonblocking socket: arm the deadline, register
 * with epoll and link into srv->conns.  On failure the socket is closed, a
 * report is emitted and NULL is returned.
 */
struct conn *conn_new(struct server *srv, int fd, const struct sockaddr *sa, socklen_t salen);
/* Socket readiness (EPOLLIN / EPOLLOUT / EPOLLHUP / EPOLLERR). */
void conn_on_io(struct conn *c, uint32_t events);
/* The deadline or linger timer fired. */
void conn_on_timer(struct conn *c);
/* The PAM worker of this connection finished (its eventfd is readable). */
void conn_on_pam(struct conn *c);
/* The step pool finished this connection's engine step (steppool.h). */
void conn_on_step(struct conn *c);
/* Finished: the loop must unlink and free it (after the current batch). */
bool conn_is_closed(const struct conn *c);
/* Server shutdown: report with this outcome (if not yet reported) and close. */
void conn_abort(struct conn *c, const char *outcome);
/* Next connection in srv->conns. */
struct conn *conn_next(const struct conn *c);
/* Unlink from srv->conns, close its descriptors, free. NULL-safe. */
void conn_free(struct conn *c);

#endif /* CSSP_EXAMPLE_CONN_H */
