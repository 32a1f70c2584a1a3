# tests/unit/codec.mk: unit tests of the codec (owner: codec).
#
# Known-answer vectors live in tests/data/*.hex and are read at run time from
# $top_srcdir (exported by AM_TESTS_ENVIRONMENT).  mutate.c generates the
# hostile variants, roundtrip.c states the decode/re-encode property (also
# linked into the fuzz targets), alloc_track.c wraps the allocator to find
# secrets released unwiped.
CODEC_TESTS = \
	tests/unit/acceptor/test_buf \
	tests/unit/acceptor/test_der \
	tests/unit/acceptor/test_utf16 \
	tests/unit/acceptor/test_tsrequest \
	tests/unit/acceptor/test_tscred \
	tests/unit/acceptor/test_token_sniff
check_PROGRAMS += $(CODEC_TESTS)
TESTS += $(CODEC_TESTS)

CODEC_TEST_HELPERS = \
	tests/unit/acceptor/mutate.c tests/unit/acceptor/mutate.h \
	tests/unit/acceptor/vectors.c tests/unit/acceptor/vectors.h \
	tests/unit/acceptor/roundtrip.c tests/unit/acceptor/roundtrip.h \
	tests/unit/acceptor/codec_test.h
CODEC_WRAP_ALLOC = $(AM_LDFLAGS) \
	-Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free

tests_unit_acceptor_test_buf_SOURCES = tests/unit/acceptor/test_buf.c \
	tests/unit/acceptor/alloc_track.c tests/unit/acceptor/alloc_track.h
tests_unit_acceptor_test_buf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_buf_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_buf_LDFLAGS = $(CODEC_WRAP_ALLOC)

tests_unit_acceptor_test_der_SOURCES = tests/unit/acceptor/test_der.c $(CODEC_TEST_HELPERS)
tests_unit_acceptor_test_der_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_der_LDADD = $(UNIT_LDADD)

tests_unit_acceptor_test_utf16_SOURCES = tests/unit/acceptor/test_utf16.c
tests_unit_acceptor_test_utf16_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_utf16_LDADD = $(UNIT_LDADD)

tests_unit_acceptor_test_tsrequest_SOURCES = tests/unit/acceptor/test_tsrequest.c \
	$(CODEC_TEST_HELPERS)
tests_unit_acceptor_test_tsrequest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_tsrequest_LDADD = $(UNIT_LDADD)

tests_unit_acceptor_test_tscred_SOURCES = tests/unit/acceptor/test_tscred.c \
	$(CODEC_TEST_HELPERS) tests/unit/acceptor/alloc_track.c tests/unit/acceptor/alloc_track.h
tests_unit_acceptor_test_tscred_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_tscred_LDADD = $(UNIT_LDADD)
tests_unit_acceptor_test_tscred_LDFLAGS = $(CODEC_WRAP_ALLOC)

tests_unit_acceptor_test_token_sniff_SOURCES = tests/unit/acceptor/test_token_sniff.c \
	$(CODEC_TEST_HELPERS)
tests_unit_acceptor_test_token_sniff_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_token_sniff_LDADD = $(UNIT_LDADD)
