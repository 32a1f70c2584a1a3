# tests/unit/base/local.mk: unit tests of base/ (cmocka): the bounded
# reader/writer, strict DER, UTF-16, the error table, the wiping secret.
BASE_UNIT_TESTS = %reldir%/test_buf %reldir%/test_der %reldir%/test_der_write %reldir%/test_utf16 \
	%reldir%/test_error %reldir%/test_secret
check_PROGRAMS += $(BASE_UNIT_TESTS)
TESTS += $(BASE_UNIT_TESTS)

%canon_reldir%_test_buf_SOURCES = %reldir%/test_buf.c $(ALLOC_TRACK)
%canon_reldir%_test_buf_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_buf_LDADD = $(UNIT_LDADD)
%canon_reldir%_test_buf_LDFLAGS = $(ALLOC_TRACK_WRAP)

%canon_reldir%_test_der_SOURCES = %reldir%/test_der.c
%canon_reldir%_test_der_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_der_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_der_write_SOURCES = %reldir%/test_der_write.c $(CODEC_TEST_HELPERS)
%canon_reldir%_test_der_write_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_der_write_LDADD = $(UNIT_LDADD)

%canon_reldir%_test_utf16_SOURCES = %reldir%/test_utf16.c
%canon_reldir%_test_utf16_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_utf16_LDADD = $(UNIT_LDADD)

# test_error checks every code of the error enum; the list is generated from
# include/credssp.h (tests/style/error_list.sh), never kept by hand.
%canon_reldir%_test_error_SOURCES = %reldir%/test_error.c
%canon_reldir%_test_error_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_error_LDADD = $(UNIT_LDADD)
BUILT_SOURCES = %reldir%/error_list.h
CLEANFILES += %reldir%/error_list.h
EXTRA_DIST += tests/style/error_list.sh
%reldir%/error_list.h: $(top_srcdir)/include/credssp.h $(top_srcdir)/tests/style/error_list.sh
	$(AM_V_GEN)$(MKDIR_P) %reldir% && \
	$(SHELL) $(top_srcdir)/tests/style/error_list.sh $(top_srcdir)/include/credssp.h >$@.tmp && \
	mv $@.tmp $@

%canon_reldir%_test_secret_SOURCES = %reldir%/test_secret.c $(UNIT_HEAPSCAN)
%canon_reldir%_test_secret_CFLAGS = $(UNIT_HELPER_CFLAGS)
%canon_reldir%_test_secret_LDADD = $(UNIT_LDADD)
