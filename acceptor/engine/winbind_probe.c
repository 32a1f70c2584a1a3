/*
 * winbind_probe.c - start-up check that winbindd is reachable for NTLM
 * pass-through (docs/ACTIVE-DIRECTORY.md): a connect(2) to its Unix socket,
 * nothing sent.  No libwbclient dependency: reachability is all a server
 * needs to know before it promises NTLM logons.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "winbind_probe.h"

credssp_error
cssp_winbind_probe(const char *path, char *why, size_t why_len)
{
    credssp_error ret = CREDSSP_E_NO_ACCEPTOR_CRED;
    struct sockaddr_un sa;
    int fd = -1, err;

    if (path == NULL)
        path = WINBIND_PIPE_PATH;
    if (why != NULL && why_len > 0)
        why[0] = '\0';
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        if (why != NULL)
            (void)snprintf(why, why_len, "winbind socket path too long: %s", path);
        goto cleanup;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
        err = errno;
        if (why != NULL)
            (void)snprintf(why, why_len,
                           "winbindd is not reachable at %s (%s): start winbind on a "
                           "domain member (net ads join / realm join "
                           "--client-software=winbind), or give --ntlm-keyfile",
                           path, strerror(err));
        goto cleanup;
    }
    ret = CREDSSP_OK;

cleanup:
    if (fd >= 0)
        (void)close(fd);
    return ret;
}
