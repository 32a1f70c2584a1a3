/*
 * pamhelpers.c - stopping the helper processes a PAM module forked on a
 * worker thread (pam_exec, a smart-card or Kerberos helper) when the job is
 * cancelled: the thread's children from /proc/self/task/TID/children
 * (proc(5)), each signalled through a pidfd (pidfd_open(2)) so that a
 * recycled PID is never hit.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "pamhelpers.h"

/* The child PIDs of thread tid (proc(5) "children": "PID PID ... "). */
static void
read_children(pid_t tid, char *list, size_t cap)
{
    char path[64];
    FILE *f;
    size_t n = 0;

    (void)snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)tid);
    f = fopen(path, "re");
    if (f != NULL) {
        n = fread(list, 1, cap - 1, f);
        (void)fclose(f);
    }
    list[n] = '\0';
}

/* Is pid one of the numbers in list? */
static bool
list_has(const char *list, long pid)
{
    const char *p = list;
    char *end;

    for (;;) {
        long v = strtol(p, &end, 10);

        if (end == p)
            return false;
        if (v == pid)
            return true;
        p = end;
    }
}

/* SIGTERM to the child processes of thread tid (pamhelpers.h). */
void
pam_helpers_stop(pid_t tid)
{
    char list[512], again[512];
    const char *p = list;
    char *end;

    read_children(tid, list, sizeof(list));
    for (;;) {
        long pid = strtol(p, &end, 10);
        int pfd;

        if (end == p)
            break;
        p = end;
        pfd = pid > 0 ? pidfd_open((pid_t)pid, 0) : -1;
        if (pfd < 0)
            continue;
        read_children(tid, again, sizeof(again));
        if (list_has(again, pid))
            (void)pidfd_send_signal(pfd, SIGTERM, NULL, 0);
        (void)close(pfd);
    }
}
