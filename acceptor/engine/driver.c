/*
 * driver.c - a thin blocking driver: runs an engine over a connected socket
 * (after the X.224 exchange, MS-RDPBCGR 5.4.5.2; the CredSSP exchange of
 * MS-CSSP 3.1.5 on top) with poll(2) and a deadline.  All protocol logic
 * stays in the engine; this file uses only the public API (credssp.h), as
 * any application could.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "credssp.h"

#define DEFAULT_TIMEOUT_MS 30000u

static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Write all pending output; false on error or deadline. */
static bool
flush_output(credssp_engine *e, int fd, uint64_t deadline)
{
    const uint8_t *p;
    size_t len;

    while ((p = credssp_engine_output(e, &len)) != NULL) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        uint64_t now = mono_ms();
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
    uint64_t deadline, now = mono_ms();
    credssp_status st;

    if (e == NULL || fd < 0)
        return CREDSSP_E_INVALID_ARG;
    /* timeout_ms, else the engine's own deadline (the config's), else 30 s;
     * never later than the engine's deadline. */
    deadline = credssp_engine_deadline(e);
    if (timeout_ms != 0 && (deadline == 0 || now + timeout_ms < deadline))
        deadline = now + timeout_ms;
    else if (deadline == 0)
        deadline = now + DEFAULT_TIMEOUT_MS;
    credssp_engine_set_deadline(e, deadline);
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        st = credssp_engine_status(e);
        if (!flush_output(e, fd, deadline) && (st & (CREDSSP_DONE | CREDSSP_FAILED)) == 0)
            return CREDSSP_E_IO;
        if (st & CREDSSP_DONE)
            return CREDSSP_OK;
        if (st & CREDSSP_FAILED)
            return credssp_engine_error(e);
        if (st & CREDSSP_WANT_STEP) {
            (void)credssp_engine_step(e);   /* deferred mode: this driver may block */
            continue;
        }
        now = mono_ms();
        if (now >= deadline) {
            (void)credssp_engine_feed(e, NULL, 0);   /* the engine fails: CREDSSP_E_TIMEOUT */
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
