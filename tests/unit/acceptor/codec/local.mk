# tests/unit/acceptor/codec/local.mk: unit tests of acceptor/codec/ (cmocka):
# TSRequest, TSCredentials, the Remote Guard logon buffer, the result, and
# the decoder tolerances for legacy clients (test_interop).
CODEC_UNIT_TESTS = %reldir%/test_tsrequest %reldir%/test_tscred %reldir%/test_tscred_limits \
	%reldir%/test_rgcred \
	%reldir%/test_result %reldir%/test_interop %reldir%/test_token_sniff
check_PROGRAMS += $(CODEC_UNIT_TESTS)
TESTS += $(CODEC_UNIT_TESTS)

%canon_reldir%_test_tsrequest_SOURCES = %reldir%/test_tsrequest.c $(CODEC_TEST_HELPERS)
%canon_reldir%_test_tsrequest_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_tsrequest_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_tscred_SOURCES = %reldir%/test_tscred.c $(CODEC_TEST_HELPERS)
%canon_reldir%_test_tscred_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_tscred_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_tscred_limits_SOURCES = %reldir%/test_tscred_limits.c $(CODEC_TEST_HELPERS) \
	$(ALLOC_TRACK)
%canon_reldir%_test_tscred_limits_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_tscred_limits_LDADD = $(UNIT_LDADD)
%canon_reldir%_test_tscred_limits_LDFLAGS = $(ALLOC_TRACK_WRAP)

# Also feeds the TSCredentials seeds of tests/fuzz/corpus/tscredentials
# through the codec and the accessor.
%canon_reldir%_test_rgcred_SOURCES = %reldir%/test_rgcred.c $(RESULT_FIXTURE)
%canon_reldir%_test_rgcred_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_rgcred_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_result_SOURCES = %reldir%/test_result.c
%canon_reldir%_test_result_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_result_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_interop_SOURCES = %reldir%/test_interop.c
%canon_reldir%_test_interop_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_interop_LDADD = $(UNIT_LDADD)

# What kind of token, which mechanism, which NTLM fields (token_sniff.c): known
# answers and the mutation sweep of tests/unit/mutate.c.
%canon_reldir%_test_token_sniff_SOURCES = %reldir%/test_token_sniff.c $(CODEC_TEST_HELPERS)
%canon_reldir%_test_token_sniff_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_token_sniff_LDADD = $(UNIT_LDADD)
