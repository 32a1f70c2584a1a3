# tests/unit/acceptor/engine/local.mk: unit tests of acceptor/engine/
# (cmocka): the engine, the GSSAPI step (mocked mechanism), the public-key
# binding, the delegated-user rule, audit, the in-memory NTLM key index and
# the Active Directory start-up checks (without a DC).
ENGINE_UNIT_TESTS = %reldir%/test_ntlm_lookup %reldir%/test_engine %reldir%/test_gss %reldir%/test_binding \
	%reldir%/test_identity %reldir%/test_audit %reldir%/test_keyindex \
	%reldir%/test_ad_checks
check_PROGRAMS += $(ENGINE_UNIT_TESTS)
TESTS += $(ENGINE_UNIT_TESTS)

%canon_reldir%_test_engine_SOURCES = %reldir%/test_engine.c $(UNIT_HEAPSCAN)
%canon_reldir%_test_engine_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_engine_LDADD = $(UNIT_LDADD)

# The mechanism's answers are mocked: the linker routes gss.c's calls to test_gss.c.
%canon_reldir%_test_gss_SOURCES = %reldir%/test_gss.c
%canon_reldir%_test_gss_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_gss_LDFLAGS = -Wl,--wrap=gss_accept_sec_context \
	-Wl,--wrap=gss_display_name
%canon_reldir%_test_gss_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_binding_SOURCES = %reldir%/test_binding.c
%canon_reldir%_test_binding_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_binding_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_identity_SOURCES = %reldir%/test_identity.c
%canon_reldir%_test_identity_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_identity_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_audit_SOURCES = %reldir%/test_audit.c
%canon_reldir%_test_audit_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_audit_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_keyindex_SOURCES = %reldir%/test_keyindex.c
%canon_reldir%_test_keyindex_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_keyindex_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_ad_checks_SOURCES = %reldir%/test_ad_checks.c
%canon_reldir%_test_ad_checks_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_ad_checks_LDADD = $(UNIT_LDADD)

# A real acceptor credential (MIT mechglue + gss-ntlmssp) over the sealed key-file memfd.
%canon_reldir%_test_ntlm_lookup_SOURCES = %reldir%/test_ntlm_lookup.c \
	tests/unit/vectors.c tests/unit/vectors.h
%canon_reldir%_test_ntlm_lookup_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_ntlm_lookup_LDADD = $(UNIT_LDADD)
