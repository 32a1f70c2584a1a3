# tests/unit/local.mk: unit tests of the engine side (owner: engine).
check_PROGRAMS += tests/unit/acceptor/test_error tests/unit/acceptor/test_secret
TESTS += tests/unit/acceptor/test_error tests/unit/acceptor/test_secret
tests_unit_acceptor_test_error_SOURCES = tests/unit/acceptor/test_error.c
tests_unit_acceptor_test_error_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_error_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_secret_SOURCES = tests/unit/acceptor/test_secret.c
tests_unit_acceptor_test_secret_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_secret_LDADD = $(UNIT_LDADD)
