/*
 * conffile.c - `--config FILE`: a `key = value` file turned into long options.
 *
 * Format (man/credssp.conf.5.scd): one setting per line, `key = value`,
 * where key is a long option of the program without its dashes; blank lines
 * and lines starting with `#` are ignored; options without an argument take
 * yes/no.  The settings become `--key=value` arguments placed before the
 * command line, so the program's own parser validates them and the command
 * line overrides them (a repeatable option such as --domain accumulates).
 * The file must be a regular file no larger than CONFFILE_MAX_BYTES, owned
 * by root or the caller and writable by nobody else.  Every error names the
 * file and, for a setting, its line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conffile.h"

#define CONFFILE_MAX_BYTES 65536u
#define CONFFILE_MAX_LINE 1024u

/* One setting read from the file. */
struct conf_entry {
    char *arg;     /* "--key=value" or "--key" */
    unsigned line; /* 1-based line in the file */
};

/* What the file produced; kept until exit (the options point into it). */
struct conf_state {
    struct conf_entry *entries;
    size_t n_entries;
    char **argv;
};

static struct conf_state conf_kept;
static char end_of_options[] = "--";

/* Find --config in argv (before any "--"): index of its first element and
 * the number of elements it takes; 0 found, 1 absent, -1 error. */
static int
find_config(const char *prog, int argc, char **argv, const char **path, int *at, int *span)
{
    int found = 0;

    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *a = argv[i];
        int n;

        if (strncmp(a, "--config=", 9) == 0) {
            *path = a + 9;
            n = 1;
        } else if (strcmp(a, "--config") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: --config needs a file\n", prog);
                return -1;
            }
            *path = argv[i + 1];
            n = 2;
        } else {
            continue;
        }
        if (found++ != 0) {
            fprintf(stderr, "%s: --config given twice\n", prog);
            return -1;
        }
        *at = i;
        *span = n;
        i += n - 1;
    }
    if (found != 0 && (*path)[0] == '\0') {
        fprintf(stderr, "%s: --config needs a file\n", prog);
        return -1;
    }
    return found != 0 ? 0 : 1;
}

/* Read the whole file into a NUL-terminated buffer after checking it. */
static int
read_file(const char *prog, const char *path, char **out)
{
    struct stat st;
    char *text = NULL;
    size_t have = 0;
    ssize_t n;
    int fd, ret = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "%s: %s: not a regular file\n", prog, path);
        goto cleanup;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || (st.st_uid != 0 && st.st_uid != geteuid())) {
        fprintf(stderr, "%s: %s: unsafe: writable by group or others, or owned by another "
                "user (chmod go-w, chown root)\n", prog, path);
        goto cleanup;
    }
    if ((size_t)st.st_size > CONFFILE_MAX_BYTES) {
        fprintf(stderr, "%s: %s: larger than %u bytes\n", prog, path, CONFFILE_MAX_BYTES);
        goto cleanup;
    }
    text = malloc(CONFFILE_MAX_BYTES + 1);
    if (text == NULL)
        goto cleanup;
    while ((n = read(fd, text + have, CONFFILE_MAX_BYTES - have)) > 0)
        have += (size_t)n;
    if (n < 0 || have == CONFFILE_MAX_BYTES) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, n < 0 ? strerror(errno) : "too large");
        goto cleanup;
    }
    text[have] = '\0';
    if (memchr(text, '\0', have) != NULL) {
        fprintf(stderr, "%s: %s: contains a NUL byte\n", prog, path);
        goto cleanup;
    }
    *out = text;
    text = NULL;
    ret = 0;
cleanup:
    free(text);
    (void)close(fd);
    return ret;
}

/* Trim blanks at both ends, in place. */
static char *
trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* The long option named key, or NULL (help and config are not settings). */
static const struct option *
find_option(const struct option *long_opts, const char *key)
{
    if (strcmp(key, "help") == 0 || strcmp(key, "config") == 0)
        return NULL;
    for (const struct option *o = long_opts; o->name != NULL; o++) {
        if (strcmp(o->name, key) == 0)
            return o;
    }
    return NULL;
}

