# acceptor/codec/local.mk: the MS-CSSP messages (TSRequest, TSCredentials and
# their credential forms, Remote Guard), the result they produce, and the
# sniffing of a client's negoToken (kind, mechanisms, NTLM names).  Uses base/.
libcssp_codec_la_SOURCES += \
	%reldir%/tsrequest.c %reldir%/tsrequest.h \
	%reldir%/tscred.c %reldir%/tscred.h \
	%reldir%/rgcred.c %reldir%/rgcred.h \
	%reldir%/result.c %reldir%/result.h \
	%reldir%/token_sniff.c %reldir%/token_sniff.h
