# acceptor/codec.mk: bounded reader/writer, strict DER, the MS-CSSP codec (owner: codec).
libcssp_base_la_SOURCES += \
	acceptor/buf.c acceptor/buf.h \
	acceptor/der.c acceptor/der.h \
	acceptor/utf16.c acceptor/utf16.h
libcssp_codec_la_SOURCES += \
	acceptor/tsrequest.c acceptor/tsrequest.h \
	acceptor/tscred.c acceptor/tscred.h
