# tests/integration/credtypes.mk: the credential types of MS-CSSP 2.2.1.2
# other than a plain password - smart card, Restricted Admin, Remote Guard -
# and NT-hash enrolment (GitHub issue #6; docs/SMARTCARD.md).
#
# cssp_connect: an engine-level RDP client over TCP (X.224 negotiation flags
# of our choice, then TLS + CredSSP through the test client libcsspclient.la).
check_PROGRAMS += tests/integration/cssp_connect
tests_integration_cssp_connect_SOURCES = tests/integration/cssp_connect.c \
	tests/integration/cssp_connect_args.c tests/integration/cssp_connect.h
tests_integration_cssp_connect_CFLAGS = $(UNIT_CFLAGS)
tests_integration_cssp_connect_LDADD = tests/integration/libcsspclient.la $(UNIT_LDADD)

# The PAM side: smart card (SoftHSM2 + pam_p11), Restricted Admin / Remote
# Guard through pam_credssp `trust`, NT-hash enrolment (test_pam_credtypes.sh).
check_PROGRAMS += tests/integration/pam_credtypes
tests_integration_pam_credtypes_SOURCES = tests/integration/pam_credtypes.c $(RESULT_FIXTURE)
tests_integration_pam_credtypes_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_pam_credtypes_LDADD = $(PAM_UNIT_LDADD)
# PKCS#11 module adding a PIN retry counter to SoftHSM2 (a "locked token").
check_LTLIBRARIES += tests/integration/p11_lockshim.la
tests_integration_p11_lockshim_la_SOURCES = tests/integration/p11_lockshim.c
tests_integration_p11_lockshim_la_LIBADD = -ldl
tests_integration_p11_lockshim_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
CREDTYPES_TESTS = tests/integration/test_pam_credtypes.sh \
	tests/integration/test_server_credtypes.sh
dist_check_SCRIPTS += $(CREDTYPES_TESTS)
EXTRA_DIST += tests/integration/softhsm_lib.sh
TESTS += $(CREDTYPES_TESTS)
