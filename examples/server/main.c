/*
 * main.c - credssp-server: options, set-up, and the loop.
 *
 * An event-driven RDP front end that authenticates real clients with
 * Network Level Authentication: X.224 negotiation (MS-RDPBCGR 2.2.1.1 /
 * 2.2.1.2), TLS + CredSSP (MS-CSSP) through libcredssp, the Early User
 * Authorization Result for HYBRID_EX (MS-RDPBCGR 2.2.10.2), and a clean
 * ending (docs/INTEROP.md).  One report per connection (report.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "conffile.h"
#include "pamjob.h"
#include "loop.h"
#include "steppool.h"
#include "frontend.h"
#include "report.h"
#include "server.h"

enum {
    OPT_RA = 0x100,
    OPT_RG,
    OPT_MAXC,
    OPT_ENDING,
    OPT_PORT_FILE,
    OPT_NO_HYBRID_EX,
    OPT_PAM_SESSION,
    OPT_HANDOFF,
    OPT_NTLM_PLAIN,
    OPT_WORKERS,
    OPT_NTLM_PASSTHROUGH,
    OPT_PAM_WORKERS,
    OPT_PAM_QUEUE,
    OPT_PAM_PER_USER,
    OPT_PAM_TIMEOUT,
    OPT_STEP_THREADS
};

static const struct option long_opts[] = {
    { "listen", required_argument, NULL, 'l' },
    { "cert", required_argument, NULL, 'c' },
    { "key", required_argument, NULL, 'k' },
    { "ntlm-keyfile", required_argument, NULL, 'n' },
    { "ntlm-passthrough", no_argument, NULL, OPT_NTLM_PASSTHROUGH },
    { "keytab", required_argument, NULL, 't' },
    { "min-version", required_argument, NULL, 'V' },
    { "connections", required_argument, NULL, 'N' },
    { "timeout", required_argument, NULL, 'T' },
    { "json", no_argument, NULL, 'j' },
    { "tls-only", no_argument, NULL, 'L' },
    { "pam-service", required_argument, NULL, 'p' },
    { "allow-restricted-admin", no_argument, NULL, OPT_RA },
    { "allow-remote-guard", no_argument, NULL, OPT_RG },
    { "max-concurrent", required_argument, NULL, OPT_MAXC },
    { "ending", required_argument, NULL, OPT_ENDING },
    { "port-file", required_argument, NULL, OPT_PORT_FILE },
    { "no-hybrid-ex", no_argument, NULL, OPT_NO_HYBRID_EX },
    { "pam-session", no_argument, NULL, OPT_PAM_SESSION },
    { "handoff", required_argument, NULL, OPT_HANDOFF },
    { "ntlm-keyfile-plain", no_argument, NULL, OPT_NTLM_PLAIN },
    { "step-threads", required_argument, NULL, OPT_STEP_THREADS },
    { "workers", required_argument, NULL, OPT_WORKERS },
    { "pam-workers", required_argument, NULL, OPT_PAM_WORKERS },
    { "pam-queue", required_argument, NULL, OPT_PAM_QUEUE },
    { "pam-per-user", required_argument, NULL, OPT_PAM_PER_USER },
    { "pam-timeout", required_argument, NULL, OPT_PAM_TIMEOUT },
    ADM_LONG_OPTIONS,
    ADO_LONG_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

static const char *const ending_names[] = {
    [ENDING_DPUM] = "dpum",
    [ENDING_DR] = "dr",
    [ENDING_NOTIFY] = "notify",
    [ENDING_CLOSE] = "close",
    [ENDING_MCS] = "mcs",
};

/* Name of an ending. */
const char *
server_ending_name(enum server_ending e)
{
    if ((size_t)e < sizeof(ending_names) / sizeof(ending_names[0]))
        return ending_names[e];
    return "unknown";
}

