# tests/integration/ad.mk: tests against a throwaway Samba AD DC.
# ad_lib.sh provisions and starts it per test under the test's temp dir and
# holds a flock, so that `make -j2 check` runs these one after the other.
# They skip (77) without the Samba packages (tests/deps.sh PKGS_AD) or root.
AD_TESTS = tests/integration/ad_logon.sh tests/integration/ad_gateway.sh
dist_check_SCRIPTS += $(AD_TESTS)
EXTRA_DIST += tests/integration/ad_lib.sh
TESTS += $(AD_TESTS)
# account_map_nss: acceptor/keys/account_map.c against the real NSS (libnss_winbind
# under nss_wrapper) in ad_logon.sh.
check_PROGRAMS += tests/integration/account_map_nss
tests_integration_account_map_nss_SOURCES = tests/integration/account_map_nss.c
tests_integration_account_map_nss_LDADD = libcredssp_core.la $(OPENSSL_LIBS) \
	$(GSSAPI_LIBS) $(KEYUTILS_LIBS)
