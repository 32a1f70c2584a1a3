# tests/integration/conffile.mk: --config FILE of both daemons.
dist_check_SCRIPTS += tests/integration/test_conffile.sh
TESTS += tests/integration/test_conffile.sh
