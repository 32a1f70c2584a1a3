# tests/mutation/local.mk: the mutation check (tests/mutation/run.sh): each
# security check of tests/mutation/checks.list, disabled in a scratch copy,
# must make its tests fail.  One test of `make check` (plain build only).
dist_check_SCRIPTS += tests/mutation/run.sh
TESTS += tests/mutation/run.sh
EXTRA_DIST += tests/mutation/checks.list
