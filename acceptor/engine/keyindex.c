/*
 * keyindex.c - the NTLM key file loaded once into a hash table, looked up in
 * O(1) per login and reloaded by a watcher thread (see keyindex.h; issue 15).
 *
 * A table ("snapshot") is immutable once built and reference-counted: a
 * lookup takes a reference under the index lock, works without the lock, and
 * drops it; a reload builds a new snapshot without the lock and swaps the
 * pointer.  The file bytes and candidate records hold hashes: they are wiped.
 *
 * The watcher thread and the fork handling are in keyindex_watch.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "acceptor_config.h"
#include "keyfile.h"
#include "keyindex_int.h"

#define NO_RECORD UINT32_MAX
#define WHY_LEN 160u

struct record {
    uint32_t off, len;  /* the fgets record in snapshot.data */
    uint32_t hash;      /* of the user name folded to ASCII lower case */
    uint32_t next;      /* next record of the bucket, in file order */
};

struct snapshot {
    unsigned refs;             /* under cssp_keyindex.lock */
    uint8_t *data;             /* the whole file (wiped on free) */
    size_t len;
    struct record *recs;
    uint32_t count;
    uint32_t *heads;           /* bucket -> first record */
    uint32_t mask;             /* buckets - 1 (a power of two) */
    struct file_id id;
};

static uint32_t
fold_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        h ^= (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
        h *= 16777619u;
    }
    return h;
}

static void
snapshot_free(struct snapshot *s)
{
    if (s == NULL)
        return;
    cssp_wipe_free(s->data, s->len);
    free(s->recs);
    free(s->heads);
    free(s);
}

static void
fill_id(struct file_id *id, const struct stat *st)
{
    id->valid = true;
    id->dev = st->st_dev;
    id->ino = st->st_ino;
    id->size = st->st_size;
    id->mtime = st->st_mtim;
    id->ctime = st->st_ctim;
}

/* The same file version, or both missing. */
static bool
same_id(const struct file_id *a, const struct file_id *b)
{
    if (!a->valid || !b->valid)
        return a->valid == b->valid;
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* The identity of path now (invalid when it cannot be stat'ed). */
static struct file_id
current_id(const char *path)
{
    struct file_id id = { 0 };
    struct stat st;

    if (stat(path, &st) == 0)
        fill_id(&id, &st);
    return id;
}

/* Blank lines and comments are fine; gss-ntlmssp skips them as we do. */
static bool
is_blank_or_comment(const uint8_t *rec, size_t len)
{
    if (len > 0 && rec[0] == '#')
        return true;
    for (size_t i = 0; i < len; i++) {
        if (rec[i] != ' ' && rec[i] != '\t' && rec[i] != '\r' && rec[i] != '\n')
            return false;
    }
    return true;
}

/* NULL when the record is a usable entry, else why not. */
static const char *
record_problem(const uint8_t *rec, size_t len, bool last, struct cssp_kf_entry *e)
{
    if (len == CSSP_KEYFILE_RECORD_MAX && rec[len - 1] != '\n' && !last)
        return "longer than 1023 bytes";
    if (!cssp_keyfile_parse_record(rec, len, e))
        return "not a key entry";
    if (e->user_len == 0)
        return "empty user name";
    if (e->heimdal)
        return NULL;
    if (e->secret_len != 32)
        return "NT hash is not 32 hex digits";
    for (size_t i = 0; i < e->secret_len; i++) {
        if (strchr("0123456789abcdefABCDEF", e->secret[i]) == NULL || e->secret[i] == '\0')
            return "NT hash is not 32 hex digits";
    }
    return NULL;
}

/* Index every record of s->data; why_out says what is wrong on failure. */
static credssp_error
build_table(struct snapshot *s, char why_out[WHY_LEN])
{
    size_t off = 0, cap = 0, buckets = 16;
    unsigned line = 1;

    while (off < s->len) {
        size_t n = cssp_keyfile_record_len(s->data + off, s->len - off);
        struct cssp_kf_entry e;
        const char *why;

        if (!is_blank_or_comment(s->data + off, n)) {
            why = record_problem(s->data + off, n, off + n == s->len, &e);
            if (why != NULL) {
                snprintf(why_out, WHY_LEN, "line %u: %s", line, why);
                return CREDSSP_E_NO_ACCEPTOR_CRED;
            }
            if (s->count == cap) {
                struct record *r;

                cap = cap != 0 ? 2 * cap : 64;
                r = realloc(s->recs, cap * sizeof(*r));
                if (r == NULL)
                    return CREDSSP_E_NOMEM;
                s->recs = r;
            }
            s->recs[s->count++] = (struct record){ (uint32_t)off, (uint32_t)n,
                                                   fold_hash(e.user, e.user_len), NO_RECORD };
        }
        if (s->data[off + n - 1] == '\n')
            line++;
        off += n;
    }
    while (buckets < 2u * (size_t)s->count)
        buckets *= 2;
    s->heads = malloc(buckets * sizeof(*s->heads));
    if (s->heads == NULL)
        return CREDSSP_E_NOMEM;
    s->mask = (uint32_t)(buckets - 1);
    for (size_t b = 0; b < buckets; b++)
        s->heads[b] = NO_RECORD;
    /* Push from the last record to the first: every chain is in file order. */
    for (uint32_t i = s->count; i-- > 0;) {
        uint32_t b = s->recs[i].hash & s->mask;

        s->recs[i].next = s->heads[b];
        s->heads[b] = i;
    }
    return CREDSSP_OK;
}

/*
 * Read and index the file; why_out explains a failure.  allow_missing: a file
 * that no longer exists loads as an empty table (s->id invalid), the admin's
 * way of saying "no NTLM accounts"; a file that exists but does not parse or
 * cannot be read says nothing of the kind and fails.
 */
static credssp_error
snapshot_load(const char *path, bool allow_missing, struct snapshot **out,
              char why_out[WHY_LEN])
{
    credssp_error ret = CREDSSP_E_NOMEM;
    struct snapshot *s = calloc(1, sizeof(*s));
    struct stat st;
    int fd = -1;

    *out = NULL;
    if (s == NULL)
        goto cleanup;
    /* O_NONBLOCK: a FIFO in its place must not hang the reload. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT && allow_missing) {
        ret = build_table(s, why_out);         /* no records: every lookup fails */
        if (ret != CREDSSP_OK)
            goto cleanup;
        *out = s;
        s = NULL;
        goto cleanup;
    }
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why_out, WHY_LEN, "%s", strerror(errno));
        ret = CREDSSP_E_NO_ACCEPTOR_CRED;
        goto cleanup;
    }
    fill_id(&s->id, &st);
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
        ret = CREDSSP_OK;   /* /dev/null: no accounts, as gss-ntlmssp reads it */
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why_out, WHY_LEN, "not a regular file");
        ret = CREDSSP_E_NO_ACCEPTOR_CRED;
        goto cleanup;
    } else {
        ret = cssp_keyfile_read_fd(fd, &s->data, &s->len);
    }
    if (ret != CREDSSP_OK) {
        snprintf(why_out, WHY_LEN, "cannot read it (%s)", credssp_error_name(ret));
        ret = ret == CREDSSP_E_NOMEM ? ret : CREDSSP_E_NO_ACCEPTOR_CRED;
        goto cleanup;
    }
    if (s->len > UINT32_MAX / 2) {
        snprintf(why_out, WHY_LEN, "too large");
        ret = CREDSSP_E_TOO_LARGE;
        goto cleanup;
    }
    ret = build_table(s, why_out);
    if (ret != CREDSSP_OK)
        goto cleanup;
    *out = s;
    s = NULL;

