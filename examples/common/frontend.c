/*
 * frontend.c - see frontend.h.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cert.h"
#include "frontend.h"
#include "json.h"

#define LISTEN_BACKLOG SOMAXCONN   /* bursts of 1,000 connects (docs/PERFORMANCE.md) */
#define HOST_MAX 256
#define LOG_MSG_MAX 1023u         /* bytes of a library log line that are shown */

void
frontend_log_stderr(void *userdata, int level, const char *msg)
{
    static const char *const names[] = { "emerg", "alert", "crit", "err",
                                         "warning", "notice", "info", "debug" };
    struct cssp_writer w;
    uint8_t *line = NULL;
    size_t len = 0;

    (void)userdata;
    /* the first LOG_MSG_MAX bytes, escaped by the one rule (at most 6 bytes each) */
    cssp_writer_init(&w, LOG_MSG_MAX * 6u + 1u, false);
    json_write_text(&w, msg, msg != NULL ? strnlen(msg, LOG_MSG_MAX) : 0);
    cssp_write_u8(&w, '\0');
    if (cssp_writer_take(&w, &line, &len) != CREDSSP_OK)
        return;
    fprintf(stderr, "credssp[%s]: %s\n", (level >= 0 && level <= 7) ? names[level] : "log",
            (const char *)line);
    free(line);
}

void
frontend_block_sighup(void)
{
    sigset_t mask;

    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    (void)pthread_sigmask(SIG_BLOCK, &mask, NULL);
}

const char *
frontend_ntlm_source(const char *prog, const char *ntlm_keyfile, bool passthrough)
{
    char why[512];

    if (ntlm_keyfile != NULL) {
        fprintf(stderr, "%s: NTLM: NT hashes from %s\n", prog, ntlm_keyfile);
        return "keyfile";
    }
    if (credssp_winbind_probe(NULL, why, sizeof(why)) == CREDSSP_OK) {
        fprintf(stderr, "%s: NTLM: pass-through to winbindd (%s)\n", prog, CREDSSP_WINBIND_PIPE);
        return "winbind";
    }
    if (passthrough) {
        fprintf(stderr, "%s: --ntlm-passthrough: %s\n", prog, why);
        return NULL;
    }
    fprintf(stderr, "%s: warning: no --ntlm-keyfile, and %s; NTLM logons will fail\n", prog, why);
    return "winbind";
}

