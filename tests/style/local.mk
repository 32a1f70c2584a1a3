# tests/style/local.mk: checks that compare the tree with itself (owner: house).
# (tests/style/banned.sh is wired in tests/unit/local.mk.)

# The exported symbols of libcredssp.so and pam_credssp.so against the
# declarations in the code (CREDSSP_API in include/*.h; pam_sm_* and the map).
dist_check_SCRIPTS += tests/style/exports.sh
TESTS += tests/style/exports.sh

# What each shared object links: pam_credssp.so without TLS, GSS acceptor or
# PAM application; libcredssp.so without libpam.
dist_check_SCRIPTS += tests/style/module_imports.sh
TESTS += tests/style/module_imports.sh

# test_error.c checks every code of the error enum; the list is generated
# from include/credssp.h, never kept by hand.
BUILT_SOURCES = tests/unit/acceptor/error_list.h
CLEANFILES += tests/unit/acceptor/error_list.h
EXTRA_DIST += tests/style/error_list.sh
tests/unit/acceptor/error_list.h: $(top_srcdir)/include/credssp.h \
		$(top_srcdir)/tests/style/error_list.sh
	$(AM_V_GEN)$(MKDIR_P) tests/unit/acceptor && \
	$(SHELL) $(top_srcdir)/tests/style/error_list.sh $(top_srcdir)/include/credssp.h >$@.tmp && \
	mv $@.tmp $@

# `make warnings`: rebuild everything (library, module, examples, tests) with
# compiler warnings as errors, whatever configure was given (CI configures with
# --enable-werror instead; see tests/run.sh).
warnings:
	$(MAKE) $(AM_MAKEFLAGS) clean
	$(MAKE) $(AM_MAKEFLAGS) WARN_CFLAGS='$(WARN_CFLAGS) -Werror' all
	$(MAKE) $(AM_MAKEFLAGS) WARN_CFLAGS='$(WARN_CFLAGS) -Werror' $(check_PROGRAMS) \
		$(check_LTLIBRARIES)
.PHONY: warnings

# Every *.md file, docs/ path and doc section a comment, script or doc cites
# exists in the repository.
dist_check_SCRIPTS += tests/style/doc_refs.sh
TESTS += tests/style/doc_refs.sh

# Which folder may include which headers (docs/DEVELOPMENT.md, "Layout").
dist_check_SCRIPTS += tests/style/includes.sh
TESTS += tests/style/includes.sh

# No two files of base/ and acceptor/*/ call each other round a loop (read
# from the built objects with nm).
dist_check_SCRIPTS += tests/style/call_cycles.sh
TESTS += tests/style/call_cycles.sh
