# acceptor/local.mk: engine, GSSAPI glue, TLS, secrets, errors (owner: engine).
libcredssp_core_la_SOURCES += \
	acceptor/internal.h \
	acceptor/error.c \
	acceptor/secret.c acceptor/secret.h
