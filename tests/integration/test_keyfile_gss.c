/*
 * test_keyfile_gss.c - proof that gss-ntlmssp (the real mechanism, through
 * the MIT mechglue) accepts the key files we write (docs/GSSAPI.md §2.1,
 * §2.2, §2.4): an acceptor credential with "ntlmssp_keyfile" = our file or our
 * memfd, an in-process NTLM initiator with "ntlmssp_password", and the
 * init/accept loop run to completion.  It also pins the domain case rule:
 * gss-ntlmssp computes NTOWFv2 with the domain stored in the entry, so a
 * client domain of another case fails although the lookup matches.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>

#include "internal.h"
#include "keyfile.h"

/*
 * Sanitizer builds: gss-ntlmssp 1.2.0 leaks an MD4 EVP_MD_fetch (240 bytes)
 * each time an initiator credential is acquired with "ntlmssp_password"
 * (see tests/integration/lsan-client.supp).  Only frames inside gssntlmssp.so
 * are suppressed, which needs full malloc stacks (libcrypto has no frame
 * pointers).  Both hooks are defaults: ASAN_OPTIONS / LSAN_OPTIONS override.
 */
__attribute__((visibility("default"))) const char *__asan_default_options(void);
__attribute__((visibility("default"))) const char *__lsan_default_suppressions(void);

/* ASan default options (see above). */
const char *
__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

/* LSan default suppressions (see above). */
const char *
__lsan_default_suppressions(void)
{
    return "leak:gssntlmssp.so\n";
}

static char ntlm_oid_bytes[] = GSS_NTLMSSP_OID_STRING;
static gss_OID_desc ntlm_oid = {GSS_NTLMSSP_OID_LENGTH, ntlm_oid_bytes};
static gss_OID_set_desc ntlm_mechs = {1, &ntlm_oid};

static char tmpdir[PATH_MAX];
static char keyfile[PATH_MAX + 32];

/* Outcome of one NTLM exchange. */
struct outcome {
    OM_uint32 major; /* GSS_S_COMPLETE on success */
    char name[256];  /* the acceptor's view of the client, on success */
};

/* Import a name of the given type. */
static gss_name_t
import_name(const char *s, gss_OID type)
{
    char buf[256];
    gss_buffer_desc b;
    gss_name_t name = GSS_C_NO_NAME;
    OM_uint32 major, minor;

    snprintf(buf, sizeof(buf), "%s", s);
    b.value = buf;
    b.length = strlen(buf);
    major = gss_import_name(&minor, &b, type, &name);
    assert_int_equal(major, GSS_S_COMPLETE);
    return name;
}

/*
 * The client's target, "TERMSRV@<hostname>".  A host-less acceptor name
 * ("TERMSRV") makes gss-ntlmssp put MsvAvTargetName "TERMSRV/<gethostname()>"
 * into its CHALLENGE, and a gss-ntlmssp initiator fails (EINVAL) when that
 * differs from its own target; Windows and FreeRDP clients do not check it.
 */
static gss_name_t
target_name(void)
{
    char host[200], svc[256];

    assert_int_equal(gethostname(host, sizeof(host)), 0);
    host[sizeof(host) - 1] = '\0';
    snprintf(svc, sizeof(svc), "TERMSRV@%s", host);
    return import_name(svc, GSS_C_NT_HOSTBASED_SERVICE);
}

/* Acceptor credential: host-based "TERMSRV", NTLM only, store {ntlmssp_keyfile: path}. */
static OM_uint32
acceptor_cred(const char *path, gss_cred_id_t *cred_out)
{
    gss_key_value_element_desc el = {GSS_NTLMSSP_CS_KEYFILE, path};
    gss_key_value_set_desc store = {1, &el};
    gss_name_t name = import_name("TERMSRV", GSS_C_NT_HOSTBASED_SERVICE);
    OM_uint32 major, minor;

    major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &ntlm_mechs, GSS_C_ACCEPT, &store,
                                  cred_out, NULL, NULL);
    gss_release_name(&minor, &name);
    return major;
}

/* Initiator credential for "DOMAIN\user" (or "user") with a password in the store. */
static OM_uint32
initiator_cred(const char *user, const char *password, gss_cred_id_t *cred_out)
{
    gss_key_value_element_desc el = {GSS_NTLMSSP_CS_PASSWORD, password};
    gss_key_value_set_desc store = {1, &el};
    gss_name_t name = import_name(user, GSS_C_NT_USER_NAME);
    OM_uint32 major, minor;

    major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &ntlm_mechs, GSS_C_INITIATE,
                                  &store, cred_out, NULL, NULL);
    gss_release_name(&minor, &name);
    return major;
}

