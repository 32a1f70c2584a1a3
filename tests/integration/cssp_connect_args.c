/*
 * cssp_connect_args.c - the command line of cssp_connect (cssp_connect.h):
 * options, the secrets from the environment (CSSP_PASSWORD, CSSP_PIN; never
 * argv), the --rg-file / --raw-file inputs and, without --rg-file, a
 * well-formed KERB_TICKET_LOGON (MS-CSSP 2.2.1.2.3) with dummy tickets.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cssp_connect.h"

#define MAX_FILE (64u * 1024u)

/* Read a whole small file into *out. */
static bool
read_file(const char *path, uint8_t **out, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0;

    if (f == NULL)
        return false;
    buf = malloc(MAX_FILE);
    if (buf != NULL)
        n = fread(buf, 1, MAX_FILE, f);
    fclose(f);
    if (buf == NULL || n == MAX_FILE) {
        free(buf);
        return false;
    }
    *out = buf;
    *len_out = n;
    return true;
}

/*
 * A well-formed KERB_TICKET_LOGON (MessageType 10, two 64-bit offsets, then
 * a dummy service ticket [APPLICATION 1] and TGT KRB-CRED [APPLICATION 22]).
 */
static bool
make_ticket_logon(uint8_t **out, size_t *len_out)
{
    static const size_t st_len = 40, tgt_len = 60;
    struct cssp_writer w;

    cssp_writer_init(&w, 4096, false);
    cssp_write_u32le(&w, 10);               /* KerbTicketLogon */
    cssp_write_u32le(&w, 0);                /* Flags */
    cssp_write_u32le(&w, (uint32_t)st_len);
    cssp_write_u32le(&w, (uint32_t)tgt_len);
    cssp_write_u32le(&w, 32);               /* ServiceTicket offset (64-bit) */
    cssp_write_u32le(&w, 0);
    cssp_write_u32le(&w, (uint32_t)(32 + st_len));
    cssp_write_u32le(&w, 0);
    cssp_write_u8(&w, 0x61);
    cssp_write_u8(&w, (uint8_t)(st_len - 2));
    for (size_t i = 2; i < st_len; i++)
        cssp_write_u8(&w, 0xA5);
    cssp_write_u8(&w, 0x76);
    cssp_write_u8(&w, (uint8_t)(tgt_len - 2));
    for (size_t i = 2; i < tgt_len; i++)
        cssp_write_u8(&w, 0x5A);
    return cssp_writer_take(&w, out, len_out) == CREDSSP_OK;
}

/* Usage text. */
void
usage(void)
{
    fprintf(stderr,
            "usage: cssp_connect --port N [--host ADDR] [--protocols HEX] [--neg-flags HEX]\n"
            "  [--force] [--timeout MS] [--user U] [--domain D] [--version N]\n"
            "  [--cred password|smartcard|ra|ra-empty|rg|raw]\n"
            "  [--deleg-user U] [--deleg-domain D]   (delegated name / smart-card hints)\n"
            "  [--sc-key-spec N] [--sc-card S] [--sc-reader S] [--sc-container S] [--sc-csp S]\n"
            "  [--rg-file FILE] [--rg-package NAME] [--rg-supplemental N] [--raw-file FILE]\n"
            "  secrets: CSSP_PASSWORD (NTLM + delegated password), CSSP_PIN (smart card)\n");
}

/* Parse a number (decimal or 0x hex) in [0, max]. */
static bool
parse_num(const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* The --cred value. */
static bool
parse_cred(const char *s, enum cssp_cli_cred *out)
{
    static const struct {
        const char *name;
        enum cssp_cli_cred cred;
    } names[] = {
        { "password", CSSP_CLI_CRED_PASSWORD },
        { "smartcard", CSSP_CLI_CRED_SMARTCARD },
        { "ra", CSSP_CLI_CRED_RESTRICTED_ADMIN },
        { "ra-empty", CSSP_CLI_CRED_RESTRICTED_ADMIN_EMPTY },
        { "rg", CSSP_CLI_CRED_REMOTE_GUARD },
        { "raw", CSSP_CLI_CRED_RAW },
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].cred;
            return true;
        }
    }
    return false;
}

