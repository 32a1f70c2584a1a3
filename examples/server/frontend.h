/*
 * frontend.h - what credssp-server and credssp-gateway share around the
 * acceptor: the listening socket, the library's log sink, the acceptor
 * configuration (MS-CSSP 3.1.5 policy), and the port file the tests read.
 */
#ifndef CSSP_EXAMPLE_FRONTEND_H
#define CSSP_EXAMPLE_FRONTEND_H

#include <stdbool.h>

#include <openssl/ssl.h>

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

/* Library audit lines on stderr, control characters neutralised. */
void frontend_log_stderr(void *userdata, int level, const char *msg);
/*
 * Build and prepare the shared acceptor configuration.  An indexed NTLM key
 * file is reloaded on SIGHUP (a handler that asks the library's reload thread).
 */
credssp_error frontend_make_config(const struct frontend_config *fc, credssp_config **out);
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
