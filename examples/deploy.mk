# examples/deploy.mk: what an installation and the demo use besides the
# programs (owner: deb): sample settings (/etc/credssp/*.conf in the Debian
# packages), the systemd units, the demo's two halves (demo.sh runs them),
# and the Debian packaging.
EXTRA_DIST += examples/credssp/gateway.conf examples/credssp/server.conf \
	examples/systemd/credssp-server.service \
	examples/demo/quick.sh examples/demo/desktop.sh
# The Debian packaging and its test stage (tests/run.sh runs it from a tarball too).
EXTRA_DIST += debian tests/debian.sh
