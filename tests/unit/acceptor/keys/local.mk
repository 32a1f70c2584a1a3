# tests/unit/acceptor/keys/local.mk: unit tests of acceptor/keys/ (cmocka):
# the NT hash and the key files (test_keyfile), the account mapping against a
# fake NSS lookup (test_account_map).  That the real gss-ntlmssp accepts the
# files we write is tests/integration/test_keyfile_gss (keyfile.mk there).
KEYS_UNIT_TESTS = %reldir%/test_keyfile %reldir%/test_account_map
check_PROGRAMS += $(KEYS_UNIT_TESTS)
TESTS += $(KEYS_UNIT_TESTS)

%canon_reldir%_test_keyfile_SOURCES = %reldir%/test_keyfile.c $(UNIT_HEAPSCAN)
%canon_reldir%_test_keyfile_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_keyfile_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_account_map_SOURCES = %reldir%/test_account_map.c
%canon_reldir%_test_account_map_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_account_map_LDADD = $(UNIT_LDADD)
