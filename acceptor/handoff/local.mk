# acceptor/handoff/local.mk: the keyring hand-off (seal, claim, revoke) and
# the PAM environment - what pam_credssp runs.  Uses acceptor/codec and base/.
libcssp_handoff_la_SOURCES += \
	%reldir%/pamenv.c \
	%reldir%/handoff.c %reldir%/handoff_fmt.c %reldir%/handoff.h
