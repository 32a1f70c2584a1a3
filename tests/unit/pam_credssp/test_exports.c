/*
 * test_exports.c - pam_credssp.so loads with every symbol resolved
 * (RTLD_NOW) and exports every function of the global list of
 * pam_credssp/pam_credssp.map, the version script the module is linked with
 * (read here at run time from $top_srcdir, so the list is the code's, not
 * kept by hand): dlopen the built module and dlsym each name.  That it
 * exports nothing else, and that the map names exactly the pam_sm_*
 * functions defined, is checked by tests/style/exports.sh (nm -D).  The
 * module's path comes from $top_builddir (set by `make check`).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void *module;

static int
load(void **state)
{
    const char *top = getenv("top_builddir");
    char path[4096];

    (void)state;
    snprintf(path, sizeof(path), "%s/pam_credssp/.libs/pam_credssp.so", top != NULL ? top : ".");
    module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (module == NULL)
        fprintf(stderr, "dlopen: %s\n", dlerror());
    return module != NULL ? 0 : -1;
}

static int
unload(void **state)
{
    (void)state;
    return dlclose(module);
}

/*
 * Reads the names of the map's global section ("global:" up to "local:", one
 * "name;" a line) into names[]; returns how many, or -1 if the file cannot be
 * read or a name does not fit.
 */
static int
map_globals(char names[][64], int max)
{
    const char *top = getenv("top_srcdir");
    char path[4096], line[256];
    int n = 0, in_global = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/pam_credssp/pam_credssp.map", top != NULL ? top : ".");
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        char name[64];

        if (strstr(line, "global:") != NULL) {
            in_global = 1;
            continue;
        }
        if (strstr(line, "local:") != NULL)
            break;
        if (!in_global || sscanf(line, " %63[A-Za-z0-9_];", name) != 1)
            continue;
        if (n == max) {
            n = -1;
            break;
        }
        memcpy(names[n++], name, sizeof(name));
    }
    fclose(f);
    return n;
}

static void
test_map_exported(void **state)
{
    char names[32][64];
    int n = map_globals(names, 32);

    (void)state;
    /* a parser that finds nothing checks nothing; a module exports pam_sm_* only */
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        if (strncmp(names[i], "pam_sm_", 7) != 0)
            fail_msg("%s in pam_credssp.map is not a PAM service function", names[i]);
        if (dlsym(module, names[i]) == NULL)
            fail_msg("%s is in pam_credssp.map but not exported", names[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_exported),
    };

    return cmocka_run_group_tests(tests, load, unload);
}