/* Usage text. */
static void
usage(FILE *f)
{
    fprintf(f,
"usage: credssp-server [options]\n"
"An RDP front end that authenticates clients with CredSSP (NLA) and reports.\n"
"\n"
"  --listen HOST:PORT      listen address, [V6]:PORT for IPv6, port 0 = any\n"
"                          (default " SERVER_DEFAULT_LISTEN ")\n"
"  --cert PEM --key PEM    TLS certificate and key (default: an ephemeral\n"
"                          self-signed RSA-2048 certificate, CN = host name)\n"
"                          SIGHUP re-reads them, --keytab and --ntlm-keyfile for\n"
"                          new connections (live ones keep theirs)\n"
"  --ntlm-keyfile FILE     smbpasswd-format NT-hash file for NTLM, loaded into\n"
"                          an index (reloaded when it changes or on SIGHUP)\n"
"  --ntlm-keyfile-plain    let gss-ntlmssp re-read the file on every login instead\n"
"  --ntlm-passthrough      NTLM through the host's winbindd (a domain member:\n"
"                          no NT hash on the host); refuses to start when\n"
"                          winbindd is not reachable.  Without a key file this\n"
"                          is the default, then unreachable is only a warning\n"
"  --step-threads N        threads per process for the steps that may block (GSS\n"
"                          accept, key lookup, NSS; default 4; 0 = on the event\n"
"                          loop, which then waits for every slow back end)\n"
"  --keytab FILE           keytab with TERMSRV/<host> keys for Kerberos\n"
"  --min-version N         minimum client CredSSP version, 2..6 (default 5)\n"
"  --connections N         exit after N connections (0 = until SIGTERM/SIGINT)\n"
"  --timeout MS            per-connection deadline (default %u)\n"
"  --max-concurrent N      authenticated connections at once (default %u); one\n"
"                          more is refused with outcome \"busy\"\n"
"  --workers N             processes serving the listening socket (default 1;\n"
"                          --connections and the limits below count per process)\n"
"  --json                  one JSON report per connection on stdout\n"
"  --tls-only              baseline: X.224 + TLS handshake, then close\n"
"  --pam-service NAME      log the delegated credential in with PAM service NAME\n"
"                          (auth + account on the PAM worker pool; the verdict\n"
"                          decides the HYBRID_EX Early User Authorization Result)\n"
"  --pam-session           with --pam-service: also setcred and open (then close)\n"
"                          the session\n"
"  --handoff conv|keyring  with --pam-service: answer the stack's prompts (conv,\n"
"                          default) or also hand the credential to pam_credssp\n"
"                          through the kernel keyring (token in CREDSSP_HANDOFF)\n"
"  --pam-workers N         PAM worker threads, 1..%u (default %u)\n"
"  --pam-queue N           logins that may wait for a worker, 0..%u (default %u);\n"
"                          beyond it the login is denied (pam_busy)\n"
"  --pam-per-user N        PAM jobs one account may hold, queued or running\n"
"                          (default %u); beyond it: pam_busy\n"
"  --pam-timeout MS        a PAM job's deadline (default %u): then EUA denied,\n"
"                          outcome pam_timeout, the job's helpers get SIGTERM\n"
"  --allow-restricted-admin  accept Restricted Admin (credential-less) logons\n"
"  --allow-remote-guard    accept Remote Credential Guard logons\n"
"  --no-hybrid-ex          never select HYBRID_EX (no Early User Authorization PDU)\n"
"  --ending MODE           how to end after CredSSP: mcs (default: answer the MCS\n"
"                          connect / attach / channel joins, then a Disconnect\n"
"                          Provider Ultimatum: clients see a logoff and do not\n"
"                          reconnect), dpum (the Ultimatum at once), dr (X.224\n"
"                          Disconnect Request), notify (TLS close_notify), close\n"
"                          (bare close); see docs/INTEROP.md\n"
"  --port-file FILE        write the bound port to FILE once listening\n"
"  --config FILE           read these options from FILE (key = value lines,\n"
"                          see credssp.conf(5)); the command line overrides it\n"
"  --help                  this text\n",
            SERVER_DEFAULT_TIMEOUT_MS, SERVER_DEFAULT_MAX_CONCURRENT, PAM_POOL_MAX_WORKERS,
            PAM_POOL_DEFAULT_WORKERS, PAM_POOL_MAX_QUEUE, PAM_POOL_DEFAULT_QUEUE,
            PAM_POOL_DEFAULT_PER_USER, SERVER_DEFAULT_PAM_TIMEOUT_MS);
    ado_usage(f);
    adm_usage(f);
}

