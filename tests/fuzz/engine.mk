# tests/fuzz/engine.mk: libFuzzer target for the whole engine.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_engine
FUZZ_TARGETS += tests/fuzz/fuzz_engine
tests_fuzz_fuzz_engine_SOURCES = tests/fuzz/fuzz_engine.c
tests_fuzz_fuzz_engine_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_engine_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) \
	$(KEYUTILS_LIBS) $(PAM_LIBS)
tests_fuzz_fuzz_engine_LDFLAGS = -fsanitize=fuzzer
endif
EXTRA_DIST += tests/fuzz/fuzz_engine.c
