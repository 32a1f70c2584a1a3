# tests/fuzz/extra.mk: one libFuzzer target per remaining parser (owner: engine):
# the RDP-side parsers of the examples, the Remote Guard ticket structure and
# the NT-hash key file reader.
if FUZZING
EXTRA_FUZZ_TARGETS = tests/fuzz/fuzz_rdp tests/fuzz/fuzz_kerb_ticket_logon tests/fuzz/fuzz_keyfile
noinst_PROGRAMS += $(EXTRA_FUZZ_TARGETS)
FUZZ_TARGETS += $(EXTRA_FUZZ_TARGETS)
EXTRA_FUZZ_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) $(KEYUTILS_LIBS) $(PAM_LIBS)

tests_fuzz_fuzz_rdp_SOURCES = tests/fuzz/fuzz_rdp.c \
	examples/common/x224.c examples/common/mcs.c \
	examples/gateway/infopdu.c examples/gateway/mcsfix.c
tests_fuzz_fuzz_rdp_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/common \
	-I$(top_srcdir)/examples/gateway
tests_fuzz_fuzz_rdp_LDADD = $(EXTRA_FUZZ_LDADD)
tests_fuzz_fuzz_rdp_LDFLAGS = -fsanitize=fuzzer

tests_fuzz_fuzz_kerb_ticket_logon_SOURCES = tests/fuzz/fuzz_kerb_ticket_logon.c
tests_fuzz_fuzz_kerb_ticket_logon_LDADD = $(EXTRA_FUZZ_LDADD)
tests_fuzz_fuzz_kerb_ticket_logon_LDFLAGS = -fsanitize=fuzzer

tests_fuzz_fuzz_keyfile_SOURCES = tests/fuzz/fuzz_keyfile.c
tests_fuzz_fuzz_keyfile_LDADD = $(EXTRA_FUZZ_LDADD)
tests_fuzz_fuzz_keyfile_LDFLAGS = -fsanitize=fuzzer
endif
EXTRA_DIST += tests/fuzz/fuzz_rdp.c tests/fuzz/fuzz_kerb_ticket_logon.c tests/fuzz/fuzz_keyfile.c
