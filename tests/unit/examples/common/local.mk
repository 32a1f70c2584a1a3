# tests/unit/examples/common/local.mk: unit tests of the front-end base
# (examples/common/, cmocka), one per source file they mirror.
#   test_x224, test_mcs, test_json: parsers and writers of the RDP start and JSON;
#   test_queue: the wiping byte queue leaves no copy when it grows, compacts,
#     drops or frees (heap scan; skipped under ASan);
#   test_admission: admission control (a loopback listening socket);
#   test_account: the identity -> local account mapping (the passwd database).
FRONTEND_UNIT_TESTS = \
	%reldir%/test_x224 %reldir%/test_mcs %reldir%/test_json \
	%reldir%/test_queue %reldir%/test_admission %reldir%/test_account
check_PROGRAMS += $(FRONTEND_UNIT_TESTS)
TESTS += $(FRONTEND_UNIT_TESTS)
FRONTEND_UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(FRONTEND_CPPFLAGS) -I$(top_srcdir)/tests/unit
FRONTEND_UNIT_LDADD = $(FRONTEND_LIBS) $(UNIT_LDADD)
%canon_reldir%_test_x224_SOURCES = %reldir%/test_x224.c
%canon_reldir%_test_x224_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_x224_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_x224_LDADD = $(FRONTEND_UNIT_LDADD)
%canon_reldir%_test_mcs_SOURCES = %reldir%/test_mcs.c
%canon_reldir%_test_mcs_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_mcs_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_mcs_LDADD = $(FRONTEND_UNIT_LDADD)
%canon_reldir%_test_json_SOURCES = %reldir%/test_json.c
%canon_reldir%_test_json_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_json_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_json_LDADD = $(FRONTEND_UNIT_LDADD)
%canon_reldir%_test_queue_SOURCES = %reldir%/test_queue.c \
	tests/unit/heapscan.c tests/unit/heapscan.h
%canon_reldir%_test_queue_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_queue_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_queue_LDADD = $(FRONTEND_UNIT_LDADD)
%canon_reldir%_test_admission_SOURCES = %reldir%/test_admission.c
%canon_reldir%_test_admission_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_admission_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_admission_LDADD = $(FRONTEND_UNIT_LDADD)
%canon_reldir%_test_account_SOURCES = %reldir%/test_account.c
%canon_reldir%_test_account_CPPFLAGS = $(FRONTEND_UNIT_CPPFLAGS)
%canon_reldir%_test_account_CFLAGS = $(UNIT_CFLAGS)
%canon_reldir%_test_account_LDADD = $(FRONTEND_UNIT_LDADD)