/* Parse argv; false on a usage error. */
bool
parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, 'H' },
        { "port", required_argument, NULL, 'p' },
        { "protocols", required_argument, NULL, 'P' },
        { "neg-flags", required_argument, NULL, 'F' },
        { "force", no_argument, NULL, 'f' },
        { "timeout", required_argument, NULL, 't' },
        { "user", required_argument, NULL, 'u' },
        { "domain", required_argument, NULL, 'd' },
        { "version", required_argument, NULL, 'V' },
        { "cred", required_argument, NULL, 'c' },
        { "deleg-user", required_argument, NULL, 'U' },
        { "deleg-domain", required_argument, NULL, 'D' },
        { "sc-key-spec", required_argument, NULL, 'k' },
        { "sc-card", required_argument, NULL, 1 },
        { "sc-reader", required_argument, NULL, 2 },
        { "sc-container", required_argument, NULL, 3 },
        { "sc-csp", required_argument, NULL, 4 },
        { "rg-file", required_argument, NULL, 5 },
        { "rg-package", required_argument, NULL, 6 },
        { "rg-supplemental", required_argument, NULL, 7 },
        { "raw-file", required_argument, NULL, 8 },
        { NULL, 0, NULL, 0 },
    };
    unsigned long v;
    bool deleg_user = false, deleg_domain = false;
    int ch;

    a->host = "127.0.0.1";
    a->protocols = 0x0B;
    a->timeout_ms = 15000;
    cssp_cli_opts_init(&a->o);
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'H': a->host = optarg; break;
        case 'p':
            if (!parse_num(optarg, 65535, &v) || v == 0)
                return false;
            a->port = (unsigned)v;
            break;
        case 'P':
            if (!parse_num(optarg, UINT32_MAX, &v))
                return false;
            a->protocols = (uint32_t)v;
            break;
        case 'F':
            if (!parse_num(optarg, 255, &v))
                return false;
            a->neg_flags = (uint8_t)v;
            break;
        case 'f': a->force = true; break;
        case 't':
            if (!parse_num(optarg, 600000, &v) || v == 0)
                return false;
            a->timeout_ms = (unsigned)v;
            break;
        case 'u': a->o.auth_user = optarg; break;
        case 'd': a->o.auth_domain = optarg; break;
        case 'V':
            if (!parse_num(optarg, 255, &v))
                return false;
            a->o.version = (int)v;
            break;
        case 'c':
            if (!parse_cred(optarg, &a->o.cred))
                return false;
            break;
        case 'U': a->o.user = optarg; deleg_user = true; break;
        case 'D': a->o.domain = optarg; deleg_domain = true; break;
        case 'k':
            if (!parse_num(optarg, 0x7fffffff, &v))
                return false;
            a->o.sc_key_spec = (int)v;
            break;
        case 1: a->o.sc_card = optarg; break;
        case 2: a->o.sc_reader = optarg; break;
        case 3: a->o.sc_container = optarg; break;
        case 4: a->o.sc_csp = optarg; break;
        case 5:
            if (!read_file(optarg, &a->rg_buffer, &a->rg_len))
                return false;
            break;
        case 6: a->o.rg_package = optarg; break;
        case 7:
            if (!parse_num(optarg, 64, &v))
                return false;
            a->o.rg_n_supplemental = (size_t)v;
            a->o.rg_supplemental_present = true;
            break;
        case 8:
            if (!read_file(optarg, &a->raw, &a->raw_len))
                return false;
            break;
        default:
            return false;
        }
    }
    if (optind != argc || a->port == 0 || a->o.auth_user == NULL)
        return false;
    a->cookie = a->o.auth_user;
    a->o.auth_password = getenv("CSSP_PASSWORD");
    if (a->o.auth_password == NULL) {
        fprintf(stderr, "cssp_connect: CSSP_PASSWORD is not set\n");
        return false;
    }
    /* Password creds default to the NTLM identity. */
    if (a->o.cred == CSSP_CLI_CRED_PASSWORD) {
        if (!deleg_user)
            a->o.user = a->o.auth_user;
        if (!deleg_domain)
            a->o.domain = a->o.auth_domain;
        a->o.password = a->o.auth_password;
    } else if (a->o.cred == CSSP_CLI_CRED_SMARTCARD) {
        a->o.password = getenv("CSSP_PIN");
        if (a->o.password == NULL) {
            fprintf(stderr, "cssp_connect: CSSP_PIN is not set\n");
            return false;
        }
    } else if (a->o.cred == CSSP_CLI_CRED_REMOTE_GUARD && a->rg_buffer == NULL) {
        if (!make_ticket_logon(&a->rg_buffer, &a->rg_len))
            return false;
    } else if (a->o.cred == CSSP_CLI_CRED_RAW && a->raw == NULL) {
        return false;
    }
    a->o.rg_buffer = a->rg_buffer;
    a->o.rg_buffer_len = a->rg_len;
    a->o.raw_auth_info = a->raw;
    a->o.raw_auth_info_len = a->raw_len;
    return true;
}
