/*
 * slownss.c - LD_PRELOAD shim: a slow NSS (winbind, sssd, LDAP) for one user
 * (tests/integration/test_slow_nss.sh; issue 11 "winbind/NSS slow").
 *
 * getpwnam(3) and getpwnam_r(3) for the account in CSSP_SLOW_NSS_USER
 * ("bob" matches "bob" and "DOMAIN\bob") sleep CSSP_SLOW_NSS_MS
 * (default 3000) before the real lookup answers, as nss_winbind does while
 * winbindd waits for a domain controller.  Every other name goes straight
 * through.  CSSP_SLOW_NSS_MARK, if set, names a file created when a slow
 * lookup starts, so the test knows which code path asked.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef int (*getpwnam_r_fn)(const char *, struct passwd *, char *, size_t, struct passwd **);
typedef struct passwd *(*getpwnam_fn)(const char *);

/* Sleep when name is CSSP_SLOW_NSS_USER (alone or after a backslash). */
static void
maybe_stall(const char *name)
{
    const char *user = getenv("CSSP_SLOW_NSS_USER");
    const char *ms_env = getenv("CSSP_SLOW_NSS_MS");
    const char *mark = getenv("CSSP_SLOW_NSS_MARK");
    const char *bs = name != NULL ? strrchr(name, '\\') : NULL;
    long ms = ms_env != NULL ? strtol(ms_env, NULL, 10) : 3000;
    struct timespec left = { ms / 1000, (ms % 1000) * 1000000L };
    int fd;

    if (name == NULL || user == NULL || user[0] == '\0' ||
        strcasecmp(bs != NULL ? bs + 1 : name, user) != 0)
        return;
    if (mark != NULL && (fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0)
        (void)close(fd);
    while (nanosleep(&left, &left) != 0)
        ;
}

#define SHIM_EXPORT __attribute__((visibility("default")))

SHIM_EXPORT int
getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t len, struct passwd **result)
{
    getpwnam_r_fn real = (getpwnam_r_fn)dlsym(RTLD_NEXT, "getpwnam_r");

    maybe_stall(name);
    if (real == NULL) {
        *result = NULL;
        return ENOENT;
    }
    return real(name, pwd, buf, len, result);
}

SHIM_EXPORT struct passwd *
getpwnam(const char *name)
{
    getpwnam_fn real = (getpwnam_fn)dlsym(RTLD_NEXT, "getpwnam");

    maybe_stall(name);
    return real != NULL ? real(name) : NULL;
}
