/*
 * test_exports.c - pam_credssp.so loads with every symbol resolved
 * (RTLD_NOW) and exports the PAM service module interface: dlopen the built
 * module and dlsym.  That it exports nothing else is checked against the code
 * by tests/style/exports.sh (nm -D vs the pam_sm_* definitions and
 * pam_credssp.map).  The module's path comes from $top_builddir (set by
 * `make check`).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

static void
test_pam_sm_exported(void **state)
{
    static const char *const names[] = { "pam_sm_authenticate", "pam_sm_setcred",
                                          "pam_sm_acct_mgmt", "pam_sm_open_session",
                                          "pam_sm_close_session", "pam_sm_chauthtok" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_non_null(dlsym(module, names[i]));
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pam_sm_exported),
    };

    return cmocka_run_group_tests(tests, load, unload);
}
