# tests/integration/local.mk: the test CredSSP client and the in-process
# loopback test of the engine.  run_loopback.sh starts a
# throwaway KDC (mkrealm.sh) for the Kerberos cases and stops it by pid.
check_LTLIBRARIES = tests/integration/libcsspclient.la
tests_integration_libcsspclient_la_SOURCES = \
	tests/integration/cssp_client.c tests/integration/cssp_client.h \
	tests/integration/cssp_client_flow.c \
	tests/integration/cssp_client_int.h \
	tests/integration/cssp_client_buf.c \
	tests/integration/cssp_client_tls.c \
	tests/integration/cssp_client_gss.c \
	tests/integration/cssp_client_bind.c \
	tests/integration/cssp_client_creds.c
tests_integration_libcsspclient_la_CFLAGS = $(AM_CFLAGS)
# the core library comes with UNIT_LDADD of the programs that use the client

check_PROGRAMS += tests/integration/test_loopback
tests_integration_test_loopback_SOURCES = \
	tests/integration/test_loopback.c \
	tests/integration/loopback_ok.c tests/integration/loopback_bad.c \
	tests/integration/loopback_cases.h \
	tests/integration/loopback.c tests/integration/loopback.h \
	tests/integration/loopback_fixture.c \
	tests/integration/loopback_lookup.c tests/integration/loopback_guard.c \
	tests/integration/loopback_scale.c tests/integration/loopback_driver.c
tests_integration_test_loopback_CFLAGS = $(UNIT_CFLAGS)
tests_integration_test_loopback_LDADD = tests/integration/libcsspclient.la $(UNIT_LDADD)

dist_check_SCRIPTS += tests/integration/run_loopback.sh
TESTS += tests/integration/run_loopback.sh
EXTRA_DIST += tests/integration/lsan-client.supp
