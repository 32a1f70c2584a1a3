# tests/fuzz/local.mk: libFuzzer targets.  Built only with
# `CC=clang ./configure --enable-fuzzing` (FUZZ_CFLAGS then instruments every
# object with -fsanitize=fuzzer-no-link,address,undefined); the targets link
# the libFuzzer main with -fsanitize=fuzzer.  Seeds: tests/fuzz/corpus/<name>,
# made from the tests/data vectors.  Run: tests/fuzz/smoke.sh (docs/FUZZING.md).
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/smoke.sh

if FUZZING
CODEC_FUZZ_TARGETS = tests/fuzz/fuzz_tsrequest tests/fuzz/fuzz_tscredentials \
	tests/fuzz/fuzz_token_sniff
FUZZ_TARGETS += $(CODEC_FUZZ_TARGETS)
noinst_PROGRAMS += $(CODEC_FUZZ_TARGETS)

CODEC_FUZZ_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests/unit
CODEC_FUZZ_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) $(KEYUTILS_LIBS)
CODEC_FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer

tests_fuzz_fuzz_tsrequest_SOURCES = tests/fuzz/fuzz_tsrequest.c \
	tests/unit/roundtrip.c tests/unit/roundtrip.h
tests_fuzz_fuzz_tsrequest_CFLAGS = $(CODEC_FUZZ_CFLAGS)
tests_fuzz_fuzz_tsrequest_LDADD = $(CODEC_FUZZ_LDADD)
tests_fuzz_fuzz_tsrequest_LDFLAGS = $(CODEC_FUZZ_LINK)

tests_fuzz_fuzz_tscredentials_SOURCES = tests/fuzz/fuzz_tscredentials.c \
	tests/unit/roundtrip.c tests/unit/roundtrip.h
tests_fuzz_fuzz_tscredentials_CFLAGS = $(CODEC_FUZZ_CFLAGS)
tests_fuzz_fuzz_tscredentials_LDADD = $(CODEC_FUZZ_LDADD)
tests_fuzz_fuzz_tscredentials_LDFLAGS = $(CODEC_FUZZ_LINK)

tests_fuzz_fuzz_token_sniff_SOURCES = tests/fuzz/fuzz_token_sniff.c
tests_fuzz_fuzz_token_sniff_CFLAGS = $(CODEC_FUZZ_CFLAGS)
tests_fuzz_fuzz_token_sniff_LDADD = $(CODEC_FUZZ_LDADD)
tests_fuzz_fuzz_token_sniff_LDFLAGS = $(CODEC_FUZZ_LINK)
endif
