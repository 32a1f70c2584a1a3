# tests/integration/gateway.mk: gateway tests with real xrdp (owner: gateway).
# test_gateway_pdu: the gateway's PDU code (Connect Response and Client Info
# rewrites, X.224 toward xrdp), cmocka, no sockets.
# test_gateway*.sh: Debian's xrdp 0.9.21 + Xvnc + xfreerdp 2.11 through the
# gateway (root: a throwaway user, xrdp-sesman on port 3350); they skip (77)
# when xrdp, tigervnc-standalone-server, xfreerdp or Xvfb is missing.
# test_gateway_slow_nss.sh: a slow NSS lookup of one user (slownss.so of
# faults.mk) stalls neither X.224 nor other logins, and ends at --step-timeout.
# test_gateway_krb5.sh: a Kerberos logon (throwaway MIT KDC, mkrealm.sh) in
# token mode: EUA success and the mapped local user in the report.
GATEWAY_UNIT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/gateway $(FRONTEND_CPPFLAGS)
check_PROGRAMS += tests/integration/test_gateway_pdu
tests_integration_test_gateway_pdu_SOURCES = tests/integration/test_gateway_pdu.c \
	examples/gateway/mcsfix.c examples/gateway/infopdu.c examples/gateway/backend.c
tests_integration_test_gateway_pdu_CPPFLAGS = $(GATEWAY_UNIT_CPPFLAGS)
tests_integration_test_gateway_pdu_CFLAGS = $(UNIT_CFLAGS)
tests_integration_test_gateway_pdu_LDADD = $(FRONTEND_LIBS) $(UNIT_LDADD)

GATEWAY_TESTS = \
	tests/integration/test_gateway.sh \
	tests/integration/test_gateway_token.sh \
	tests/integration/test_gateway_eua.sh \
	tests/integration/test_gateway_slow_nss.sh \
	tests/integration/test_gateway_krb5.sh
dist_check_SCRIPTS += $(GATEWAY_TESTS)
EXTRA_DIST += tests/integration/gateway_lib.sh
TESTS += tests/integration/test_gateway_pdu $(GATEWAY_TESTS)
