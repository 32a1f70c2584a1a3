/*
 * frontend.h - what credssp-server and credssp-gateway share around the
 * acceptor: the listening socket, the library's log sink, the acceptor
 * configuration (MS-CSSP 3.1.5 policy), the NTLM source (key file or
 * winbind pass-through), and the port file the tests read.
 */
#ifndef CSSP_EXAMPLE_FRONTEND_H
#define CSSP_EXAMPLE_FRONTEND_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "cfgref.h"
#include "credssp.h"

struct frontend_config {
    SSL_CTX *ssl_ctx;           /* the front TLS context (a reference is taken) */
    const char *keytab;         /* NULL: none */
    const char *ntlm_keyfile;   /* NULL: gss-ntlmssp defaults (winbind) */
    bool ntlm_keyfile_plain;    /* true: gss-ntlmssp re-reads it per login; else indexed */
    int min_version;
    unsigned cred_types;        /* enum credssp_cred_type bits the engine accepts */
    unsigned timeout_ms;
};

/*
 * Where NTLM responses are verified: the key file (ntlm_keyfile set), or
 * the host's winbindd (pass-through, probed with credssp_winbind_probe).
 * Pass-through asked for (passthrough) needs a reachable winbindd; implied
 * (no key file) an unreachable one is only a warning, since Kerberos may be
 * all the admin wants.  One line on stderr, prefixed with prog, says which.
 * Returns the report's "ntlm_source" ("keyfile" or "winbind"), or NULL when
 * the program must not start.
 */
const char *frontend_ntlm_source(const char *prog, const char *ntlm_keyfile, bool passthrough);
/* Library audit lines on stderr, escaped by json_write_text (json.h). */
void frontend_log_stderr(void *userdata, int level, const char *msg);
/* Build and prepare the shared acceptor configuration. */
credssp_error frontend_make_config(const struct frontend_config *fc, credssp_config **out);
/*
 * Block SIGHUP in the calling thread (call first thing in main, before any
 * thread starts, so every thread inherits it): the event loop reads it from
 * its signalfd and calls frontend_reload.
 */
void frontend_block_sighup(void);
/*
 * SIGHUP: build a new TLS context from cert_file / key_file (NULL: keep the
 * ephemeral one) and, unless ref_io is NULL (TLS only), a new acceptor
 * configuration from fc (its ssl_ctx is replaced; keytab and NTLM key file
 * re-read).  On success *ctx_io and *ref_io are replaced: connections in
 * progress keep their references to the old ones.  On failure nothing
 * changes but the current config's NTLM key index is reloaded, and one line
 * on stderr names the file and the reason.  0 = swapped, -1 = kept.
 */
int frontend_reload(const char *prog, const char *cert_file, const char *key_file,
                    struct frontend_config *fc, SSL_CTX **ctx_io, struct cfgref **ref_io);
/*
 * Open a nonblocking listening socket on "HOST:PORT" or "[V6]:PORT" (the first
 * address that binds, SOMAXCONN backlog); *port_out is the bound port (for
 * port 0).  Messages go to stderr prefixed with prog.  0 = ok, -1 = failed.
 */
int frontend_listen(const char *prog, const char *spec, int *fd_out, unsigned *port_out);
/*
 * Write the bound port to path (mode 0644) through a fresh mkstemp file in
 * the same directory and rename(2), so readers see it whole and no planted
 * file or symbolic link is written through; 0 = ok, -1 with errno.
 */
int frontend_write_port_file(const char *path, unsigned port);

#endif /* CSSP_EXAMPLE_FRONTEND_H */
