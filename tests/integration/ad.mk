# tests/integration/ad.mk: tests against a throwaway Samba AD DC (owner: ad).
# ad_lib.sh provisions and starts it per test under the test's temp dir and
# holds a flock, so that `make -j2 check` runs these one after the other.
# They skip (77) without the Samba packages (tests/deps.sh PKGS_AD) or root.
AD_TESTS = tests/integration/ad_logon.sh
dist_check_SCRIPTS += $(AD_TESTS)
EXTRA_DIST += tests/integration/ad_lib.sh
TESTS += $(AD_TESTS)
