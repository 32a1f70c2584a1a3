/*
 * keyindex.h - the NTLM key file loaded once into a hash table (issue 15):
 * per-login cost independent of the number of entries.
 *
 * gss-ntlmssp re-reads its whole key file on every AUTHENTICATE (O(n) per
 * login).  The index reads the file once, keeps it in wiped-on-free memory
 * and hashes every entry by its user name folded to ASCII lower case.  A
 * lookup takes the few records of the client's bucket, in file order, and
 * hands exactly those to cssp_keyfile_lookup() (keyfile.c), so the match rule
 * (user, domain wildcard, first match wins, malformed first match fails) is
 * the one and only rule of keyfile.c, not a copy.  That holds as long as two
 * user names keyfile.c calls equal fold to the same bucket key, which ASCII
 * folding guarantees for an exact or an ASCII case-insensitive comparison.
 *
 * The index serves as the config's NTLM lookup callback (ntlm_lookup.c
 * writes the one entry into the exchange's memfd).  A watcher thread reloads
 * the file when its identity (device, inode, size, mtime, ctime) changes,
 * checked every CSSP_KEYINDEX_POLL_MS, or at once on request; it builds the
 * new table off to the side and swaps one pointer, so lookups never wait for
 * a reload.  A reload that fails (file gone, unreadable, too large, or a line
 * that is neither blank, a comment nor a well-formed entry) keeps the old
 * table and logs why, once per distinct file state.
 */
#ifndef CSSP_KEYINDEX_H
#define CSSP_KEYINDEX_H

#include "internal.h"

struct credssp_config;
struct cssp_keyindex;

/* How often the watcher compares the file's identity with the loaded one. */
#define CSSP_KEYINDEX_POLL_MS 1000

/*
 * Load path (failing when the first load fails, the reason logged through
 * cfg's sink) and start the watcher.  cfg must outlive the index: it is only
 * used for logging.
 */
CSSP_WUR credssp_error cssp_keyindex_open(const struct credssp_config *cfg, const char *path,
                                          struct cssp_keyindex **out);
/* Stop the watcher and wipe every table. NULL-safe. */
/*
 * In a child process after fork(): a watcher (and wake-up eventfd) of its
 * own, as the parent's thread does not exist here.  No-op in the process
 * that started the watcher.
 */
/* Stop and join this process's watcher (none: no-op): before fork(), and by free. */
void cssp_keyindex_stop_watcher(struct cssp_keyindex *ix);
credssp_error cssp_keyindex_after_fork(struct cssp_keyindex *ix);
void cssp_keyindex_free(struct cssp_keyindex *ix);

/*
 * A credssp_ntlm_lookup_fn over the index (userdata = the index): the hash
 * cssp_keyfile_lookup would return for the file as last loaded.  Thread-safe.
 */
CSSP_WUR credssp_error cssp_keyindex_lookup(void *ix, const char *user, const char *domain,
                                            credssp_secret **nt_hash_out);

/* Reload now, on the calling thread; on failure the old table stays. */
CSSP_WUR credssp_error cssp_keyindex_reload(struct cssp_keyindex *ix);
/* Ask the watcher to reload soon.  Async-signal-safe (one write(2)). */
void cssp_keyindex_request_reload(struct cssp_keyindex *ix);
/* Entries in the table in use (for tests and log lines). */
size_t cssp_keyindex_count(struct cssp_keyindex *ix);

#endif /* CSSP_KEYINDEX_H */
