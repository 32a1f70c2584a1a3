# tests/integration/faults.mk: fault tests of credssp-server's back ends
# (issue 11 "Fault tests", issue 12 teardown) and the demo run by CI.
# pam_failcred.so is a test PAM module whose pam_sm_setcred refuses
# PAM_DELETE_CRED (interop_pam_teardown.sh).
check_LTLIBRARIES += tests/integration/pam_failcred.la
tests_integration_pam_failcred_la_SOURCES = tests/integration/pam_failcred.c
tests_integration_pam_failcred_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
FAULT_TESTS = tests/integration/interop_pam_teardown.sh \
	tests/integration/server_keyfile_unreadable.sh \
	tests/integration/test_slow_nss.sh \
	tests/integration/interop_pam_slow_kdc.sh \
	tests/integration/demo_desktop.sh
dist_check_SCRIPTS += $(FAULT_TESTS)
TESTS += $(FAULT_TESTS)
EXTRA_DIST += tests/integration/kdc_delay.py
# slownss.so: an LD_PRELOAD shim whose getpwnam / getpwnam_r take seconds for
# one account (test_slow_nss.sh).
check_LTLIBRARIES += tests/integration/slownss.la
tests_integration_slownss_la_SOURCES = tests/integration/slownss.c
tests_integration_slownss_la_LIBADD = -ldl
tests_integration_slownss_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
