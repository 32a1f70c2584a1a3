/*
 * keyindex_int.h - what keyindex.c (tables, lookups, reload) and
 * keyindex_watch.c (the watcher thread, fork handling) share.  Private.
 */
#ifndef CSSP_KEYINDEX_INT_H
#define CSSP_KEYINDEX_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "keyindex.h"

struct snapshot;

/* Identity of a file version: any edit or replacement changes one of these. */
struct file_id {
    bool valid;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};

struct cssp_keyindex {
    const struct credssp_config *cfg;  /* log sink only */
    char *path;
    pthread_mutex_t lock;              /* cur, refs, stop */
    pthread_mutex_t reload_lock;       /* one reload at a time */
    struct snapshot *cur;
    struct file_id failed;             /* under reload_lock: last state that did not load */
    bool have_failed;                  /* (invalid id: the file was missing) */
    int wake_fd;                       /* eventfd: reload request or stop */
    bool stop, thread_started;
    pid_t thread_pid;                  /* the process the watcher runs in */
    pthread_t thread;
    struct cssp_keyindex *reg_next;    /* every open index (fork handlers) */
};

/* keyindex.c: has the file changed since the table in use (or the last failed attempt)? */
bool cssp_keyindex_file_changed(struct cssp_keyindex *ix);
/* keyindex_watch.c: a wake-up eventfd and a watcher thread of this process. */
credssp_error cssp_keyindex_start_watcher(struct cssp_keyindex *ix);
/* keyindex_watch.c: add to / remove from the list the fork handlers walk. */
void cssp_keyindex_register(struct cssp_keyindex *ix, bool add);

#endif /* CSSP_KEYINDEX_INT_H */
