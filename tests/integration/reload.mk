# tests/integration/reload.mk: SIGHUP reloads certificate, key, keytab and key
# file without dropping live sessions (owner: reload).
dist_check_SCRIPTS += tests/integration/server_reload.sh
TESTS += tests/integration/server_reload.sh
