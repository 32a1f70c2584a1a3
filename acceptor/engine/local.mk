# acceptor/engine/local.mk: the acceptor - configuration, TLS, GSSAPI, the
# public-key binding, the sans-I/O engine and its blocking driver, the
# indexed key file, audit, and the Active Directory start-up checks.
# Uses acceptor/keys, acceptor/codec and base/.
libcssp_engine_la_SOURCES += \
	%reldir%/config.c %reldir%/acceptor_config.h \
	%reldir%/log.c \
	%reldir%/binding.c %reldir%/binding.h \
	%reldir%/gss.c %reldir%/gss.h \
	%reldir%/ntlm_lookup.c \
	%reldir%/keyindex.c %reldir%/keyindex.h %reldir%/keyindex_int.h \
	%reldir%/keyindex_watch.c \
	%reldir%/tls.c %reldir%/tls.h \
	%reldir%/engine.c %reldir%/engine.h \
	%reldir%/engine_auth.c \
	%reldir%/engine_io.c \
	%reldir%/engine_step.c \
	%reldir%/identity.c \
	%reldir%/audit.c %reldir%/audit.h \
	%reldir%/driver.c \
	%reldir%/winbind_probe.c %reldir%/winbind_probe.h \
	%reldir%/keytab_check.c %reldir%/keytab_check.h \
	%reldir%/api_checks.c
