# tests/unit/acceptor/pam/local.mk: unit tests of acceptor/pam/ (cmocka): the
# conversation helper (test_pamconv), and that the hand-off and the
# conversation helper leave no copy of the password in memory (test_wipe,
# heap scan).  The in-process login runs in real PAM stacks in
# tests/integration/pam_stack (tests/integration/pam.mk).
PAM_LAYER_UNIT_TESTS = %reldir%/test_pamconv %reldir%/test_wipe
check_PROGRAMS += $(PAM_LAYER_UNIT_TESTS)
TESTS += $(PAM_LAYER_UNIT_TESTS)

%canon_reldir%_test_pamconv_SOURCES = %reldir%/test_pamconv.c $(RESULT_FIXTURE)
%canon_reldir%_test_pamconv_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_pamconv_LDADD = $(PAM_UNIT_LDADD)

%canon_reldir%_test_wipe_SOURCES = %reldir%/test_wipe.c $(UNIT_HEAPSCAN)
%canon_reldir%_test_wipe_CFLAGS = $(PAM_UNIT_CFLAGS)
%canon_reldir%_test_wipe_LDADD = $(PAM_UNIT_LDADD)
