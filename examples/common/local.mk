# examples/common/local.mk: the front-end base shared by credssp-server and
# credssp-gateway (docs/DEVELOPMENT.md, "Layout"), built once: the event
# loop, the listener and admission control, the step pool, the acceptor
# configuration and its reload, the config file, the account mapping,
# X.224 / MCS helpers, memory-BIO TLS, the wiping byte queue, JSON and the
# small helpers both programs need.  Neither program compiles the other's files.
noinst_LTLIBRARIES += %reldir%/libfrontend.la
%canon_reldir%_libfrontend_la_SOURCES = \
	%reldir%/x224.c %reldir%/x224.h \
	%reldir%/mcs.c %reldir%/mcs.h \
	%reldir%/frontend.c %reldir%/frontend.h \
	%reldir%/cfgref.c %reldir%/cfgref.h \
	%reldir%/admission.c %reldir%/admission_opts.c %reldir%/admission.h \
	%reldir%/steppool.c %reldir%/steppool.h \
	%reldir%/ad_opts.c %reldir%/ad_opts.h \
	%reldir%/account.c %reldir%/account.h \
	%reldir%/cert.c %reldir%/cert.h \
	%reldir%/json.c %reldir%/json.h \
	%reldir%/evloop.c %reldir%/evloop.h \
	%reldir%/util.c %reldir%/util.h \
	%reldir%/queue.c %reldir%/queue.h \
	%reldir%/memtls.c %reldir%/memtls.h \
	%reldir%/conffile.c %reldir%/conffile.h
# Programs and tests that use the base add FRONTEND_CPPFLAGS and FRONTEND_LIBS.
FRONTEND_CPPFLAGS = -I$(top_srcdir)/%reldir%
FRONTEND_LIBS = %reldir%/libfrontend.la