cleanup:
    if (ret == CREDSSP_E_NOMEM)
        snprintf(why_out, WHY_LEN, "out of memory");
    if (fd >= 0)
        close(fd);
    snapshot_free(s);
    return ret;
}

static struct snapshot *
snapshot_get(struct cssp_keyindex *ix)
{
    struct snapshot *s;

    pthread_mutex_lock(&ix->lock);
    s = ix->cur;
    if (s != NULL)
        s->refs++;
    pthread_mutex_unlock(&ix->lock);
    return s;
}

static void
snapshot_put(struct cssp_keyindex *ix, struct snapshot *s)
{
    bool last;

    if (s == NULL)
        return;
    pthread_mutex_lock(&ix->lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&ix->lock);
    if (last)
        snapshot_free(s);
}

credssp_error
cssp_keyindex_reload(struct cssp_keyindex *ix)
{
    char why[WHY_LEN] = "";
    struct snapshot *fresh = NULL, *old;
    credssp_error ret;

    if (ix == NULL)
        return CREDSSP_E_INVALID_ARG;
    pthread_mutex_lock(&ix->reload_lock);
    /* Only after a first good load may the file go away (see snapshot_load). */
    ret = snapshot_load(ix->path, ix->cur != NULL, &fresh, why);
    if (ret != CREDSSP_OK) {
        struct file_id id = current_id(ix->path);

        /* Log each broken file state once, however often the watcher looks. */
        if (!ix->have_failed || !same_id(&id, &ix->failed)) {
            old = snapshot_get(ix);
            if (old != NULL)
                cssp_log(ix->cfg, LOG_ERR,
                         "credssp: NTLM key file %s not loaded (%s); keeping the %u entries "
                         "loaded before", ix->path, why, old->count);
            else
                cssp_log(ix->cfg, LOG_ERR, "credssp: NTLM key file %s not loaded (%s)",
                         ix->path, why);
            snapshot_put(ix, old);
        }
        ix->failed = id;
        ix->have_failed = true;
        goto cleanup;
    }
    fresh->refs = 1;
    pthread_mutex_lock(&ix->lock);
    old = ix->cur;
    ix->cur = fresh;
    pthread_mutex_unlock(&ix->lock);
    ix->have_failed = false;
    if (!fresh->id.valid)
        cssp_log(ix->cfg, LOG_WARNING,
                 "credssp: NTLM key file %s was removed: no NTLM accounts until it is back",
                 ix->path);
    else
        cssp_log(ix->cfg, LOG_INFO, "credssp: NTLM key file %s loaded: %u entries", ix->path,
                 fresh->count);
    snapshot_put(ix, old);

cleanup:
    pthread_mutex_unlock(&ix->reload_lock);
    return ret;
}

