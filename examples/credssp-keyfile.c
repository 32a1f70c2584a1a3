/*
 * credssp-keyfile.c - administer the smbpasswd-format NTLM key file that the
 * CredSSP acceptor hands to gss-ntlmssp (docs/NTLM-KEYS.md).
 *
 *   credssp-keyfile [-f FILE] add USER [DOMAIN]
 *   credssp-keyfile [-f FILE] remove USER [DOMAIN]
 *
 * "add" reads the password from the terminal with echo off (twice; they must
 * match) or, when standard input is not a terminal, one line from it.  The
 * password is read with read(2) into a stack buffer (no stdio copies), hashed
 * (MS-NLMP NTOWFv1) and wiped; only the NT hash is stored, never printed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "credssp.h"
#include "credssp_keyfile.h"

#define DEFAULT_DIR "/etc/credssp"
#define DEFAULT_FILE DEFAULT_DIR "/ntlm.keys"
/* 512 UTF-16 units is the library's cap; 4 UTF-8 bytes each at most. */
#define PW_MAX 2048

enum exit_code {
    EXIT_OK = 0,
    EXIT_FAILED = 1,  /* the key file could not be read or written */
    EXIT_USAGE = 2,   /* bad command line, or a user / domain name refused */
    EXIT_PASSWORD = 3 /* no password, passwords differ, or not valid UTF-8 */
};

static struct termios saved_tty;
static volatile sig_atomic_t tty_saved;

/* Print the usage text (with the exit codes) to f. */
static void
usage(FILE *f)
{
    fprintf(f, "usage: credssp-keyfile [-f FILE] add USER [DOMAIN]\n"
               "       credssp-keyfile [-f FILE] remove USER [DOMAIN]\n"
               "\n"
               "Adds, replaces or removes the NT hash entry [DOMAIN\\]USER in the NTLM key\n"
               "file used by the CredSSP acceptor (gss-ntlmssp smbpasswd format).\n"
               "add reads the password from the terminal (echo off, asked twice) or,\n"
               "when standard input is not a terminal, one line from standard input.\n"
               "\n"
               "  -f FILE   key file (default " DEFAULT_FILE ")\n"
               "  -h        this help\n"
               "\n"
               "The file is written atomically, mode 0600.  An NT hash is as good as the\n"
               "password: keep the file root-owned.  With a DOMAIN, clients must type the\n"
               "domain in exactly this case, or leave it empty; see docs/NTLM-KEYS.md.\n"
               "\n"
               "Exit status:\n"
               "  0  success (remove: also when there was no such entry)\n"
               "  1  the key file could not be read, locked or written\n"
               "  2  usage error, or a user / domain name that cannot be stored\n"
               "     (empty user, ':', '\\', control characters, leading '#', invalid UTF-8)\n"
               "  3  no password, the two passwords differ, or the password is not UTF-8\n");
}

/* Put the terminal back as it was (also from a signal handler). */
static void
restore_tty(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
        tty_saved = 0;
    }
}

/* SIGINT / SIGTERM / SIGHUP while echo is off: restore the terminal and leave. */
static void
on_signal(int sig)
{
    restore_tty();
    signal(sig, SIG_DFL);
    raise(sig);
}

/*
 * One line from fd into buf (NUL-terminated, without "\n" or "\r\n").
 * Returns the length, or -1 on EOF before any byte, error, or a line too long.
 */
static ssize_t
read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    bool any = false;

    for (;;) {
        char c;
        ssize_t k = read(fd, &c, 1);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0) {
            if (!any)
                return -1;
            break;
        }
        any = true;
        if (c == '\n')
            break;
        if (n + 1 >= cap) {
            OPENSSL_cleanse(buf, cap);
            return -1;
        }
        buf[n++] = c;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return (ssize_t)n;
}

/* Prompt on stderr and read one line from the terminal with echo off. */
static ssize_t
read_hidden(const char *prompt, char *buf, size_t cap)
{
    struct termios quiet;
    ssize_t n;

    fputs(prompt, stderr);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return -1;
    quiet = saved_tty;
    quiet.c_lflag &= (tcflag_t)~ECHO;
    quiet.c_lflag |= ECHONL;
    tty_saved = 1;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
        tty_saved = 0;
        return -1;
    }
    n = read_line(STDIN_FILENO, buf, cap);
    restore_tty();
    return n;
}

