# examples/keyfile.mk: credssp-keyfile admin tool (owner: keyfile).
bin_PROGRAMS += examples/credssp-keyfile
examples_credssp_keyfile_SOURCES = examples/credssp-keyfile.c
examples_credssp_keyfile_LDADD = libcredssp_core.la $(OPENSSL_LIBS) $(GSSAPI_LIBS) $(KEYUTILS_LIBS)
