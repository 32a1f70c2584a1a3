# tests/integration/interop.mk: credssp-server tests with real clients (owner: server).
# xfreerdp 2.11, impacket rdp_check, rdesktop 1.9 and a SPNEGO client
# (python3-gssapi) against examples/credssp-server; server_basics.sh covers
# the X.224 / TLS-only / deadline / JSON paths without a real client;
# minimal_server.sh runs examples/minimal/minimal_server (public API only).
# Each script skips (77) when its client or the KDC helper is missing.
check_PROGRAMS += tests/integration/keyfile_add
tests_integration_keyfile_add_SOURCES = tests/integration/keyfile_add.c
tests_integration_keyfile_add_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) \
	$(KEYUTILS_LIBS)

INTEROP_TESTS = \
	tests/integration/server_basics.sh \
	tests/integration/interop_xfreerdp.sh \
	tests/integration/interop_impacket.sh \
	tests/integration/interop_spnego_ntlm.sh \
	tests/integration/interop_spnego_krb5.sh \
	tests/integration/interop_pam.sh \
	tests/integration/interop_pam_hung.sh \
	tests/integration/interop_pam_tmp.sh \
	tests/integration/interop_tls13_wait.sh \
	tests/integration/server_faults.sh \
	tests/integration/fail2ban_filter.sh \
	tests/integration/interop_rdesktop.sh \
	tests/integration/e2e_pam_krb5.sh \
	tests/integration/minimal_server.sh
dist_check_SCRIPTS += $(INTEROP_TESTS) tests/integration/spnego_client.py
EXTRA_DIST += tests/integration/interop_lib.sh tests/integration/private_tmp.sh \
	examples/fail2ban/filter.d/credssp-server.conf examples/fail2ban/jail.d/credssp-server.conf \
	examples/fail2ban/jail.d/credssp-gateway.conf
TESTS += $(INTEROP_TESTS)

