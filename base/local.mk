# base/local.mk: the layer every other part stands on (docs/DEVELOPMENT.md,
# "Layout"): errors, secrets, the bounded reader/writer, strict DER, UTF-16.
# It uses only include/*.h, libc and libcrypto's cleanse; acceptor/,
# pam_credssp/ and examples/ may all use it.
libcssp_base_la_SOURCES += \
	%reldir%/internal.h \
	%reldir%/error.c \
	%reldir%/secret.c %reldir%/secret.h \
	%reldir%/buf.c %reldir%/buf.h \
	%reldir%/der.c %reldir%/der.h \
	%reldir%/utf16.c %reldir%/utf16.h
