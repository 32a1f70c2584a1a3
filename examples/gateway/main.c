/*
 * main.c - credssp-gateway: options, set-up, and the loop.
 *
 * Network Level Authentication (MS-CSSP through libcredssp) in front of an
 * unmodified xrdp: clients negotiate HYBRID / HYBRID_EX with the gateway
 * (MS-RDPBCGR 2.2.1.1 / 2.2.1.2), authenticate with CredSSP, and only then
 * does the gateway open a PROTOCOL_SSL connection to xrdp and relay, giving
 * xrdp the delegated password - or a one-time keyring hand-off token that
 * pam_credssp(8) turns back into it - for an automatic logon.
 * Deployment and limits: docs/XRDP.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "backtls.h"
#include "capture.h"
#include "cert.h"
#include "conffile.h"
#include "credssp_pam.h"
#include "frontend.h"
#include "loop.h"

enum {
    OPT_BACKEND = 0x100,
    OPT_BACKEND_CERT,
    OPT_MODE,
    OPT_TRUST,
    OPT_SESSION,
    OPT_DOMAIN,
    OPT_KEYRING,
    OPT_HANDOFF_TIMEOUT,
    OPT_CAPTURE,
    OPT_MAXC,
    OPT_PORT_FILE,
    OPT_NO_HYBRID_EX,
    OPT_STEP_THREADS,
    OPT_NTLM_PASSTHROUGH
};

static const struct option long_opts[] = {
    { "listen", required_argument, NULL, 'l' },
    { "backend", required_argument, NULL, OPT_BACKEND },
    { "backend-cert", required_argument, NULL, OPT_BACKEND_CERT },
    { "cert", required_argument, NULL, 'c' },
    { "key", required_argument, NULL, 'k' },
    { "ntlm-keyfile", required_argument, NULL, 'n' },
    { "ntlm-passthrough", no_argument, NULL, OPT_NTLM_PASSTHROUGH },
    { "keytab", required_argument, NULL, 't' },
    { "min-version", required_argument, NULL, 'V' },
    { "mode", required_argument, NULL, OPT_MODE },
    { "trust", no_argument, NULL, OPT_TRUST },
    { "session", required_argument, NULL, OPT_SESSION },
    { "domain", required_argument, NULL, OPT_DOMAIN },
    { "keyring", required_argument, NULL, OPT_KEYRING },
    { "handoff-timeout", required_argument, NULL, OPT_HANDOFF_TIMEOUT },
    { "capture", required_argument, NULL, OPT_CAPTURE },
    { "connections", required_argument, NULL, 'N' },
    { "timeout", required_argument, NULL, 'T' },
    { "max-concurrent", required_argument, NULL, OPT_MAXC },
    { "step-threads", required_argument, NULL, OPT_STEP_THREADS },
    { "json", no_argument, NULL, 'j' },
    { "port-file", required_argument, NULL, OPT_PORT_FILE },
    { "no-hybrid-ex", no_argument, NULL, OPT_NO_HYBRID_EX },
    ADM_LONG_OPTIONS,
    ADO_LONG_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

/* Usage text. */
static void
usage(FILE *f)
{
    fprintf(f,
"usage: " GW_NAME " --backend tcp://HOST:PORT|unix:PATH [options]\n"
"Network Level Authentication (CredSSP) in front of xrdp.\n"
"\n"
"  --listen HOST:PORT      client address, [V6]:PORT for IPv6, port 0 = any\n"
"                          (default " GW_DEFAULT_LISTEN ")\n"
"  --backend SPEC          where xrdp listens: tcp://HOST:PORT or unix:PATH\n"
"  --backend-cert PEM      the certificate xrdp must present (pinning)\n"
"  --cert PEM --key PEM    TLS certificate and key for clients (default: an\n"
"                          ephemeral self-signed RSA-2048 certificate)\n"
"                          SIGHUP re-reads them, --keytab and --ntlm-keyfile for\n"
"                          new connections (live ones keep theirs)\n"
"  --ntlm-keyfile FILE     smbpasswd-format NT-hash file for NTLM, loaded into\n"
"                          an index (reloaded when it changes or on SIGHUP)\n"
"  --ntlm-passthrough      NTLM through the host's winbindd (a domain member:\n"
"                          no NT hash on the host); refuses to start when\n"
"                          winbindd is not reachable.  Without a key file this\n"
"                          is the default, then unreachable is only a warning\n"
"  --keytab FILE           keytab with TERMSRV/<host> keys for Kerberos\n"
"  --min-version N         minimum client CredSSP version, 2..6 (default 5)\n"
"  --mode password|token   give xrdp the password itself (default), or a\n"
"                          one-time token pam_credssp exchanges for it\n"
"  --trust                 token mode: accept Restricted Admin / Remote Guard\n"
"                          (no password; pam_credssp `trust` vouches)\n"
"  --session NAME          Client Info Domain field = xrdp.ini session section\n"
"                          (default empty: autorun= or the first section)\n"
"  --domain NAME           accept this client domain / realm (repeatable;\n"
"                          none given = any): the authenticated NTLM domain\n"
"                          or Kerberos realm must be listed\n"
"  --keyring user|session  keyring of the hand-off (default user)\n"
"  --handoff-timeout S     hand-off lifetime, 1..60 s (default 30)\n"
"  --capture FILE          DEBUG: record the plaintext sent to xrdp in FILE,\n"
"                          which must not exist (holds the password in\n"
"                          password mode)\n"
"  --connections N         exit after N connections (0 = until SIGTERM/SIGINT)\n"
"  --timeout MS            set-up deadline per connection (default %u)\n"
"  --max-concurrent N      relayed (authenticated) sessions at once (default %u);\n"
"                          one more is refused with outcome \"busy\"\n"
"  --step-threads N        threads for the work that may block (GSS accept, key\n"
"                          lookup, the local account's NSS lookup; 0..%u,\n"
"                          default %u; 0 = on the event loop, which then waits\n"
"                          for every slow back end)\n"
"  --json                  audit lines as JSON on stdout (else text on stderr)\n"
"  --port-file FILE        write the bound port to FILE once listening\n"
"  --no-hybrid-ex          never select HYBRID_EX\n"
"  --config FILE           read these options from FILE (key = value lines,\n"
"                          see credssp.conf(5)); the command line overrides it\n"
"  --help                  this text\n",
            GW_DEFAULT_TIMEOUT_MS, GW_DEFAULT_MAX_CONCURRENT, STEP_POOL_MAX_THREADS,
            STEP_POOL_THREADS);
    ado_usage(f);
    adm_usage(f);
}

