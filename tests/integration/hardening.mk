# tests/integration/hardening.mk: the example daemons' own safety rules
# (issue 10.6), without xrdp or a KDC.
# outfiles.sh: --port-file (server, gateway) and --capture (gateway) never
# write through a planted file or link.
# gateway_revoke.sh: a token-mode hand-off key that never reached xrdp is
# revoked when the xrdp leg fails (root, real SPNEGO(NTLM) client).
# server_wipe.sh: application data after CredSSP leaves no copy in
# credssp-server's memory (scan of /proc/PID/mem; skipped under ASan).
HARDENING_TESTS = \
	tests/integration/outfiles.sh \
	tests/integration/gateway_revoke.sh \
	tests/integration/server_wipe.sh
dist_check_SCRIPTS += $(HARDENING_TESTS) tests/integration/memscan.py
TESTS += $(HARDENING_TESTS)

