/*
 * pamhelpers.h - stop the helper processes of a PAM worker thread (pamhelpers.c).
 */
#ifndef CSSP_SERVER_PAMHELPERS_H
#define CSSP_SERVER_PAMHELPERS_H

#include <sys/types.h>

/*
 * SIGTERM to the child processes of thread tid.  The pidfd pins the process
 * found in the list; it is signalled only if the thread still lists it
 * afterwards, so a recycled PID never receives the signal.
 */
void pam_helpers_stop(pid_t tid);

#endif /* CSSP_SERVER_PAMHELPERS_H */
