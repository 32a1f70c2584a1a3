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
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "gateway.h"

/*
 * Create the capture file.  It must not exist: O_EXCL refuses a planted
 * file, a hard link and (with O_NOFOLLOW) a symbolic link, so the gateway,
 * running as root, never appends to a file it did not create.  The result
 * is checked anyway: a regular file of ours with one link.
 */
int
gw_capture_open(const char *path)
{
    struct stat st;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        st.st_nlink != 1) {
        (void)close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* Write everything (retrying short writes and EINTR). */
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