/* An xrdp.ini section name: printable ASCII without brackets, short. */
static bool
valid_session(const char *s)
{
    size_t n = strlen(s);

    if (n >= GW_SESSION_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '[' || s[i] == ']')
            return false;
    }
    return true;
}

/* One numeric option. */
static int
number_opt(const char *name, const char *arg, unsigned long lo, unsigned long hi,
           unsigned long *out)
{
    if (fe_parse_ulong(arg, lo, hi, out) == 0)
        return 0;
    fprintf(stderr, GW_NAME ": --%s wants %lu..%lu\n", name, lo, hi);
    return -1;
}

/* Options that take a word. */
static int
word_opt(int ch, const char *arg, struct gw_opts *o)
{
    switch (ch) {
    case OPT_MODE:
        if (strcmp(arg, "password") == 0)
            o->mode = GW_MODE_PASSWORD;
        else if (strcmp(arg, "token") == 0)
            o->mode = GW_MODE_TOKEN;
        else
            break;
        return 0;
    case OPT_KEYRING:
        if (strcmp(arg, "user") == 0)
            o->keyring = CREDSSP_HANDOFF_KEYRING_USER;
        else if (strcmp(arg, "session") == 0)
            o->keyring = CREDSSP_HANDOFF_KEYRING_SESSION;
        else
            break;
        return 0;
    case OPT_SESSION:
        if (!valid_session(arg))
            break;
        o->session = arg;
        return 0;
    case OPT_DOMAIN:
        if (o->n_domains >= GW_MAX_DOMAINS || arg[0] == '\0')
            break;
        o->domains[o->n_domains++] = arg;
        return 0;
    default:
        break;
    }
    fprintf(stderr, GW_NAME ": bad value '%s' (see --help)\n", arg);
    return -1;
}

