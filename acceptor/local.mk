# acceptor/local.mk: engine, GSSAPI glue, TLS, secrets, errors (owner: engine).
libcssp_base_la_SOURCES += \
	acceptor/internal.h \
	acceptor/error.c \
	acceptor/secret.c acceptor/secret.h
libcssp_codec_la_SOURCES += \
	acceptor/result.c acceptor/result.h \
	acceptor/rgcred.c acceptor/rgcred.h
libcssp_engine_la_SOURCES += \
	acceptor/config.c acceptor/config.h \
	acceptor/binding.c acceptor/binding.h \
	acceptor/gss.c acceptor/gss.h \
	acceptor/ntlm_lookup.c \
	acceptor/keyindex.c acceptor/keyindex.h acceptor/keyindex_int.h \
	acceptor/keyindex_watch.c \
	acceptor/tls.c acceptor/tls.h \
	acceptor/engine.c acceptor/engine.h \
	acceptor/engine_auth.c \
	acceptor/engine_step.c \
	acceptor/identity.c \
	acceptor/audit.c \
	acceptor/driver.c
