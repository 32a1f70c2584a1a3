# acceptor/keys/local.mk: NT hashes, smbpasswd-format key files, and the
# identity rules (account mapping, domain settings) pam_credssp runs too.
# Uses base/.
libcssp_keys_la_SOURCES += \
	%reldir%/nthash.c \
	%reldir%/keyfile.c %reldir%/keyfile.h \
	%reldir%/keyfile_update.c \
	%reldir%/account_map.c %reldir%/account_map.h \
	%reldir%/account_domain.c %reldir%/account_domain.h \
	%reldir%/api_domain.c
