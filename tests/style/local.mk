# tests/style/local.mk: checks that compare the tree with itself.

# The exported symbols of libcredssp.so and pam_credssp.so against the
# declarations in the code (CREDSSP_API in include/*.h; pam_sm_* and the map).
dist_check_SCRIPTS += tests/style/exports.sh
TESTS += tests/style/exports.sh

# What each shared object links: pam_credssp.so without TLS, GSS acceptor or
# PAM application; libcredssp.so without libpam.
dist_check_SCRIPTS += tests/style/module_imports.sh
TESTS += tests/style/module_imports.sh

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

# Banned functions in shipped code.
dist_check_SCRIPTS += tests/style/banned.sh
TESTS += tests/style/banned.sh
# Every option of credssp-server, credssp-gateway and credssp-keyfile (as
# their --help lists it) is in their manual page, and the pages document no
# option the programs dropped.
dist_check_SCRIPTS += tests/style/man_options.sh
TESTS += tests/style/man_options.sh
# No two files of base/ and acceptor/*/ call each other round a loop (read
# from the built objects with nm).
dist_check_SCRIPTS += tests/style/call_cycles.sh
TESTS += tests/style/call_cycles.sh