/* Read the password (terminal: twice, must match; else one line) and hash it. */
static int
password_hash(credssp_secret **hash_out)
{
    char pw[PW_MAX], again[PW_MAX];
    ssize_t n, m;
    int ret = EXIT_PASSWORD;
    credssp_error err;

    if (isatty(STDIN_FILENO)) {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        n = read_hidden("New password: ", pw, sizeof(pw));
        m = n >= 0 ? read_hidden("Retype new password: ", again, sizeof(again)) : -1;
        if (n < 0 || m < 0) {
            fprintf(stderr, "credssp-keyfile: no password read\n");
            goto cleanup;
        }
        if (n != m || CRYPTO_memcmp(pw, again, (size_t)n) != 0) {
            fprintf(stderr, "credssp-keyfile: the passwords do not match\n");
            goto cleanup;
        }
    } else {
        n = read_line(STDIN_FILENO, pw, sizeof(pw));
        if (n < 0) {
            fprintf(stderr,
                    "credssp-keyfile: no password on standard input (or longer "
                    "than %d bytes)\n",
                    PW_MAX - 1);
            goto cleanup;
        }
    }
    if (n == 0) {
        fprintf(stderr, "credssp-keyfile: empty password refused\n");
        goto cleanup;
    }
    err = credssp_nt_hash(pw, (size_t)n, hash_out);
    if (err != CREDSSP_OK) {
        fprintf(stderr, "credssp-keyfile: password refused: %s\n", credssp_strerror(err));
        goto cleanup;
    }
    ret = EXIT_OK;

cleanup:
    OPENSSL_cleanse(pw, sizeof(pw));
    OPENSSL_cleanse(again, sizeof(again));
    return ret;
}

/* The exit code for a library error of set/remove. */
static int
exit_for(credssp_error err)
{
    return err == CREDSSP_E_INVALID_ARG || err == CREDSSP_E_NAME_COLLISION ? EXIT_USAGE
                                                                            : EXIT_FAILED;
}

/* add USER [DOMAIN] */
static int
cmd_add(const char *file, const char *user, const char *domain)
{
    credssp_secret *hash = NULL;
    credssp_error err;
    int ret;

    ret = password_hash(&hash);
    if (ret != EXIT_OK)
        goto cleanup;
    err = credssp_keyfile_set(file, user, domain, hash);
    if (err != CREDSSP_OK) {
        fprintf(stderr, "credssp-keyfile: cannot add %s%s%s to %s: %s\n",
                domain != NULL ? domain : "", domain != NULL ? "\\" : "", user, file,
                credssp_strerror(err));
        if (err == CREDSSP_E_NAME_COLLISION)
            fprintf(stderr, "credssp-keyfile: NTLM matches user names ignoring case, so "
                            "\"%s\" would log in with the other entry's password (or it with "
                            "this one); account names differing only in case cannot both have "
                            "NTLM keys\n",
                    user);
        ret = exit_for(err);
        goto cleanup;
    }
    printf("credssp-keyfile: stored %s%s%s in %s\n", domain != NULL ? domain : "",
           domain != NULL ? "\\" : "", user, file);
    if (domain != NULL)
        printf("note: clients must send the domain exactly as \"%s\" (case-sensitive) "
               "or no domain\n",
               domain);
    ret = EXIT_OK;

cleanup:
    credssp_secret_free(hash);
    return ret;
}

/* remove USER [DOMAIN] */
static int
cmd_remove(const char *file, const char *user, const char *domain)
{
    credssp_error err = credssp_keyfile_remove(file, user, domain);

    if (err != CREDSSP_OK) {
        fprintf(stderr, "credssp-keyfile: cannot remove %s%s%s from %s: %s\n",
                domain != NULL ? domain : "", domain != NULL ? "\\" : "", user, file,
                credssp_strerror(err));
        return exit_for(err);
    }
    printf("credssp-keyfile: no entry for %s%s%s is left in %s\n", domain != NULL ? domain : "",
           domain != NULL ? "\\" : "", user, file);
    return EXIT_OK;
}

/* Parse the command line and run add or remove. */
int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"file", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *file = DEFAULT_FILE, *cmd, *user, *domain;
    int c;

    while ((c = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            file = optarg;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind < 2 || argc - optind > 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cmd = argv[optind];
    user = argv[optind + 1];
    domain = argc - optind == 3 && argv[optind + 2][0] != '\0' ? argv[optind + 2] : NULL;
    /* Refuse unstorable names before asking for a password. */
    if (credssp_keyfile_check_name(user, 0) != CREDSSP_OK ||
        (domain != NULL && credssp_keyfile_check_name(domain, 1) != CREDSSP_OK)) {
        fprintf(stderr, "credssp-keyfile: this user or domain name cannot be stored "
                        "(see --help)\n");
        return EXIT_USAGE;
    }
    /* The default location may not exist yet on a fresh system. */
    if (strcmp(cmd, "add") == 0 && strcmp(file, DEFAULT_FILE) == 0 &&
        mkdir(DEFAULT_DIR, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "credssp-keyfile: cannot create %s: %s\n", DEFAULT_DIR, strerror(errno));
        return EXIT_FAILED;
    }
    if (strcmp(cmd, "add") == 0)
        return cmd_add(file, user, domain);
    if (strcmp(cmd, "remove") == 0)
        return cmd_remove(file, user, domain);
    usage(stderr);
    return EXIT_USAGE;
}
