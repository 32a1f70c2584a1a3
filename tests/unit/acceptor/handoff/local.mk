# tests/unit/acceptor/handoff/local.mk: unit tests of acceptor/handoff/
# (cmocka): the keyring hand-off (test_handoff) and the sealed record format
# (test_handoff_fmt).  The PAM environment (pamenv.c) is exercised in real PAM
# stacks by tests/integration/pam_credtypes.c.
HANDOFF_UNIT_TESTS = %reldir%/test_handoff %reldir%/test_handoff_fmt
check_PROGRAMS += $(HANDOFF_UNIT_TESTS)
TESTS += $(HANDOFF_UNIT_TESTS)

%canon_reldir%_test_handoff_SOURCES = %reldir%/test_handoff.c $(RESULT_FIXTURE)
%canon_reldir%_test_handoff_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_handoff_LDADD = $(PAM_UNIT_LDADD)

%canon_reldir%_test_handoff_fmt_SOURCES = %reldir%/test_handoff_fmt.c $(RESULT_FIXTURE)
%canon_reldir%_test_handoff_fmt_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_handoff_fmt_LDADD = $(PAM_UNIT_LDADD)
