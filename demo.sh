#!/bin/bash
# demo.sh - see credssp do its job, in one command (root, fresh Debian 12).
#
#   ./demo.sh          the real job: an RDP login with Network Level
#                      Authentication that lands in a Linux desktop
#   ./demo.sh --quick  authentication only, in a few seconds
#
# Both install the dependencies (tests/deps.sh) and build out of tree in
# ./build (autogen only if ./configure is missing), then:
#
# Default (about a minute):
#   1. a throwaway MIT Kerberos realm on loopback (tests/integration/
#      mkrealm.sh) and a throwaway local user with the same password there;
#   2. Debian's stock xrdp + xrdp-sesman + Xvnc, started privately on a Unix
#      socket (nothing under /etc is changed; sesman's PAM stack comes from
#      pam_wrapper: pam_credssp, pam_unix, pam_krb5 for the ticket);
#   3. credssp-gateway in front of it, in token mode, from a config file;
#   4. xfreerdp under Xvfb logs in with /sec:nla (CredSSP v6, NTLM): the
#      gateway authenticates, gives xrdp a one-time token, pam_credssp turns
#      it back into the password, pam_unix checks it, pam_krb5 gets a TGT,
#      and sesman starts the desktop;
#   5. prints the gateway's report and the session user's klist (run inside
#      the session), saves a screenshot of the desktop the client received
#      (build/demo-desktop.png), and stops everything it started, by PID
#      (gateway, xrdp, sesman and the session, Xvfb, the KDC; the user is
#      removed).
#
# --quick: credssp-server with an ephemeral certificate and a demo account in
# a temporary NT-hash key file; xfreerdp /sec:nla +auth-only; the server's
# report.  That server authenticates but has no desktop behind it: after NLA
# it logs the client off, so xfreerdp exits with 131: expected
# (docs/INTEROP.md).
# Exit status 0 when the login succeeded.
set -u

SRC=$(cd "$(dirname "$0")" && pwd)
BUILD="$SRC/build"
MODE=desktop
case ${1:-} in
'') ;;
--quick) MODE=quick ;;
-h | --help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "usage: demo.sh [--quick]" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# 1. dependencies
if [ "$(id -u)" = 0 ]; then
    say "installing dependencies (tests/deps.sh)"
    sh "$SRC/tests/deps.sh" || die "tests/deps.sh failed"
elif [ "$MODE" = desktop ]; then
    die "the desktop demo must run as root (a throwaway user, xrdp-sesman); try --quick"
else
    say "not root: skipping tests/deps.sh, assuming the packages are installed"
fi

# 2. build (only what the demo needs)
say "building in $BUILD"
if [ ! -x "$SRC/configure" ]; then
    (cd "$SRC" && ./autogen.sh) || die "autogen.sh failed"
fi
mkdir -p "$BUILD"
if [ ! -f "$BUILD/Makefile" ]; then
    (cd "$BUILD" && "$SRC/configure" -q) || die "configure failed"
fi
if [ "$MODE" = quick ]; then
    targets="examples/credssp-server examples/credssp-keyfile"
else
    targets="examples/credssp-gateway examples/credssp-keyfile pam_credssp/pam_credssp.la"
fi
# shellcheck disable=SC2086  # a word list
make -C "$BUILD" -j"$(nproc)" $targets >"$BUILD/demo-make.log" 2>&1 ||
    { tail -n 30 "$BUILD/demo-make.log"; die "build failed"; }

if [ "$MODE" = quick ]; then
    exec "$SRC/examples/demo/quick.sh" "$BUILD"
fi
exec "$SRC/examples/demo/desktop.sh" "$BUILD"
