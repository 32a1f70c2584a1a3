# tests/integration/beyond.mk: smart card, Restricted Admin, Remote Guard, enrolment tests (owner: beyond).
#
# cssp_connect: an engine-level RDP client over TCP (X.224 negotiation flags
# of our choice, then TLS + CredSSP through the test client libcsspclient.la).
check_PROGRAMS += tests/integration/cssp_connect
tests_integration_cssp_connect_SOURCES = tests/integration/cssp_connect.c
tests_integration_cssp_connect_CFLAGS = $(UNIT_CFLAGS)
tests_integration_cssp_connect_LDADD = tests/integration/libcsspclient.la $(UNIT_LDADD)


# The PAM side: smart card (SoftHSM2 + pam_p11), Restricted Admin / Remote
# Guard through pam_credssp `trust`, NT-hash enrolment (test_beyond_pam.sh).
check_PROGRAMS += tests/integration/beyond_pam
tests_integration_beyond_pam_SOURCES = tests/integration/beyond_pam.c $(PAM_FIXTURE)
tests_integration_beyond_pam_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_beyond_pam_LDADD = $(PAM_UNIT_LDADD)
# PKCS#11 module adding a PIN retry counter to SoftHSM2 (a "locked token").
check_LTLIBRARIES += tests/integration/p11_lockshim.la
tests_integration_p11_lockshim_la_SOURCES = tests/integration/p11_lockshim.c
tests_integration_p11_lockshim_la_LIBADD = -ldl
tests_integration_p11_lockshim_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
BEYOND_TESTS = tests/integration/test_beyond_pam.sh tests/integration/test_beyond_server.sh
dist_check_SCRIPTS += $(BEYOND_TESTS)
EXTRA_DIST += tests/integration/softhsm_lib.sh
TESTS += $(BEYOND_TESTS)

# Remote Guard KERB_TICKET_LOGON parser and accessor, and the TSCredentials
# seeds of tests/fuzz/corpus/tscredentials (cmocka, no network).
check_PROGRAMS += tests/integration/test_rgcred
TESTS += tests/integration/test_rgcred
tests_integration_test_rgcred_SOURCES = tests/integration/test_rgcred.c $(PAM_FIXTURE)
tests_integration_test_rgcred_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_test_rgcred_LDADD = $(PAM_UNIT_LDADD)
