/*
 * slowkey.c - LD_PRELOAD shim: a slow identity back end for one user
 * (tests/integration/test_slow_backend.sh, tests/bench; issue 15).
 *
 * gss-ntlmssp reads its NTLM key file with fopen() inside
 * gss_accept_sec_context.  With the front ends' key index that file is the
 * per-exchange memfd holding one smbpasswd line, "[DOMAIN\\]user:uid:...".  When the line
 * opened names the user in CSSP_SLOW_USER, this shim sleeps CSSP_SLOW_MS
 * (default 2000) before returning the stream: exactly what a domain
 * controller that takes 2 s to answer looks like from the acceptor, on the
 * real code path.  Every other open is untouched.  CSSP_SLOW_MARK, if set,
 * names a file created when a sleep starts (so a test knows the back end
 * is busy).
 */
/* fopen and fopen64 are two symbols here: no large-file renaming. */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef FILE *(*fopen_fn)(const char *, const char *);

/* True when the file just opened is a key line for CSSP_SLOW_USER. */
static int
names_slow_user(FILE *f)
{
    const char *user = getenv("CSSP_SLOW_USER");
    char line[512], *p, *q;
    ssize_t n;

    if (f == NULL || user == NULL || user[0] == '\0')
        return 0;
    n = pread(fileno(f), line, sizeof(line) - 1, 0);   /* leaves the stream alone */
    if (n <= 0)
        return 0;
    line[n] = '\0';
    q = strchr(line, ':');                             /* [DOMAIN\\]user:uid:... */
    if (q == NULL)
        return 0;
    *q = '\0';
    p = strchr(line, '\\');
    return strcmp(p != NULL ? p + 1 : line, user) == 0;
}

static void
slow_down(void)
{
    const char *ms_env = getenv("CSSP_SLOW_MS");
    long ms = ms_env != NULL ? strtol(ms_env, NULL, 10) : 2000;
    const char *mark = getenv("CSSP_SLOW_MARK");
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    int fd;

    if (mark != NULL && (fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
        (void)close(fd);

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static FILE *
open_with(const char *name, const char *path, const char *mode)
{
    fopen_fn real = (fopen_fn)dlsym(RTLD_NEXT, name);
    FILE *f = real != NULL ? real(path, mode) : NULL;

    if (names_slow_user(f))
        slow_down();
    return f;
}

#define SHIM_EXPORT __attribute__((visibility("default")))

SHIM_EXPORT FILE *
fopen(const char *path, const char *mode)
{
    return open_with("fopen", path, mode);
}

SHIM_EXPORT FILE *
fopen64(const char *path, const char *mode)
{
    return open_with("fopen64", path, mode);
}
