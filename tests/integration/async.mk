# tests/integration/async.mk: slow identity back ends never stall the event
# loop (issue 15, docs/ENGINE.md "Deferred mode").
# slowkey.so is an LD_PRELOAD shim that makes gss-ntlmssp's key-entry open
# for one user sleep (the stand-in for a slow domain controller).
check_LTLIBRARIES += tests/integration/slowkey.la
tests_integration_slowkey_la_SOURCES = tests/integration/slowkey.c
tests_integration_slowkey_la_LIBADD = -ldl
tests_integration_slowkey_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
SLOW_BACKEND_TESTS = tests/integration/test_slow_backend.sh \
	tests/integration/test_gateway_slow_backend.sh
dist_check_SCRIPTS += $(SLOW_BACKEND_TESTS)
TESTS += $(SLOW_BACKEND_TESTS)
EXTRA_DIST += tests/integration/x224_probe.py
