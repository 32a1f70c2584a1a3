# acceptor/pam/local.mk: the PAM application side of libcredssp_pam - the
# conversation helper and the in-process login.  Uses acceptor/handoff,
# acceptor/codec and base/.
libcssp_pam_la_SOURCES += \
	%reldir%/pamconv.c \
	%reldir%/pamlogin.c
