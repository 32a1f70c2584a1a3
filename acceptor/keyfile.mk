# acceptor/keyfile.mk: NT hash, smbpasswd-format key files, memfd key file (owner: keyfile).
libcssp_keys_la_SOURCES += \
	acceptor/nthash.c \
	acceptor/keyfile.c acceptor/keyfile.h \
	acceptor/keyfile_update.c
