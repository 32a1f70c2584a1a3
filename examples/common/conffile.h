/*
 * conffile.h - `--config FILE` for credssp-server and credssp-gateway.
 *
 * The file holds `key = value` lines, one key per long option of --help; it
 * is turned into long options placed before the command line, so the
 * command line overrides it (docs: man/credssp.conf.5.scd).
 */
#ifndef CREDSSP_CONFFILE_H
#define CREDSSP_CONFFILE_H

#include <getopt.h>

/* Parses a complete argument vector into a scratch copy of the options:
 * < 0 on a bad option (after printing why), >= 0 otherwise. */
typedef int (*conffile_check_fn)(int argc, char **argv);

/* Finds `--config FILE` (or --config=FILE) in *argv; if present, reads FILE
 * and replaces *argc / *argv with: argv[0], the file's options, the rest of
 * the command line.  check() validates the result; an error in a value that
 * came from the file is reported as FILE:LINE.  Resets optind for the
 * caller's own parse.  0 on success (also without --config), -1 after
 * printing an error.  The new vector lives until exit (freed by atexit). */
int conffile_apply(const char *prog, const struct option *long_opts, conffile_check_fn check,
                   int *argc, char ***argv);

#endif
