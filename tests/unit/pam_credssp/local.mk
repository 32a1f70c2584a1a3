# tests/unit/pam_credssp/local.mk: unit tests of pam_credssp/ (cmocka).
PAM_MODULE_UNIT_TESTS = %reldir%/test_identity %reldir%/test_exports
check_PROGRAMS += $(PAM_MODULE_UNIT_TESTS)
TESTS += $(PAM_MODULE_UNIT_TESTS)

# The module's own files, compiled into the test (identity, options, logging, kerberos).
%canon_reldir%_test_identity_SOURCES = %reldir%/test_identity.c $(RESULT_FIXTURE) \
	pam_credssp/identity.c pam_credssp/options.c pam_credssp/logging.c \
	pam_credssp/kerberos.c
%canon_reldir%_test_identity_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_identity_LDADD = $(PAM_UNIT_LDADD) $(GSSAPI_LIBS)

# The built pam_credssp.so loads with every symbol resolved and exports the
# functions of pam_credssp.map (read at run time from $top_srcdir).
%canon_reldir%_test_exports_SOURCES = %reldir%/test_exports.c
%canon_reldir%_test_exports_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_exports_LDADD = $(CMOCKA_LIBS) -ldl
