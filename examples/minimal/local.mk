# examples/minimal/local.mk: minimal_server, a one-connection CredSSP server
# on the public API alone (include/ only on its include path, linked to the
# installed libcredssp); tests/integration/minimal_server.sh runs it against
# a real client.  Not installed.
noinst_PROGRAMS += %reldir%/minimal_server
%canon_reldir%_minimal_server_SOURCES = %reldir%/minimal_server.c
%canon_reldir%_minimal_server_CPPFLAGS = -I$(top_srcdir)/include -D_GNU_SOURCE
%canon_reldir%_minimal_server_LDADD = libcredssp.la