/* Parse argv into opt; 0 ok, 1 --help, -1 error. */
static int
parse_args(int argc, char **argv, struct gw_opts *o)
{
    unsigned long v;
    int ch, rc = 0;

    o->listen = GW_DEFAULT_LISTEN;
    o->min_version = 5;
    o->timeout_ms = GW_DEFAULT_TIMEOUT_MS;
    o->max_concurrent = GW_DEFAULT_MAX_CONCURRENT;
    o->step_threads = STEP_POOL_THREADS;
    o->hybrid_ex = true;
    o->session = "";
    o->keyring = CREDSSP_HANDOFF_KEYRING_USER;
    o->handoff_timeout_s = CREDSSP_HANDOFF_TIMEOUT_DEFAULT;
    adm_config_defaults(&o->admit, GW_DEFAULT_MAX_CONCURRENT);
    while (rc == 0 && (ch = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'l': o->listen = optarg; break;
        case OPT_BACKEND: o->backend_spec = optarg; break;
        case OPT_BACKEND_CERT: o->backend_cert = optarg; break;
        case 'c': o->cert_file = optarg; break;
        case 'k': o->key_file = optarg; break;
        case 'n': o->ntlm_keyfile = optarg; break;
        case 't': o->keytab = optarg; break;
        case 'j': o->json = true; break;
        case OPT_TRUST: o->trust = true; break;
        case OPT_CAPTURE: o->capture = optarg; break;
        case OPT_PORT_FILE: o->port_file = optarg; break;
        case OPT_NO_HYBRID_EX: o->hybrid_ex = false; break;
        case OPT_NTLM_PASSTHROUGH: o->ntlm_passthrough = true; break;
        case OPT_MODE:
        case OPT_KEYRING:
        case OPT_SESSION:
        case OPT_DOMAIN:
            rc = word_opt(ch, optarg, o);
            break;
        case 'V':
            rc = number_opt("min-version", optarg, 2, 6, &v);
            o->min_version = (int)v;
            break;
        case OPT_HANDOFF_TIMEOUT:
            rc = number_opt("handoff-timeout", optarg, 1, CREDSSP_HANDOFF_TIMEOUT_MAX, &v);
            o->handoff_timeout_s = (unsigned)v;
            break;
        case 'N':
            rc = number_opt("connections", optarg, 0, 1000000000ul, &v);
            o->connections = v;
            break;
        case 'T':
            rc = number_opt("timeout", optarg, 1, GW_MAX_TIMEOUT_MS, &v);
            o->timeout_ms = (unsigned)v;
            break;
        case OPT_MAXC:
            rc = number_opt("max-concurrent", optarg, 1, 4096, &v);
            o->max_concurrent = (unsigned)v;
            break;
        case OPT_STEP_THREADS:
            rc = number_opt("step-threads", optarg, 0, STEP_POOL_MAX_THREADS, &v);
            o->step_threads = (unsigned)v;
            break;
        case 'h':
            return 1;
        default:
            if (ado_option(&o->ad, ch, optarg) == 1 ||
                adm_option(&o->admit, GW_NAME, ch, optarg) == 1)
                break;
            return -1;
        }
    }
    if (rc != 0)
        return -1;
    o->admit.max_sessions = o->max_concurrent;
    if (optind != argc) {
        fprintf(stderr, GW_NAME ": unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if ((o->cert_file == NULL) != (o->key_file == NULL)) {
        fprintf(stderr, GW_NAME ": --cert and --key go together\n");
        return -1;
    }
    if (o->ntlm_passthrough && o->ntlm_keyfile != NULL) {
        fprintf(stderr, GW_NAME ": --ntlm-passthrough and --ntlm-keyfile exclude each other\n");
        return -1;
    }
    if (o->trust && o->mode != GW_MODE_TOKEN) {
        fprintf(stderr, GW_NAME ": --trust needs --mode token (no password to give xrdp)\n");
        return -1;
    }
    return ado_setup(&o->ad, GW_NAME);
}

/* parse_args into a scratch copy (conffile_apply's check). */
static int
check_args(int argc, char **argv)
{
    struct gw_opts scratch;

    memset(&scratch, 0, sizeof(scratch));
    return parse_args(argc, argv, &scratch);
}

/* The acceptor settings from the options (the TLS context is gw's current one). */
static void
fill_frontend(const struct gateway *gw, struct frontend_config *fc)
{
    const struct gw_opts *o = &gw->opt;

    memset(fc, 0, sizeof(*fc));
    fc->ssl_ctx = gw->front_ctx;
    fc->keytab = o->keytab;
    fc->ntlm_keyfile = o->ntlm_keyfile;
    fc->min_version = o->min_version;
    /* Every type is accepted by the engine; admit.c applies the gateway's policy. */
    fc->cred_types = CREDSSP_CRED_PASSWORD | CREDSSP_CRED_SMARTCARD |
                     CREDSSP_CRED_RESTRICTED_ADMIN | CREDSSP_CRED_REMOTE_GUARD;
    fc->timeout_ms = o->timeout_ms;
}

/* Build and prepare the shared acceptor configuration, held by gw->cfg_ref. */
static credssp_error
make_config(struct gateway *gw)
{
    struct frontend_config fc;
    credssp_error ret;

    fill_frontend(gw, &fc);
    ret = frontend_make_config(&fc, &gw->cfg);
    if (ret != CREDSSP_OK)
        return ret;
    gw->cfg_ref = cfgref_new(gw->cfg);
    if (gw->cfg_ref == NULL) {
        credssp_config_free(gw->cfg);
        gw->cfg = NULL;
        return CREDSSP_E_NOMEM;
    }
    return CREDSSP_OK;
}

int
gw_reload(struct gateway *gw)
{
    struct frontend_config fc;
    int rc;

    fill_frontend(gw, &fc);
    rc = frontend_reload(GW_NAME, gw->opt.cert_file, gw->opt.key_file, &fc, &gw->front_ctx,
                         &gw->cfg_ref);
    gw->cfg = cfgref_config(gw->cfg_ref);
    return rc;
}

/* TLS contexts (both sides), capture file, acceptor configuration. */
static int
setup(struct gateway *gw)
{
    const struct gw_opts *o = &gw->opt;
    credssp_error ret;

    if (gw_backend_parse(o->backend_spec, &gw->backend) != 0)
        return -1;
    gw->ntlm_source = frontend_ntlm_source(GW_NAME, o->ntlm_keyfile, o->ntlm_passthrough);
    if (gw->ntlm_source == NULL)
        return -1;
    ret = cert_make_ssl_ctx(o->cert_file, o->key_file, &gw->front_ctx);
    if (ret != CREDSSP_OK) {
        fprintf(stderr, GW_NAME ": TLS set-up: %s\n", credssp_strerror(ret));
        return -1;
    }
    if (backtls_make_ctx(&gw->back_ctx) != CREDSSP_OK) {
        fprintf(stderr, GW_NAME ": backend TLS context failed\n");
        return -1;
    }
    if (o->backend_cert != NULL &&
        backtls_load_pin(o->backend_cert, &gw->back_pin) != CREDSSP_OK) {
        fprintf(stderr, GW_NAME ": cannot read --backend-cert %s\n", o->backend_cert);
        return -1;
    }
    if (!gw->backend.is_unix && gw->back_pin == NULL)
        fprintf(stderr, GW_NAME ": warning: TCP backend without --backend-cert; keep xrdp "
                "on loopback or use a Unix socket (docs/XRDP.md)\n");
    if (o->capture != NULL) {
        gw->capture_fd = gw_capture_open(o->capture);
        if (gw->capture_fd < 0) {
            fprintf(stderr, GW_NAME ": --capture %s: %s\n", o->capture, strerror(errno));
            return -1;
        }
        fprintf(stderr, GW_NAME ": DEBUG --capture %s: plaintext toward xrdp is recorded%s\n",
                o->capture, o->mode == GW_MODE_PASSWORD ? ", PASSWORDS INCLUDED" : "");
    }
    ret = make_config(gw);
    if (ret != CREDSSP_OK) {
        fprintf(stderr, GW_NAME ": acceptor set-up: %s (%s)\n", credssp_strerror(ret),
                credssp_error_name(ret));
        return -1;
    }
    gw->policy.allow_hybrid_ex = o->hybrid_ex;
    gw->policy.allow_ssl = false;
    gw->policy.allow_restricted_admin = o->trust;
    gw->policy.allow_remote_guard = o->trust;
    return 0;
}

/* Free what setup made. */
static void
teardown(struct gateway *gw)
{
    cfgref_drop(gw->cfg_ref);
    SSL_CTX_free(gw->front_ctx);
    SSL_CTX_free(gw->back_ctx);
    X509_free(gw->back_pin);
    if (gw->capture_fd >= 0)
        (void)close(gw->capture_fd);
    ado_free(&gw->opt.ad);
}

int
main(int argc, char **argv)
{
    struct gateway gw;
    unsigned port = 0;
    int lfd = -1, rc;

    memset(&gw, 0, sizeof(gw));
    gw.epfd = -1;
    frontend_block_sighup();                    /* loop.c reads it from its signalfd */
    gw.capture_fd = -1;
    if (conffile_apply(GW_NAME, long_opts, check_args, &argc, &argv) != 0)
        return 2;
    rc = parse_args(argc, argv, &gw.opt);
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    if (setup(&gw) != 0) {
        teardown(&gw);
        return 1;
    }
    if (frontend_listen(GW_NAME, gw.opt.listen, &lfd, &port) != 0) {
        teardown(&gw);
        return 1;
    }
    ado_report(&gw.opt.ad, GW_NAME);
    fprintf(stderr, GW_NAME ": listening on %s (port %u), backend %s, mode %s%s\n",
            gw.opt.listen, port, gw.backend.text,
            gw.opt.mode == GW_MODE_TOKEN ? "token" : "password", gw.opt.trust ? " (trust)" : "");
    if (gw.opt.port_file != NULL && frontend_write_port_file(gw.opt.port_file, port) != 0) {
        fprintf(stderr, GW_NAME ": cannot write %s: %s\n", gw.opt.port_file, strerror(errno));
        (void)close(lfd);
        teardown(&gw);
        return 1;
    }
    rc = gw_loop_run(&gw, lfd);
    teardown(&gw);
    return rc;
}
