# acceptor/ad.mk: Active Directory helpers (owner: ad): the winbind reachability
# probe for NTLM pass-through and the domain-user account mapping
# (docs/ACTIVE-DIRECTORY.md, docs/IDENTITY.md).
libcssp_engine_la_SOURCES += \
	acceptor/winbind_probe.c acceptor/winbind_probe.h
libcssp_engine_la_SOURCES += \
	acceptor/keytab_check.c acceptor/keytab_check.h
# Their public names (credssp.h) for the front ends.
libcssp_engine_la_SOURCES += acceptor/api_checks.c
# The account mapping is the identity layer pam_credssp runs too: with the keys.
libcssp_keys_la_SOURCES += \
	acceptor/account_map.c acceptor/account_map.h \
	acceptor/account_domain.c acceptor/account_domain.h
# The public domain mapping and key-file name rule (credssp.h, credssp_keyfile.h).
libcssp_keys_la_SOURCES += acceptor/api_domain.c

# Unit tests of the account mapping (cmocka, a fake NSS lookup).
check_PROGRAMS += tests/unit/acceptor/test_account_map
TESTS += tests/unit/acceptor/test_account_map
tests_unit_acceptor_test_account_map_SOURCES = tests/unit/acceptor/test_account_map.c
tests_unit_acceptor_test_account_map_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_account_map_LDADD = $(UNIT_LDADD)

# The start-up checks (winbind probe, keytab enctypes) without a DC.
check_PROGRAMS += tests/unit/acceptor/test_ad_checks
TESTS += tests/unit/acceptor/test_ad_checks
tests_unit_acceptor_test_ad_checks_SOURCES = tests/unit/acceptor/test_ad_checks.c
tests_unit_acceptor_test_ad_checks_CFLAGS = $(UNIT_CFLAGS)
tests_unit_acceptor_test_ad_checks_LDADD = $(UNIT_LDADD)