/* Has the file changed since the table in use (or the last failed attempt)? */
bool
cssp_keyindex_file_changed(struct cssp_keyindex *ix)
{
    struct file_id now = current_id(ix->path);
    struct snapshot *s = snapshot_get(ix);
    bool changed = s == NULL || !same_id(&now, &s->id);

    snapshot_put(ix, s);
    /* A state that failed already is retried only when it changes again. */
    pthread_mutex_lock(&ix->reload_lock);
    if (changed && ix->have_failed && same_id(&now, &ix->failed))
        changed = false;
    pthread_mutex_unlock(&ix->reload_lock);
    return changed;
}

credssp_error
cssp_keyindex_open(const struct credssp_config *cfg, const char *path, struct cssp_keyindex **out)
{
    credssp_error ret = CREDSSP_E_NOMEM;
    struct cssp_keyindex *ix = NULL;

    if (out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *out = NULL;
    if (path == NULL)
        return CREDSSP_E_INVALID_ARG;
    ix = calloc(1, sizeof(*ix));
    if (ix == NULL)
        return CREDSSP_E_NOMEM;
    ix->cfg = cfg;
    ix->wake_fd = -1;
    pthread_mutex_init(&ix->lock, NULL);
    pthread_mutex_init(&ix->reload_lock, NULL);
    ix->path = strdup(path);
    if (ix->path == NULL)
        goto cleanup;
    ret = cssp_keyindex_reload(ix);
    if (ret != CREDSSP_OK)
        goto cleanup;
    ret = cssp_keyindex_start_watcher(ix);
    if (ret != CREDSSP_OK)
        goto cleanup;
    cssp_keyindex_register(ix, true);
    *out = ix;
    ix = NULL;

cleanup:
    cssp_keyindex_free(ix);
    return ret;
}

void
cssp_keyindex_free(struct cssp_keyindex *ix)
{
    if (ix == NULL)
        return;
    cssp_keyindex_register(ix, false);
    cssp_keyindex_stop_watcher(ix);
    if (ix->wake_fd >= 0)
        close(ix->wake_fd);
    snapshot_free(ix->cur);
    pthread_mutex_destroy(&ix->lock);
    pthread_mutex_destroy(&ix->reload_lock);
    free(ix->path);
    free(ix);
}

size_t
cssp_keyindex_count(struct cssp_keyindex *ix)
{
    struct snapshot *s = snapshot_get(ix);
    size_t n = s != NULL ? s->count : 0;

    snapshot_put(ix, s);
    return n;
}

/* The records of the client's bucket, in file order, into a private memfd. */
static credssp_error
write_candidates(const struct snapshot *s, uint32_t hash, int fd, bool *any_out)
{
    *any_out = false;
    for (uint32_t i = s->heads[hash & s->mask]; i != NO_RECORD; i = s->recs[i].next) {
        const struct record *r = &s->recs[i];

        if (r->hash != hash)
            continue;
        if (!cssp_keyfile_write_all(fd, s->data + r->off, r->len) ||
            (s->data[r->off + r->len - 1] != '\n' && !cssp_keyfile_write_all(fd, "\n", 1)))
            return CREDSSP_E_IO;
        *any_out = true;
    }
    return CREDSSP_OK;
}

credssp_error
cssp_keyindex_lookup(void *index, const char *user, const char *domain,
                     credssp_secret **nt_hash_out)
{
    struct cssp_keyindex *ix = index;
    credssp_error ret = CREDSSP_E_LOGON_FAILURE;
    struct snapshot *s = NULL;
    char path[CSSP_KEYFILE_PATH_LEN];
    bool any = false;
    int fd = -1;

    if (nt_hash_out == NULL)
        return CREDSSP_E_INVALID_ARG;
    *nt_hash_out = NULL;
    if (ix == NULL || user == NULL || user[0] == '\0')
        return CREDSSP_E_INVALID_ARG;
    s = snapshot_get(ix);
    if (s == NULL)
        goto cleanup;
    fd = memfd_create("credssp-ntlm-index", MFD_CLOEXEC);
    if (fd < 0) {
        ret = CREDSSP_E_IO;
        goto cleanup;
    }
    ret = write_candidates(s, fold_hash(user, strlen(user)), fd, &any);
    if (ret != CREDSSP_OK || !any) {
        ret = ret != CREDSSP_OK ? ret : CREDSSP_E_LOGON_FAILURE;
        goto cleanup;
    }
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    /* The one match rule: keyfile.c's, over just these records. */
    ret = cssp_keyfile_lookup(path, user, domain, nt_hash_out);

cleanup:
    if (fd >= 0) {
        /* Frees the pages at once; the kernel zeroes them before reuse. */
        if (ftruncate(fd, 0) != 0) {
            /* close() below frees them all the same: it is the last reference. */
        }
        close(fd);
    }
    snapshot_put(ix, s);
    return ret;
}
