# tests/unit/pam.mk: PAM/hand-off tests (owner: pam).

PAM_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/pam_credssp -I$(top_srcdir)/tests/unit/pam
PAM_UNIT_LDADD = $(UNIT_LDADD) $(PAM_LIBS)
PAM_FIXTURE = tests/unit/pam/fixture.c tests/unit/pam/fixture.h

check_PROGRAMS += tests/unit/pam/test_pamconv
TESTS += tests/unit/pam/test_pamconv
tests_unit_pam_test_pamconv_SOURCES = tests/unit/pam/test_pamconv.c $(PAM_FIXTURE)
tests_unit_pam_test_pamconv_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_unit_pam_test_pamconv_LDADD = $(PAM_UNIT_LDADD)

check_PROGRAMS += tests/unit/pam/test_handoff
TESTS += tests/unit/pam/test_handoff
tests_unit_pam_test_handoff_SOURCES = tests/unit/pam/test_handoff.c $(PAM_FIXTURE)
tests_unit_pam_test_handoff_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_unit_pam_test_handoff_LDADD = $(PAM_UNIT_LDADD)

# The module's own files, compiled into the test (identity, options, logging, kerberos).
check_PROGRAMS += tests/unit/pam/test_identity
TESTS += tests/unit/pam/test_identity
tests_unit_pam_test_identity_SOURCES = tests/unit/pam/test_identity.c $(PAM_FIXTURE) \
	pam_credssp/identity.c pam_credssp/options.c pam_credssp/logging.c \
	pam_credssp/kerberos.c
tests_unit_pam_test_identity_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_unit_pam_test_identity_LDADD = $(PAM_UNIT_LDADD) $(GSSAPI_LIBS)

check_PROGRAMS += tests/unit/pam/test_exports
TESTS += tests/unit/pam/test_exports
tests_unit_pam_test_exports_SOURCES = tests/unit/pam/test_exports.c
tests_unit_pam_test_exports_CFLAGS = $(UNIT_CFLAGS)
tests_unit_pam_test_exports_LDADD = $(CMOCKA_LIBS) -ldl

# Integration: pam_credssp.so and credssp_pam_login in real stacks (pam_wrapper,
# nss_wrapper, pam_krb5, pam_matrix, throwaway KDC); see pam_credssp.sh.
check_PROGRAMS += tests/integration/pam_stack
tests_integration_pam_stack_SOURCES = tests/integration/pam_stack.c $(PAM_FIXTURE)
tests_integration_pam_stack_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_pam_stack_LDADD = $(PAM_UNIT_LDADD) $(GSSAPI_LIBS)
check_LTLIBRARIES += tests/integration/pam_ask.la
tests_integration_pam_ask_la_SOURCES = tests/integration/pam_ask.c
tests_integration_pam_ask_la_LIBADD = $(PAM_LIBS)
tests_integration_pam_ask_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
dist_check_SCRIPTS += tests/integration/pam_credssp.sh
TESTS += tests/integration/pam_credssp.sh

check_PROGRAMS += tests/unit/pam/test_wipe
TESTS += tests/unit/pam/test_wipe
tests_unit_pam_test_wipe_SOURCES = tests/unit/pam/test_wipe.c \
	tests/unit/heapscan.c tests/unit/heapscan.h
tests_unit_pam_test_wipe_CFLAGS = $(PAM_UNIT_CFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_pam_test_wipe_LDADD = $(PAM_UNIT_LDADD)
