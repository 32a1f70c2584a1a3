# tests/integration/keyfile.mk: the real gss-ntlmssp accepts the key files we
# write (test_keyfile_gss; needs the gss-ntlmssp package, as the build does).
# The unit tests of acceptor/keys/ are in tests/unit/acceptor/keys/.
check_PROGRAMS += tests/integration/test_keyfile_gss
TESTS += tests/integration/test_keyfile_gss
tests_integration_test_keyfile_gss_SOURCES = tests/integration/test_keyfile_gss.c
tests_integration_test_keyfile_gss_CFLAGS = $(UNIT_CFLAGS)
tests_integration_test_keyfile_gss_LDADD = $(UNIT_LDADD)
# The throwaway KDC fixture other tests use (docs/TESTING.md §2.1); not a test itself.
EXTRA_DIST += tests/integration/mkrealm.sh tests/integration/stoprealm.sh tests/integration/free_port.py
