# tests/unit/keyindex.mk: the in-memory NTLM key index (owner: scale).
check_PROGRAMS += tests/unit/acceptor/test_keyindex
TESTS += tests/unit/acceptor/test_keyindex
tests_unit_acceptor_test_keyindex_SOURCES = tests/unit/acceptor/test_keyindex.c
tests_unit_acceptor_test_keyindex_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_keyindex_LDADD = $(UNIT_LDADD)
