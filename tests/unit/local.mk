# tests/unit/local.mk: what the unit tests share.  The unit tests mirror the
# source tree (docs/DEVELOPMENT.md, "Tests"): tests/unit/base/ tests base/,
# tests/unit/acceptor/<layer>/ tests acceptor/<layer>/, tests/unit/pam_credssp/
# the module; each folder wires its own tests in its local.mk.  The helpers
# here are compiled into the tests that name them:
#
#   heapscan.c        counts the copies of a secret in the process's memory
#   alloc_track.c     wraps the allocator (ALLOC_TRACK_WRAP) to find
#                     secrets released unwiped
#   mutate.c, vectors.c, roundtrip.c (codec_test.h)
#                     the codec oracle: hostile variants of a known-answer
#                     vector (tests/data/*.hex, read at run time from
#                     $top_srcdir), and the decode/re-encode property (also
#                     linked into the fuzz targets, tests/fuzz/local.mk)
#   result_fixture.c  builds credssp_result values as the engine would fill
#                     them (the hand-off, PAM and integration tests)
UNIT_HELPER_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/%reldir%
UNIT_HEAPSCAN = %reldir%/heapscan.c %reldir%/heapscan.h
ALLOC_TRACK = %reldir%/alloc_track.c %reldir%/alloc_track.h
ALLOC_TRACK_WRAP = $(AM_LDFLAGS) \
	-Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free
CODEC_TEST_HELPERS = \
	%reldir%/mutate.c %reldir%/mutate.h \
	%reldir%/vectors.c %reldir%/vectors.h \
	%reldir%/roundtrip.c %reldir%/roundtrip.h \
	%reldir%/codec_test.h
RESULT_FIXTURE = %reldir%/result_fixture.c %reldir%/result_fixture.h
# PAM-side tests: the module's private headers, and libpam.
PAM_UNIT_CFLAGS = $(UNIT_HELPER_CFLAGS) -I$(top_srcdir)/pam_credssp
PAM_UNIT_LDADD = $(UNIT_LDADD) $(PAM_LIBS)
