/*
 * driver.c - a thin blocking driver: runs an engine over a connected socket
 * with poll(2) and a deadline.  All protocol logic stays in the engine.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "engine.h"

/* Write all pending output; false on error or deadline. */
static bool
flush_output(credssp_engine *e, int fd, uint64_t deadline)
{
    const uint8_t *p;
    size_t len;

    while ((p = credssp_engine_output(e, &len)) != NULL) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        uint64_t now = cssp_now_ms();
        ssize_t n;

        if (now >= deadline || poll(&pfd, 1, (int)(deadline - now)) <= 0)
            return false;
        n = write(fd, p, len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return false;
        credssp_engine_output_consumed(e, (size_t)n);
    }
    return true;
}

CREDSSP_API credssp_error
credssp_drive_fd(credssp_engine *e, int fd, unsigned timeout_ms)
{
    uint8_t buf[16384];
    uint64_t deadline;
    credssp_status st;

    if (e == NULL || fd < 0)
        return CREDSSP_E_INVALID_ARG;
    if (timeout_ms == 0)
        timeout_ms = e->cfg->timeout_ms != 0 ? e->cfg->timeout_ms : 30000;
    deadline = cssp_now_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        uint64_t now;
        ssize_t n;

        if (!flush_output(e, fd, deadline) && credssp_engine_status(e) < CREDSSP_DONE)
            return CREDSSP_E_IO;
        st = credssp_engine_status(e);
        if (st == CREDSSP_DONE)
            return CREDSSP_OK;
        if (st == CREDSSP_FAILED)
            return credssp_engine_error(e);
        if (st & CREDSSP_WANT_STEP) {
            (void)credssp_engine_step(e);   /* deferred mode: this driver may block */
            continue;
        }
        now = cssp_now_ms();
        if (now >= deadline) {
            cssp_engine_fail(e, CREDSSP_E_TIMEOUT);
            continue;
        }
        if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR)
            return CREDSSP_E_IO;
        if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            continue;
        n = read(fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            (void)credssp_engine_feed_eof(e);
        else
            (void)credssp_engine_feed(e, buf, (size_t)n);
    }
}