/* Build and prepare a config; *bad names the file of a failed step. */
static credssp_error
build_config(const struct frontend_config *fc, credssp_config **out, const char **bad)
{
    credssp_config *cfg = NULL;
    credssp_error ret;

    *out = NULL;
    ret = credssp_config_new(&cfg);
    if (ret != CREDSSP_OK)
        return ret;
    credssp_config_set_log(cfg, frontend_log_stderr, NULL);
    /*
     * What the client sends after CredSSP (the Client Info PDU with its
     * password) is decrypted in OpenSSL's record buffer: cleansed there once
     * read (the copies the daemons make are wiped by themselves).
     */
    SSL_CTX_set_options(fc->ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
    ret = credssp_config_set_ssl_ctx(cfg, fc->ssl_ctx);
    *bad = fc->keytab;
    if (ret == CREDSSP_OK && fc->keytab != NULL)
        ret = credssp_config_set_keytab(cfg, fc->keytab);
    if (ret == CREDSSP_OK)
        *bad = fc->ntlm_keyfile;
    if (ret == CREDSSP_OK && fc->ntlm_keyfile != NULL)
        ret = fc->ntlm_keyfile_plain ? credssp_config_set_ntlm_keyfile(cfg, fc->ntlm_keyfile)
                                     : credssp_config_set_ntlm_keyfile_indexed(cfg, fc->ntlm_keyfile);
    if (ret == CREDSSP_OK)
        *bad = NULL;
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_min_version(cfg, fc->min_version);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_cred_types(cfg, fc->cred_types);
    if (ret == CREDSSP_OK)
        ret = credssp_config_set_limits(cfg, 65539u, 16u, fc->timeout_ms);
    if (ret == CREDSSP_OK)
        ret = credssp_config_prepare(cfg);
    if (ret != CREDSSP_OK) {
        credssp_config_free(cfg);
        return ret;
    }
    *out = cfg;
    return CREDSSP_OK;
}

credssp_error
frontend_make_config(const struct frontend_config *fc, credssp_config **out)
{
    const char *bad = NULL;

    return build_config(fc, out, &bad);
}

/* Why the PEM file at path holds no certificate (want_key: no private key); NULL if it does. */
static const char *
pem_problem(const char *path, bool want_key)
{
    FILE *f = fopen(path, "r");
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    const char *why = NULL;

    if (f == NULL)
        return strerror(errno);
    if (want_key)
        k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    else
        x = PEM_read_X509(f, NULL, NULL, NULL);
    if (k == NULL && x == NULL)
        why = want_key ? "no PEM private key in it" : "no PEM certificate in it";
    ERR_clear_error();
    EVP_PKEY_free(k);
    X509_free(x);
    (void)fclose(f);
    return why;
}

int
frontend_reload(const char *prog, const char *cert_file, const char *key_file,
                struct frontend_config *fc, SSL_CTX **ctx_io, struct cfgref **ref_io)
{
    SSL_CTX *ctx = NULL;
    credssp_config *cfg = NULL;
    struct cfgref *ref = NULL;
    const char *bad = NULL;
    credssp_error ret = CREDSSP_OK;
    int rc = -1;

    if (cert_file != NULL)
        ret = cert_make_ssl_ctx(cert_file, key_file, &ctx);
    else if (SSL_CTX_up_ref(*ctx_io) == 1)     /* ephemeral: keep the one we have */
        ctx = *ctx_io;
    else
        ret = CREDSSP_E_CRYPTO;
    if (ret != CREDSSP_OK) {
        const char *why = pem_problem(cert_file, false);
        const char *bad_file = cert_file;

        if (why == NULL && (why = pem_problem(key_file, true)) != NULL)
            bad_file = key_file;
        if (why == NULL) {
            bad_file = cert_file;
            why = "certificate and key do not match";
        }
        fprintf(stderr, "%s: SIGHUP: reload failed, keeping the current configuration: "
                        "%s: %s\n", prog, bad_file, why);
        goto cleanup;
    }
    if (ref_io != NULL) {
        fc->ssl_ctx = ctx;
        ret = build_config(fc, &cfg, &bad);
        if (ret == CREDSSP_OK && (ref = cfgref_new(cfg)) == NULL)
            ret = CREDSSP_E_NOMEM;
        if (ret != CREDSSP_OK) {
            fprintf(stderr, "%s: SIGHUP: reload failed, keeping the current configuration: "
                            "%s: %s (%s)\n", prog, bad != NULL ? bad : "acceptor settings",
                    credssp_strerror(ret), credssp_error_name(ret));
            goto cleanup;
        }
        cfg = NULL;
        cfgref_drop(*ref_io);                  /* live connections keep theirs */
        *ref_io = ref;
    }
    SSL_CTX_free(*ctx_io);
    *ctx_io = ctx;
    ctx = NULL;
    rc = 0;
    fprintf(stderr, "%s: SIGHUP: certificate, key, keytab and key file reloaded\n", prog);
cleanup:
    if (rc != 0 && ref_io != NULL && *ref_io != NULL)
        (void)credssp_config_reload_ntlm_keyfile(cfgref_config(*ref_io));
    credssp_config_free(cfg);
    SSL_CTX_free(ctx);
    return rc;
}

/*
 * The daemons run as root and PATH may be in a shared directory: the
 * temporary file is a fresh one from mkstemp (O_EXCL, so never a planted
 * file or link), and rename(2) replaces PATH itself, never what a link
 * there points to.
 */
int
frontend_write_port_file(const char *path, unsigned port)
{
    char tmp[4096], line[16];
    int fd, n, rc = -1, saved;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
        return -1;
    fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    n = snprintf(line, sizeof(line), "%u\n", port);
    if (fchmod(fd, 0644) == 0 && write(fd, line, (size_t)n) == n)
        rc = 0;
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, path);
    if (rc != 0) {
        saved = errno;
        (void)unlink(tmp);
        errno = saved;
    }
    return rc;
}

/* Split "HOST:PORT" / "[HOST]:PORT" into host and port strings. */
static int
split_spec(const char *spec, char *host, size_t hcap, char *port, size_t pcap)
{
    const char *colon;
    size_t hlen;

    if (spec[0] == '[') {
        const char *end = strchr(spec, ']');

        if (end == NULL || end[1] != ':')
            return -1;
        hlen = (size_t)(end - spec - 1);
        spec++;
        colon = end + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL)
            return -1;
        hlen = (size_t)(colon - spec);
    }
    if (hlen == 0 || hlen >= hcap || strlen(colon + 1) == 0 || strlen(colon + 1) >= pcap)
        return -1;
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    (void)snprintf(port, pcap, "%s", colon + 1);
    for (const char *p = port; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
    }
    return strtoul(port, NULL, 10) <= 65535ul ? 0 : -1;
}

int
frontend_listen(const char *prog, const char *spec, int *fd_out, unsigned *port_out)
{
    char host[HOST_MAX];
    char port[8];
    struct addrinfo hints, *res = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = -1, rc, one = 1;

    *fd_out = -1;
    *port_out = 0;
    if (split_spec(spec, host, sizeof(host), port, sizeof(port)) != 0) {
        fprintf(stderr, "%s: --listen wants HOST:PORT or [V6]:PORT, got '%s'\n", prog,
                spec);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, host, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
            (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        fprintf(stderr, "%s: bind/listen %s: %s\n", prog, spec, strerror(errno));
        (void)close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return -1;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            *port_out = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            *port_out = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    *fd_out = fd;
    return 0;
}