/* yes/no of an option without argument: 1 yes, 0 no, -1 neither. */
static int
parse_bool(const char *v)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(v, yes[i]) == 0)
            return 1;
        if (strcmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* One line: 0 (entry set or line ignored: e->arg NULL), -1 error. */
static int
parse_line(const char *prog, const char *path, unsigned lineno, char *line,
           const struct option *long_opts, struct conf_entry *e)
{
    const struct option *o;
    char *eq, *key, *val;
    size_t need;
    int b;

    e->arg = NULL;
    e->line = lineno;
    key = trim(line);
    if (*key == '\0' || *key == '#')
        return 0;
    eq = strchr(key, '=');
    if (eq == NULL) {
        fprintf(stderr, "%s: %s:%u: expected 'key = value'\n", prog, path, lineno);
        return -1;
    }
    *eq = '\0';
    key = trim(key);
    val = trim(eq + 1);
    o = find_option(long_opts, key);
    if (o == NULL) {
        fprintf(stderr, "%s: %s:%u: unknown key '%s' (keys are the long options of --help)\n",
                prog, path, lineno, key);
        return -1;
    }
    if (o->has_arg == no_argument) {
        b = parse_bool(val);
        if (b < 0) {
            fprintf(stderr, "%s: %s:%u: '%s' takes yes or no, not '%s'\n", prog, path, lineno,
                    key, val);
            return -1;
        }
        if (b == 0)
            return 0;
        val = NULL;
    } else if (*val == '\0') {
        fprintf(stderr, "%s: %s:%u: '%s' needs a value\n", prog, path, lineno, key);
        return -1;
    }
    need = strlen(key) + (val != NULL ? strlen(val) + 1 : 0) + 3;
    e->arg = malloc(need);
    if (e->arg == NULL)
        return -1;
    (void)snprintf(e->arg, need, "--%s%s%s", key, val != NULL ? "=" : "", val != NULL ? val : "");
    return 0;
}

/* Split text into lines and parse each into st->entries. */
static int
parse_text(const char *prog, const char *path, char *text, const struct option *long_opts,
           struct conf_state *st)
{
    unsigned lineno = 0;
    char *line = text, *nl;
    size_t cap = 0;

    for (; line != NULL && *line != '\0'; line = nl) {
        struct conf_entry e;

        nl = strchr(line, '\n');
        if (nl != NULL)
            *nl++ = '\0';
        lineno++;
        if (strlen(line) > CONFFILE_MAX_LINE) {
            fprintf(stderr, "%s: %s:%u: line longer than %u bytes\n", prog, path, lineno,
                    CONFFILE_MAX_LINE);
            return -1;
        }
        if (parse_line(prog, path, lineno, line, long_opts, &e) != 0)
            return -1;
        if (e.arg == NULL)
            continue;
        if (st->n_entries == cap) {
            size_t ncap = cap == 0 ? 16 : cap * 2;
            struct conf_entry *p = realloc(st->entries, ncap * sizeof(*p));

            if (p == NULL) {
                free(e.arg);
                return -1;
            }
            st->entries = p;
            cap = ncap;
        }
        st->entries[st->n_entries++] = e;
    }
    return 0;
}

/* argv[0], the file's options, the command line without --config, "--". */
static int
build_argv(struct conf_state *st, int argc, char **argv, int at, int span, int *out_argc)
{
    size_t n = 0, total = (size_t)argc - (size_t)span + st->n_entries + 2;

    st->argv = calloc(total, sizeof(char *));
    if (st->argv == NULL)
        return -1;
    st->argv[n++] = argv[0];
    for (size_t i = 0; i < st->n_entries; i++)
        st->argv[n++] = st->entries[i].arg;
    for (int i = 1; i < argc; i++) {
        if (i < at || i >= at + span)
            st->argv[n++] = argv[i];
    }
    /* A final "--" makes a parse that stops early distinguishable from one
     * that ran through every option (then optind == argc). */
    st->argv[n++] = end_of_options;
    st->argv[n] = NULL;
    *out_argc = (int)n;
    return 0;
}

/* Free what the file produced (atexit: the options point into it until then). */
static void
conf_release(void)
{
    for (size_t i = 0; i < conf_kept.n_entries; i++)
        free(conf_kept.entries[i].arg);
    free(conf_kept.entries);
    free(conf_kept.argv);
    memset(&conf_kept, 0, sizeof(conf_kept));
}

int
conffile_apply(const char *prog, const struct option *long_opts, conffile_check_fn check,
               int *argc, char ***argv)
{
    struct conf_state st = { 0 };
    const char *path = NULL;
    char *text = NULL;
    int at = 0, span = 0, new_argc = 0, rc, ret = -1;

    rc = find_config(prog, *argc, *argv, &path, &at, &span);
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    if (read_file(prog, path, &text) != 0 ||
        parse_text(prog, path, text, long_opts, &st) != 0 ||
        build_argv(&st, *argc, *argv, at, span, &new_argc) != 0)
        goto cleanup;
    optind = 0;
    rc = check(new_argc, st.argv);
    if (rc < 0) {
        int bad = optind - 1; /* the element the parse stopped at */

        if (optind < new_argc && bad >= 1 && (size_t)bad <= st.n_entries)
            fprintf(stderr, "%s: %s:%u: invalid setting (%s)\n", prog, path,
                    st.entries[bad - 1].line, st.entries[bad - 1].arg);
        else
            fprintf(stderr, "%s: with the settings of %s\n", prog, path);
        goto cleanup;
    }
    if (atexit(conf_release) != 0)
        goto cleanup;
    optind = 0;
    conf_kept = st;
    *argc = new_argc;
    *argv = st.argv;
    ret = 0;
cleanup:
    free(text);
    if (ret != 0) {
        for (size_t i = 0; i < st.n_entries; i++)
            free(st.entries[i].arg);
        free(st.entries);
        free(st.argv);
    }
    return ret;
}
