# tests/integration/trust.mk: trust boundaries of the hand-off, enrolment and
# names (issue 10).  test_trust.sh installs suid_pam setuid root
# in a scratch directory with a real /etc/pam.d service file and attacks it as
# nobody (runs as root only; skips otherwise).

# The setuid PAM application: libpam only (the loader ignores LD_* for it).
check_PROGRAMS += tests/integration/suid_pam
tests_integration_suid_pam_SOURCES = tests/integration/suid_pam.c
tests_integration_suid_pam_LDADD = $(PAM_LIBS)

# Seals a hand-off record with credssp_handoff_store (the attacker's tool).
check_PROGRAMS += tests/integration/handoff_forge
tests_integration_handoff_forge_SOURCES = tests/integration/handoff_forge.c $(RESULT_FIXTURE)
tests_integration_handoff_forge_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_integration_handoff_forge_LDADD = $(PAM_UNIT_LDADD)

dist_check_SCRIPTS += tests/integration/test_trust.sh
TESTS += tests/integration/test_trust.sh
