# tests/bench/local.mk: credssp-bench, the load client of docs/PERFORMANCE.md.
# A program, not a test: tests/bench/run.sh runs it.
# It links the test CredSSP client of tests/integration (libcsspclient.la),
# which make builds on demand.
noinst_PROGRAMS += tests/bench/credssp-bench
tests_bench_credssp_bench_SOURCES = \
	tests/bench/bench.h tests/bench/main.c tests/bench/loop.c \
	tests/bench/session.c tests/bench/session.h \
	tests/bench/tlsc.c tests/bench/tlsc.h \
	tests/bench/x224c.c tests/bench/x224c.h \
	tests/bench/procstat.c tests/bench/report.c
tests_bench_credssp_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/integration
tests_bench_credssp_bench_LDADD = tests/integration/libcsspclient.la libcredssp_core.la \
	$(OPENSSL_LIBS) $(GSSAPI_LIBS) $(KEYUTILS_LIBS)
EXTRA_DIST += tests/bench/run.sh
EXTRA_DIST += tests/bench/keyscale.sh tests/bench/krbphase.sh tests/bench/slowbe.sh