/* One of the --pam-* pool options; 0 ok, -1 error (reported). */
static int
parse_pam_opt(int ch, const char *arg, struct server_opts *opt)
{
    static const struct {
        int ch;
        const char *name;
        unsigned long lo, hi;
    } lim[] = {
        { OPT_PAM_WORKERS, "--pam-workers", 1, PAM_POOL_MAX_WORKERS },
        { OPT_PAM_QUEUE, "--pam-queue", 0, PAM_POOL_MAX_QUEUE },
        { OPT_PAM_PER_USER, "--pam-per-user", 1, PAM_POOL_MAX_QUEUE },
        { OPT_PAM_TIMEOUT, "--pam-timeout", 1, SERVER_MAX_TIMEOUT_MS },
    };
    unsigned long v;
    size_t i = 0;

    while (lim[i].ch != ch)
        i++;
    if (fe_parse_ulong(arg, lim[i].lo, lim[i].hi, &v) != 0) {
        fprintf(stderr, "credssp-server: %s wants %lu..%lu\n", lim[i].name, lim[i].lo,
                lim[i].hi);
        return -1;
    }
    if (ch == OPT_PAM_WORKERS)
        opt->pam_workers = (unsigned)v;
    else if (ch == OPT_PAM_QUEUE)
        opt->pam_queue = (unsigned)v;
    else if (ch == OPT_PAM_PER_USER)
        opt->pam_per_user = (unsigned)v;
    else
        opt->pam_timeout_ms = (unsigned)v;
    return 0;
}

