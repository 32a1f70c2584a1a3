# tests/integration/admission.mk: admission control of both front ends
# under idle-socket attack (owner: admission; docs/ADMISSION.md).
# test_admission.sh: credssp-server; test_gateway_admission.sh: the gateway
# in front of Debian's xrdp (root; skips like the other gateway tests).
# admission_load.py is the attacker and the timed login client.
ADMISSION_TESTS = \
	tests/integration/test_admission.sh \
	tests/integration/test_gateway_admission.sh
dist_check_SCRIPTS += $(ADMISSION_TESTS)
EXTRA_DIST += tests/integration/admission_load.py
TESTS += $(ADMISSION_TESTS)

# Unit test of the shared module (cmocka; a loopback listening socket).
check_PROGRAMS += tests/unit/examples/test_admission
TESTS += tests/unit/examples/test_admission
tests_unit_examples_test_admission_SOURCES = tests/unit/examples/test_admission.c \
	examples/server/admission.c examples/server/admission_opts.c
tests_unit_examples_test_admission_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/server
tests_unit_examples_test_admission_CFLAGS = $(UNIT_CFLAGS)
tests_unit_examples_test_admission_LDADD = $(UNIT_LDADD)
