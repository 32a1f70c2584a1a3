# tests/unit/acceptor/handoff/local.mk: unit tests of acceptor/handoff/
# (cmocka): the keyring hand-off and the PAM environment.
%canon_reldir%_test_handoff_SOURCES = %reldir%/test_handoff.c $(RESULT_FIXTURE)
%canon_reldir%_test_handoff_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_handoff_LDADD = $(PAM_UNIT_LDADD)
check_PROGRAMS += %reldir%/test_handoff
TESTS += %reldir%/test_handoff