/* Parse argv into opt; 0 ok, 1 --help, -1 error. */
static int
parse_args(int argc, char **argv, struct server_opts *opt)
{
    unsigned long v;
    int ch;

    opt->listen = SERVER_DEFAULT_LISTEN;
    opt->min_version = 5;
    opt->timeout_ms = SERVER_DEFAULT_TIMEOUT_MS;
    opt->max_concurrent = SERVER_DEFAULT_MAX_CONCURRENT;
    opt->hybrid_ex = true;
    opt->ending = ENDING_MCS;
    opt->workers = 1;
    opt->step_threads = STEP_POOL_THREADS;
    adm_config_defaults(&opt->admit, SERVER_DEFAULT_MAX_CONCURRENT);
    opt->pam_workers = PAM_POOL_DEFAULT_WORKERS;
    opt->pam_queue = PAM_POOL_DEFAULT_QUEUE;
    opt->pam_per_user = PAM_POOL_DEFAULT_PER_USER;
    opt->pam_timeout_ms = SERVER_DEFAULT_PAM_TIMEOUT_MS;
    while ((ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'l': opt->listen = optarg; break;
        case 'c': opt->cert_file = optarg; break;
        case 'k': opt->key_file = optarg; break;
        case 'n': opt->ntlm_keyfile = optarg; break;
        case 't': opt->keytab = optarg; break;
        case 'p': opt->pam_service = optarg; break;
        case 'j': opt->json = true; break;
        case 'L': opt->tls_only = true; break;
        case OPT_RA: opt->allow_restricted_admin = true; break;
        case OPT_RG: opt->allow_remote_guard = true; break;
        case OPT_NO_HYBRID_EX: opt->hybrid_ex = false; break;
        case OPT_PAM_SESSION: opt->pam_session = true; break;
        case OPT_NTLM_PLAIN: opt->ntlm_keyfile_plain = true; break;
        case OPT_NTLM_PASSTHROUGH: opt->ntlm_passthrough = true; break;
        case OPT_HANDOFF:
            if (strcmp(optarg, "keyring") == 0) {
                opt->handoff_keyring = true;
            } else if (strcmp(optarg, "conv") != 0) {
                fprintf(stderr, "credssp-server: --handoff takes conv or keyring\n");
                return -1;
            }
            break;
        case OPT_PORT_FILE: opt->port_file = optarg; break;
        case 'V':
            if (fe_parse_ulong(optarg, 2, 6, &v) != 0) {
                fprintf(stderr, "credssp-server: --min-version wants 2..6\n");
                return -1;
            }
            opt->min_version = (int)v;
            break;
        case 'N':
            if (fe_parse_ulong(optarg, 0, 1000000000ul, &v) != 0) {
                fprintf(stderr, "credssp-server: --connections wants a number\n");
                return -1;
            }
            opt->connections = v;
            break;
        case 'T':
            if (fe_parse_ulong(optarg, 1, SERVER_MAX_TIMEOUT_MS, &v) != 0) {
                fprintf(stderr, "credssp-server: --timeout wants 1..%u ms\n",
                        SERVER_MAX_TIMEOUT_MS);
                return -1;
            }
            opt->timeout_ms = (unsigned)v;
            break;
        case OPT_PAM_WORKERS:
        case OPT_PAM_QUEUE:
        case OPT_PAM_PER_USER:
        case OPT_PAM_TIMEOUT:
            if (parse_pam_opt(ch, optarg, opt) != 0)
                return -1;
            break;
        case OPT_MAXC:
            if (fe_parse_ulong(optarg, 1, 4096, &v) != 0) {
                fprintf(stderr, "credssp-server: --max-concurrent wants 1..4096\n");
                return -1;
            }
            opt->max_concurrent = (unsigned)v;
            break;
        case OPT_ENDING: {
            size_t i, n = sizeof(ending_names) / sizeof(ending_names[0]);

            for (i = 0; i < n && strcmp(optarg, ending_names[i]) != 0; i++)
                ;
            if (i == n) {
                fprintf(stderr, "credssp-server: --ending wants dpum, dr, notify, close or mcs\n");
                return -1;
            }
            opt->ending = (enum server_ending)i;
            break;
        }
        case OPT_STEP_THREADS:
            if (fe_parse_ulong(optarg, 0, STEP_POOL_MAX_THREADS, &v) != 0) {
                fprintf(stderr, "credssp-server: --step-threads wants 0..%u\n",
                        STEP_POOL_MAX_THREADS);
                return -1;
            }
            opt->step_threads = (unsigned)v;
            break;
        case OPT_WORKERS:
            if (fe_parse_ulong(optarg, 1, SERVER_MAX_WORKERS, &v) != 0) {
                fprintf(stderr, "credssp-server: --workers wants 1..%u\n", SERVER_MAX_WORKERS);
                return -1;
            }
            opt->workers = (unsigned)v;
            break;
        case 'h':
            return 1;
        default:
            if (ado_option(&opt->ad, ch, optarg) == 1 ||
                adm_option(&opt->admit, "credssp-server", ch, optarg) == 1)
                break;
            return -1;
        }
    }
    opt->admit.max_sessions = opt->max_concurrent;
    if (optind != argc) {
        fprintf(stderr, "credssp-server: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if ((opt->pam_session || opt->handoff_keyring) && opt->pam_service == NULL) {
        fprintf(stderr, "credssp-server: --pam-session / --handoff need --pam-service\n");
        return -1;
    }
    if (opt->ntlm_passthrough && opt->ntlm_keyfile != NULL) {
        fprintf(stderr, "credssp-server: --ntlm-passthrough and --ntlm-keyfile exclude "
                        "each other\n");
        return -1;
    }
    if (ado_setup(&opt->ad, "credssp-server") != 0)
        return -1;
    if ((opt->cert_file == NULL) != (opt->key_file == NULL)) {
        fprintf(stderr, "credssp-server: --cert and --key go together\n");
        return -1;
    }
    return 0;
}

/* parse_args into a scratch copy (conffile_apply's check). */
static int
check_args(int argc, char **argv)
{
    struct server_opts scratch;

    memset(&scratch, 0, sizeof(scratch));
    return parse_args(argc, argv, &scratch);
}

/* The NTLM source (frontend_ntlm_source), in every report.  0 = go on. */
static int
choose_ntlm_source(const struct server_opts *o)
{
    const char *src;

    if (o->tls_only)
        return 0;
    src = frontend_ntlm_source("credssp-server", o->ntlm_keyfile, o->ntlm_passthrough);
    if (src == NULL)
        return -1;
    report_set_ntlm_source(src);
    return 0;
}

/* A keytab without AES TERMSRV keys is named, with its fix, at start-up. */
static void
check_keytab(const struct server_opts *o)
{
    char why[768];

    if (o->tls_only || o->keytab == NULL)
        return;
    if (credssp_keytab_check(o->keytab, why, sizeof(why)) != CREDSSP_OK)
        fprintf(stderr, "credssp-server: warning: %s\n", why);
}

/* The acceptor settings from the options (the TLS context is srv's current one). */
static void
fill_frontend(const struct server *srv, struct frontend_config *fc)
{
    const struct server_opts *o = &srv->opt;

    memset(fc, 0, sizeof(*fc));
    fc->ssl_ctx = srv->ssl_ctx;
    fc->keytab = o->keytab;
    fc->ntlm_keyfile = o->ntlm_keyfile;
    fc->ntlm_keyfile_plain = o->ntlm_keyfile_plain;
    fc->min_version = o->min_version;
    fc->cred_types = CREDSSP_CRED_PASSWORD | CREDSSP_CRED_SMARTCARD |
                     (o->allow_restricted_admin ? CREDSSP_CRED_RESTRICTED_ADMIN : 0) |
                     (o->allow_remote_guard ? CREDSSP_CRED_REMOTE_GUARD : 0);
    fc->timeout_ms = o->timeout_ms;
}

/* Build and prepare the shared acceptor configuration. */
static credssp_error
make_config(struct server *srv)
{
    struct frontend_config fc;

    fill_frontend(srv, &fc);
    return frontend_make_config(&fc, &srv->cfg);
}

int
server_reload(struct server *srv)
{
    struct frontend_config fc;
    int rc;

    fill_frontend(srv, &fc);
    rc = frontend_reload("credssp-server", srv->opt.cert_file, srv->opt.key_file, &fc,
                         &srv->ssl_ctx, srv->opt.tls_only ? NULL : &srv->cfg_ref);
    srv->cfg = cfgref_config(srv->cfg_ref);
    return rc;
}

/* Everything main does once srv is zeroed; main frees what outlives it. */
static int
serve(struct server *srv, int argc, char **argv)
{
    credssp_error ret;
    unsigned port = 0;
    int lfd = -1, rc;

    srv->epfd = -1;
    frontend_block_sighup();                    /* loop.c reads it from its signalfd */
    if (conffile_apply("credssp-server", long_opts, check_args, &argc, &argv) != 0)
        return 2;
    rc = parse_args(argc, argv, &srv->opt);
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    srv->policy.allow_hybrid_ex = srv->opt.hybrid_ex;
    srv->policy.allow_ssl = srv->opt.tls_only;
    srv->policy.allow_restricted_admin = srv->opt.allow_restricted_admin;
    srv->policy.allow_remote_guard = srv->opt.allow_remote_guard;

    if (choose_ntlm_source(&srv->opt) != 0)
        return 1;
    ado_report(&srv->opt.ad, "credssp-server");
    check_keytab(&srv->opt);
    ret = cert_make_ssl_ctx(srv->opt.cert_file, srv->opt.key_file, &srv->ssl_ctx);
    if (ret != CREDSSP_OK) {
        fprintf(stderr, "credssp-server: TLS set-up: %s\n", credssp_strerror(ret));
        return 1;
    }
    if (!srv->opt.tls_only) {
        ret = make_config(srv);
        if (ret != CREDSSP_OK) {
            fprintf(stderr, "credssp-server: acceptor set-up: %s (%s)\n",
                    credssp_strerror(ret), credssp_error_name(ret));
            SSL_CTX_free(srv->ssl_ctx);
            return 1;
        }
        srv->cfg_ref = cfgref_new(srv->cfg);
        if (srv->cfg_ref == NULL) {
            credssp_config_free(srv->cfg);
            SSL_CTX_free(srv->ssl_ctx);
            return 1;
        }
    }
    if (frontend_listen("credssp-server", srv->opt.listen, &lfd, &port) != 0) {
        cfgref_drop(srv->cfg_ref);
        SSL_CTX_free(srv->ssl_ctx);
        return 1;
    }
    fprintf(stderr, "credssp-server: listening on %s (port %u)%s\n", srv->opt.listen, port,
            srv->opt.tls_only ? ", TLS-only baseline" : "");
    if (srv->opt.port_file != NULL && frontend_write_port_file(srv->opt.port_file, port) != 0) {
        fprintf(stderr, "credssp-server: cannot write %s: %s\n", srv->opt.port_file,
                strerror(errno));
        (void)close(lfd);
        cfgref_drop(srv->cfg_ref);
        SSL_CTX_free(srv->ssl_ctx);
        return 1;
    }
    if (srv->opt.pam_service != NULL &&
        pam_pool_start(srv->opt.pam_workers, srv->opt.pam_queue, srv->opt.pam_per_user) !=
            CREDSSP_OK) {
        fprintf(stderr, "credssp-server: cannot start the PAM workers\n");
        (void)close(lfd);
        cfgref_drop(srv->cfg_ref);
        SSL_CTX_free(srv->ssl_ctx);
        return 1;
    }
    rc = loop_run(srv, lfd);
    if (srv->opt.pam_service != NULL) {
        unsigned hung = pam_pool_stop(SERVER_PAM_STOP_GRACE_MS);

        if (hung > 0)
            fprintf(stderr, "credssp-server: %u PAM worker(s) still inside a module at exit\n",
                    hung);
        srv->pam_hung = hung > 0;
    }
    cfgref_drop(srv->cfg_ref);
    SSL_CTX_free(srv->ssl_ctx);
    return rc;
}

int
main(int argc, char **argv)
{
    struct server srv;
    int rc;

    memset(&srv, 0, sizeof(srv));
    rc = serve(&srv, argc, argv);
    /* --ad: the domain settings; a PAM worker still hung in NSS may map with them */
    if (!srv.pam_hung)
        ado_free(&srv.opt.ad);
    return rc;
}
