# tests/integration/admission.mk: admission control of both front ends
# under idle-socket attack (owner: admission; docs/ADMISSION.md).
# test_admission.sh: credssp-server; test_gateway_admission.sh: the gateway
# in front of Debian's xrdp (root; skips like the other gateway tests).
# admission_load.py is the attacker and the timed login client.
ADMISSION_TESTS = \
	tests/integration/test_admission.sh \
	tests/integration/test_gateway_admission.sh
dist_check_SCRIPTS += $(ADMISSION_TESTS)
EXTRA_DIST += tests/integration/admission_load.py
TESTS += $(ADMISSION_TESTS)

