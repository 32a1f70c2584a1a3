# tests/integration/hardening.mk: the example daemons' own safety rules
# (issue 10.6), without xrdp or a KDC.
# outfiles.sh: --port-file (server, gateway) and --capture (gateway) never
# write through a planted file or link.
HARDENING_TESTS = \
	tests/integration/outfiles.sh
dist_check_SCRIPTS += $(HARDENING_TESTS)
TESTS += $(HARDENING_TESTS)
