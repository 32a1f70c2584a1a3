# acceptor/ad.mk: Active Directory helpers (owner: ad): the winbind reachability
# probe for NTLM pass-through and the domain-user account mapping
# (docs/ACTIVE-DIRECTORY.md, docs/IDENTITY.md).
libcredssp_core_la_SOURCES += \
	acceptor/winbind_probe.c acceptor/winbind_probe.h