/* Run NTLM init/accept to completion (or failure) between the two credentials. */
static struct outcome
exchange(const char *acceptor_keyfile, const char *client, const char *password)
{
    struct outcome res = {GSS_S_FAILURE, ""};
    gss_cred_id_t acred = GSS_C_NO_CREDENTIAL, icred = GSS_C_NO_CREDENTIAL;
    gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
    gss_buffer_desc itok = GSS_C_EMPTY_BUFFER, atok = GSS_C_EMPTY_BUFFER;
    gss_name_t target = target_name();
    gss_name_t src = GSS_C_NO_NAME;
    OM_uint32 imaj = GSS_S_CONTINUE_NEEDED, amaj = GSS_S_CONTINUE_NEEDED, minor;

    assert_int_equal(acceptor_cred(acceptor_keyfile, &acred), GSS_S_COMPLETE);
    assert_int_equal(initiator_cred(client, password, &icred), GSS_S_COMPLETE);
    for (int round = 0; round < 4; round++) {
        if (imaj == GSS_S_CONTINUE_NEEDED) {
            imaj = gss_init_sec_context(&minor, icred, &ictx, target, &ntlm_oid,
                                        GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG, 0,
                                        GSS_C_NO_CHANNEL_BINDINGS, &atok, NULL, &itok, NULL, NULL);
            gss_release_buffer(&minor, &atok);
            if (GSS_ERROR(imaj)) {
                res.major = imaj;
                break;
            }
        }
        if (itok.length == 0)
            break;
        amaj = gss_accept_sec_context(&minor, &actx, acred, &itok, GSS_C_NO_CHANNEL_BINDINGS, &src,
                                      NULL, &atok, NULL, NULL, NULL);
        gss_release_buffer(&minor, &itok);
        if (GSS_ERROR(amaj)) {
            res.major = amaj;
            break;
        }
        if (amaj == GSS_S_COMPLETE && imaj == GSS_S_COMPLETE) {
            gss_buffer_desc disp = GSS_C_EMPTY_BUFFER;

            res.major = GSS_S_COMPLETE;
            if (gss_display_name(&minor, src, &disp, NULL) == GSS_S_COMPLETE) {
                /* gss-ntlmssp counts the trailing NUL in length (docs/GSSAPI.md §5) */
                snprintf(res.name, sizeof(res.name), "%.*s", (int)disp.length,
                         (const char *)disp.value);
                gss_release_buffer(&minor, &disp);
            }
            break;
        }
    }
    gss_release_buffer(&minor, &itok);
    gss_release_buffer(&minor, &atok);
    gss_release_name(&minor, &src);
    gss_release_name(&minor, &target);
    gss_delete_sec_context(&minor, &ictx, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&minor, &actx, GSS_C_NO_BUFFER);
    gss_release_cred(&minor, &icred);
    gss_release_cred(&minor, &acred);
    return res;
}

/* Hash password and store it for [domain\]user in the key file. */
static void
set_entry(const char *user, const char *domain, const char *password)
{
    credssp_secret *h = NULL;

    assert_int_equal(credssp_nt_hash(password, strlen(password), &h), CREDSSP_OK);
    assert_int_equal(credssp_keyfile_set(keyfile, user, domain, h), CREDSSP_OK);
    credssp_secret_free(h);
}

/* The right password authenticates through the file credssp_keyfile_set wrote. */
static void
test_right_password(void **state)
{
    struct outcome r;

    (void)state;
    r = exchange(keyfile, "TESTDOM\\bob", "Passw0rd!");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "TESTDOM\\bob");
    /* user names are case-insensitive (NTOWFv2 upper-cases the user) */
    r = exchange(keyfile, "TESTDOM\\BOB", "Passw0rd!");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    /* entry without a domain, client without a domain */
    r = exchange(keyfile, "alice", "alicepw");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "alice");
}

/* A wrong password fails. */
static void
test_wrong_password(void **state)
{
    (void)state;
    assert_int_not_equal(exchange(keyfile, "TESTDOM\\bob", "passw0rd!").major, GSS_S_COMPLETE);
    assert_int_not_equal(exchange(keyfile, "alice", "").major, GSS_S_COMPLETE);
}

/* A user or domain without an entry fails (no winbind fallback). */
static void
test_unknown_user(void **state)
{
    (void)state;
    assert_int_not_equal(exchange(keyfile, "TESTDOM\\carol", "Passw0rd!").major, GSS_S_COMPLETE);
    assert_int_not_equal(exchange(keyfile, "OTHER\\bob", "Passw0rd!").major, GSS_S_COMPLETE);
}

/* The domain rule of docs/GSSAPI.md §2.2, as docs/NTLM-KEYS.md states it. */
static void
test_domain_case_rule(void **state)
{
    struct outcome r;

    (void)state;
    /* lookup matches "testdom", but NTOWFv2 uses the entry's "TESTDOM": fails */
    assert_int_not_equal(exchange(keyfile, "testdom\\bob", "Passw0rd!").major, GSS_S_COMPLETE);
    /* an empty client domain works against an entry with a domain */
    r = exchange(keyfile, "bob", "Passw0rd!");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "bob");
    /*
     * An entry without a domain keeps the client's domain in the credential
     * (gss_creds.c copies the client name first and the file overrides the
     * domain only when the entry has one), so NTOWFv2 uses what the client
     * sent: every client domain, in any case, authenticates.  This differs
     * from NTLM_USER_FILE, where such an entry needs an empty client domain
     * (docs/GSSAPI.md §2.2).  The domain in the result is then the client's choice.
     */
    r = exchange(keyfile, "SOMEDOM\\alice", "alicepw");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "SOMEDOM\\alice");
    assert_int_equal(exchange(keyfile, "somedom\\ALICE", "alicepw").major, GSS_S_COMPLETE);
    assert_int_not_equal(exchange(keyfile, "SOMEDOM\\alice", "wrong").major, GSS_S_COMPLETE);
}

