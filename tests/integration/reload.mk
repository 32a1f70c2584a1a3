# tests/integration/reload.mk: SIGHUP reloads certificate, key, keytab and key
# file of both daemons without dropping live sessions.
RELOAD_TESTS = tests/integration/server_reload.sh tests/integration/gateway_reload.sh \
	tests/integration/server_reload_keytab.sh
dist_check_SCRIPTS += $(RELOAD_TESTS)
TESTS += $(RELOAD_TESTS)
