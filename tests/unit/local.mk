# tests/unit/local.mk: unit tests of the engine side (owner: engine).
ENGINE_UNIT_TESTS = tests/unit/acceptor/test_error tests/unit/acceptor/test_secret \
	tests/unit/acceptor/test_binding tests/unit/acceptor/test_identity \
	tests/unit/acceptor/test_interop tests/unit/acceptor/test_result \
	tests/unit/acceptor/test_engine tests/unit/acceptor/test_audit \
	tests/unit/acceptor/test_gss tests/unit/acceptor/test_ntlm_lookup
check_PROGRAMS += $(ENGINE_UNIT_TESTS)
TESTS += $(ENGINE_UNIT_TESTS)
tests_unit_acceptor_test_error_SOURCES = tests/unit/acceptor/test_error.c
tests_unit_acceptor_test_error_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_error_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_secret_SOURCES = tests/unit/acceptor/test_secret.c \
	tests/unit/heapscan.c tests/unit/heapscan.h
tests_unit_acceptor_test_secret_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_acceptor_test_secret_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_binding_SOURCES = tests/unit/acceptor/test_binding.c
tests_unit_acceptor_test_binding_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_binding_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_identity_SOURCES = tests/unit/acceptor/test_identity.c
tests_unit_acceptor_test_identity_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_identity_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_interop_SOURCES = tests/unit/acceptor/test_interop.c
tests_unit_acceptor_test_interop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_interop_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_result_SOURCES = tests/unit/acceptor/test_result.c
tests_unit_acceptor_test_result_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_result_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_engine_SOURCES = tests/unit/acceptor/test_engine.c \
	tests/unit/heapscan.c tests/unit/heapscan.h
tests_unit_acceptor_test_engine_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/tests/unit
tests_unit_acceptor_test_engine_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_audit_SOURCES = tests/unit/acceptor/test_audit.c
tests_unit_acceptor_test_audit_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_audit_LDADD = $(UNIT_LDADD)
# The mechanism's answers are mocked: the linker routes gss.c's calls to test_gss.c.
tests_unit_acceptor_test_gss_SOURCES = tests/unit/acceptor/test_gss.c
tests_unit_acceptor_test_gss_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_gss_LDFLAGS = -Wl,--wrap=gss_accept_sec_context \
	-Wl,--wrap=gss_display_name
tests_unit_acceptor_test_gss_LDADD = $(UNIT_LDADD)
# A real acceptor credential (MIT mechglue + gss-ntlmssp) over the sealed key-file memfd.
tests_unit_acceptor_test_ntlm_lookup_SOURCES = tests/unit/acceptor/test_ntlm_lookup.c \
	tests/unit/acceptor/vectors.c tests/unit/acceptor/vectors.h
tests_unit_acceptor_test_ntlm_lookup_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_ntlm_lookup_LDADD = $(UNIT_LDADD)

# Style: banned functions in shipped code.
dist_check_SCRIPTS += tests/style/banned.sh
TESTS += tests/style/banned.sh