/* Replacing an entry takes effect at once: gss-ntlmssp reopens the file per AUTHENTICATE. */
static void
test_replace_is_live(void **state)
{
    (void)state;
    set_entry("dave", "TESTDOM", "first-pw");
    assert_int_equal(exchange(keyfile, "TESTDOM\\dave", "first-pw").major, GSS_S_COMPLETE);
    set_entry("dave", "TESTDOM", "second-pw");
    assert_int_not_equal(exchange(keyfile, "TESTDOM\\dave", "first-pw").major, GSS_S_COMPLETE);
    assert_int_equal(exchange(keyfile, "TESTDOM\\dave", "second-pw").major, GSS_S_COMPLETE);
    assert_int_equal(credssp_keyfile_remove(keyfile, "dave", "testdom"), CREDSSP_OK);
    assert_int_not_equal(exchange(keyfile, "TESTDOM\\dave", "second-pw").major, GSS_S_COMPLETE);
}

/*
 * Issue 10 #3: gss-ntlmssp matches the user name ignoring case and reports
 * the name as the client typed it, so a file holding only "Dave" lets a
 * client log in as "dave" with Dave's password.  That is why
 * credssp_keyfile_set refuses names that differ only in case, and why
 * pam_credssp compares the authenticated name with the key-file entry.
 */
static void
test_user_case_is_folded(void **state)
{
    credssp_secret *h = NULL;
    struct outcome r;

    (void)state;
    set_entry("Frank", NULL, "franks-pw");
    r = exchange(keyfile, "frank", "franks-pw");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "frank");
    assert_int_equal(credssp_nt_hash("other-pw", 8, &h), CREDSSP_OK);
    assert_int_equal(credssp_keyfile_set(keyfile, "frank", NULL, h), CREDSSP_E_NAME_COLLISION);
    credssp_secret_free(h);
    assert_int_equal(credssp_keyfile_remove(keyfile, "Frank", NULL), CREDSSP_OK);
}

/* The memfd path works as an acceptor key file. */
static void
test_memfd_keyfile(void **state)
{
    credssp_secret *h = NULL;
    char path[CSSP_KEYFILE_PATH_LEN];
    struct outcome r;
    int fd = -1;

    (void)state;
    assert_int_equal(credssp_nt_hash("Mem0ry!", 7, &h), CREDSSP_OK);
    /* written with the domain exactly as the client sends it */
    assert_int_equal(cssp_keyfile_memfd("erin", "corp", h, &fd, path), CREDSSP_OK);
    r = exchange(path, "corp\\erin", "Mem0ry!");
    assert_int_equal(r.major, GSS_S_COMPLETE);
    assert_string_equal(r.name, "corp\\erin");
    assert_int_not_equal(exchange(path, "corp\\erin", "wrong").major, GSS_S_COMPLETE);
    /* the one-entry file knows nobody else */
    assert_int_not_equal(exchange(path, "TESTDOM\\bob", "Passw0rd!").major, GSS_S_COMPLETE);
    close(fd);
    credssp_secret_free(h);
}

/* A key file with TESTDOM\bob and alice; gss-ntlmssp must be installed. */
static int
group_setup(void **state)
{
    const char *base = getenv("TMPDIR");
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    OM_uint32 minor;

    (void)state;
    /* no process-wide user file may take part */
    unsetenv("NTLM_USER_FILE");
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_keyfile_gss.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(keyfile, sizeof(keyfile), "%s/ntlm.keys", tmpdir);
    set_entry("bob", "TESTDOM", "Passw0rd!");
    set_entry("alice", NULL, "alicepw");
    /* gss-ntlmssp must be installed (/etc/gss/mech.d) */
    if (acceptor_cred(keyfile, &cred) != GSS_S_COMPLETE) {
        fprintf(stderr, "gss-ntlmssp not available\n");
        return -1;
    }
    gss_release_cred(&minor, &cred);
    return 0;
}

/* Remove the temporary directory. */
static int
group_teardown(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char p[PATH_MAX + 300];

    (void)state;
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
        unlink(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(tmpdir);
    return 0;
}

/* Run the gss-ntlmssp interop tests. */
int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_right_password),  cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_unknown_user),    cmocka_unit_test(test_domain_case_rule),
        cmocka_unit_test(test_replace_is_live),
        cmocka_unit_test(test_user_case_is_folded), cmocka_unit_test(test_memfd_keyfile),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
