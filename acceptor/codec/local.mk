# acceptor/codec/local.mk: the MS-CSSP messages (TSRequest, TSCredentials and
# their credential forms, Remote Guard) and the result they produce.  Uses base/.
libcssp_codec_la_SOURCES += \
	%reldir%/tsrequest.c %reldir%/tsrequest.h \
	%reldir%/tscred.c %reldir%/tscred.h \
	%reldir%/rgcred.c %reldir%/rgcred.h \
	%reldir%/result.c %reldir%/result.h
