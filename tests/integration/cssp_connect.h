/*
 * cssp_connect.h - the command line of cssp_connect (cssp_connect_args.c):
 * what the run asked for, parsed from argv and the environment (the
 * options and exit codes are described in cssp_connect.c).
 */
#ifndef CSSP_CONNECT_H
#define CSSP_CONNECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cssp_client.h"

/* What the command line asked for. */
struct args {
    const char *host;
    unsigned port;
    uint32_t protocols;
    uint8_t neg_flags;
    bool force;
    unsigned timeout_ms;
    const char *cookie;
    uint8_t *rg_buffer;      /* --rg-file, or a generated KERB_TICKET_LOGON */
    size_t rg_len;
    uint8_t *raw;            /* --raw-file */
    size_t raw_len;
    struct cssp_cli_opts o;
};

/* Usage text (stderr). */
void usage(void);
/* Parse argv; false on a usage error (the caller frees rg_buffer and raw). */
bool parse_args(int argc, char **argv, struct args *a);

#endif
