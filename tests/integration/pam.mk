# tests/integration/pam.mk: pam_credssp.so and credssp_pam_login in real
# stacks (pam_wrapper, nss_wrapper, pam_krb5, pam_matrix, throwaway KDC); see
# pam_credssp.sh.  pam_stack drives the stacks; pam_ask is a module that
# asks the conversation questions of our choice.
check_PROGRAMS += tests/integration/pam_stack
tests_integration_pam_stack_SOURCES = tests/integration/pam_stack.c $(RESULT_FIXTURE)
tests_integration_pam_stack_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_pam_stack_LDADD = $(PAM_UNIT_LDADD) $(GSSAPI_LIBS)
check_LTLIBRARIES += tests/integration/pam_ask.la
tests_integration_pam_ask_la_SOURCES = tests/integration/pam_ask.c
tests_integration_pam_ask_la_LIBADD = $(PAM_LIBS)
tests_integration_pam_ask_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
dist_check_SCRIPTS += tests/integration/pam_credssp.sh
TESTS += tests/integration/pam_credssp.sh
