# tests/unit/keyfile.mk: key file tests (owner: keyfile).
# test_keyfile: unit tests of acceptor/keys/nthash.c, keyfile.c, keyfile_update.c.
# test_keyfile_gss: the real gss-ntlmssp accepts the files we write (needs the
# gss-ntlmssp package, as the build does).
check_PROGRAMS += tests/unit/acceptor/test_keyfile tests/integration/test_keyfile_gss
TESTS += tests/unit/acceptor/test_keyfile tests/integration/test_keyfile_gss
tests_unit_acceptor_test_keyfile_SOURCES = tests/unit/acceptor/test_keyfile.c \
	tests/unit/heapscan.c tests/unit/heapscan.h
tests_unit_acceptor_test_keyfile_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_acceptor_test_keyfile_LDADD = $(UNIT_LDADD)
tests_integration_test_keyfile_gss_SOURCES = tests/integration/test_keyfile_gss.c
tests_integration_test_keyfile_gss_CFLAGS = $(UNIT_CFLAGS)
tests_integration_test_keyfile_gss_LDADD = $(UNIT_LDADD)
# The throwaway KDC fixture other tests use (docs/TESTING.md §2.1); not a test itself.
EXTRA_DIST += tests/integration/mkrealm.sh tests/integration/stoprealm.sh

# Unit tests of the account mapping (cmocka, a fake NSS lookup).
check_PROGRAMS += tests/unit/acceptor/test_account_map
TESTS += tests/unit/acceptor/test_account_map
tests_unit_acceptor_test_account_map_SOURCES = tests/unit/acceptor/test_account_map.c
tests_unit_acceptor_test_account_map_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_account_map_LDADD = $(UNIT_LDADD)

# The start-up checks (winbind probe, keytab enctypes) without a DC.
check_PROGRAMS += tests/unit/acceptor/test_ad_checks
TESTS += tests/unit/acceptor/test_ad_checks
tests_unit_acceptor_test_ad_checks_SOURCES = tests/unit/acceptor/test_ad_checks.c
tests_unit_acceptor_test_ad_checks_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_ad_checks_LDADD = $(UNIT_LDADD)
