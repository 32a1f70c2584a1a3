/*
 * capture.c - the --capture debug file (see capture.h).  Plain POSIX I/O;
 * the bytes are the gateway's own output toward xrdp (MS-RDPBCGR 2.2.1.1
 * onwards), written as they are sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "gateway.h"

/* Open the capture file. */
int
gw_capture_open(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* Append everything (retrying short writes and EINTR). */
void
gw_capture_write(int fd, const uint8_t *data, size_t len)
{
    static bool warned;

    while (fd >= 0 && len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!warned)
                fprintf(stderr, GW_NAME ": --capture: %s\n", strerror(errno));
            warned = true;
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}
