/*
 * keyindex_watch.c - the watcher thread of the NTLM key index and its fork
 * handling (keyindex.c has the tables and the lookups; keyindex_int.h is what
 * the two share).
 *
 * The watcher polls the file's identity every CSSP_KEYINDEX_POLL_MS and
 * reloads when it changed, or at once when cssp_keyindex_request_reload()
 * writes its eventfd.  fork(): the watcher thread does not exist in the
 * child.  A pthread_atfork handler takes every index's locks around the fork,
 * so the child never inherits one held by the watcher; a child that goes on
 * serving calls cssp_keyindex_after_fork() (credssp_config_after_fork), which
 * gives it its own wake-up eventfd and its own watcher.  Only the process
 * that started a watcher joins it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "keyindex_int.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cssp_keyindex *reg_head;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;

/* Around fork(): no index lock may be held by another thread at the fork. */
static void
fork_prepare(void)
{
    pthread_mutex_lock(&reg_lock);
    for (struct cssp_keyindex *ix = reg_head; ix != NULL; ix = ix->reg_next) {
        pthread_mutex_lock(&ix->reload_lock);
        pthread_mutex_lock(&ix->lock);
    }
}

static void
fork_release(void)
{
    for (struct cssp_keyindex *ix = reg_head; ix != NULL; ix = ix->reg_next) {
        pthread_mutex_unlock(&ix->lock);
        pthread_mutex_unlock(&ix->reload_lock);
    }
    pthread_mutex_unlock(&reg_lock);
}

static void
reg_init(void)
{
    (void)pthread_atfork(fork_prepare, fork_release, fork_release);
}

/* Add to / remove from the list the fork handlers walk. */
void
cssp_keyindex_register(struct cssp_keyindex *ix, bool add)
{
    pthread_once(&reg_once, reg_init);
    pthread_mutex_lock(&reg_lock);
    if (add) {
        ix->reg_next = reg_head;
        reg_head = ix;
    } else {
        for (struct cssp_keyindex **pp = &reg_head; *pp != NULL; pp = &(*pp)->reg_next)
            if (*pp == ix) {
                *pp = ix->reg_next;
                break;
            }
    }
    pthread_mutex_unlock(&reg_lock);
}

/* FNV-1a of the name folded to ASCII lower case: keyfile.c's equal names collide. */
static void *
watch_main(void *arg)
{
    struct cssp_keyindex *ix = arg;
    sigset_t all;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        struct pollfd p = { .fd = ix->wake_fd, .events = POLLIN };
        uint64_t v;
        bool stop, asked;
        int n = poll(&p, 1, CSSP_KEYINDEX_POLL_MS);

        asked = n > 0 && read(ix->wake_fd, &v, sizeof(v)) == (ssize_t)sizeof(v);
        pthread_mutex_lock(&ix->lock);
        stop = ix->stop;
        pthread_mutex_unlock(&ix->lock);
        if (stop)
            break;
        if (asked) {
            /* An explicit request always retries, and says why again. */
            pthread_mutex_lock(&ix->reload_lock);
            ix->have_failed = false;
            pthread_mutex_unlock(&ix->reload_lock);
        }
        if (asked || cssp_keyindex_file_changed(ix))
            if (cssp_keyindex_reload(ix) != CREDSSP_OK)
                continue;   /* logged; the old table stays */
    }
    return NULL;
}

/* A wake-up eventfd and a watcher thread of this process. */
credssp_error
cssp_keyindex_start_watcher(struct cssp_keyindex *ix)
{
    ix->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ix->wake_fd < 0 || pthread_create(&ix->thread, NULL, watch_main, ix) != 0)
        return CREDSSP_E_INTERNAL;
    ix->thread_started = true;
    ix->thread_pid = getpid();
    return CREDSSP_OK;
}

void
cssp_keyindex_stop_watcher(struct cssp_keyindex *ix)
{
    if (ix == NULL || !ix->thread_started || ix->thread_pid != getpid())
        return;
    pthread_mutex_lock(&ix->lock);
    ix->stop = true;
    pthread_mutex_unlock(&ix->lock);
    cssp_keyindex_request_reload(ix);
    pthread_join(ix->thread, NULL);
    ix->thread_started = false;
    pthread_mutex_lock(&ix->lock);
    ix->stop = false;
    pthread_mutex_unlock(&ix->lock);
}

credssp_error
cssp_keyindex_after_fork(struct cssp_keyindex *ix)
{
    if (ix == NULL || (ix->thread_started && ix->thread_pid == getpid()))
        return CREDSSP_OK;
    if (ix->wake_fd >= 0)
        (void)close(ix->wake_fd);    /* the parent's: its requests are not ours */
    ix->wake_fd = -1;
    ix->thread_started = false;
    ix->stop = false;
    return cssp_keyindex_start_watcher(ix);
}

void
cssp_keyindex_request_reload(struct cssp_keyindex *ix)
{
    uint64_t one = 1;
    int saved = errno;

    if (ix != NULL && ix->wake_fd >= 0)
        (void)!write(ix->wake_fd, &one, sizeof(one));
    errno = saved;
}
