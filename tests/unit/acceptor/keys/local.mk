# tests/unit/acceptor/keys/local.mk: unit tests of acceptor/keys/ (cmocka):
# the NT hash (test_nthash), reading the key file (test_keyfile: lookup,
# memfd, heap scan) and writing it (test_keyfile_update), the account mapping
# against a fake NSS lookup (test_account_map).  keyfile_fixture.c holds what
# the key file tests share.  That the real gss-ntlmssp accepts the files we
# write is tests/integration/test_keyfile_gss (tests/integration/keyfile.mk).
KEYS_UNIT_TESTS = %reldir%/test_nthash %reldir%/test_keyfile %reldir%/test_keyfile_update \
	%reldir%/test_account_map
check_PROGRAMS += $(KEYS_UNIT_TESTS)
TESTS += $(KEYS_UNIT_TESTS)
KEYFILE_FIXTURE = %reldir%/keyfile_fixture.c %reldir%/keyfile_fixture.h

%canon_reldir%_test_nthash_SOURCES = %reldir%/test_nthash.c $(KEYFILE_FIXTURE)
%canon_reldir%_test_nthash_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_nthash_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_keyfile_SOURCES = %reldir%/test_keyfile.c $(KEYFILE_FIXTURE) $(UNIT_HEAPSCAN)
%canon_reldir%_test_keyfile_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_keyfile_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_keyfile_update_SOURCES = %reldir%/test_keyfile_update.c $(KEYFILE_FIXTURE)
%canon_reldir%_test_keyfile_update_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_keyfile_update_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_account_map_SOURCES = %reldir%/test_account_map.c
%canon_reldir%_test_account_map_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_account_map_LDADD = $(UNIT_LDADD)
