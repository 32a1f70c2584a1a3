#!/bin/sh
# demo_desktop.sh - CI runs the desktop demo: examples/demo/desktop.sh (what
# ./demo.sh execs after installing the packages and building) against this
# build tree.  The demo takes the gateway tests' lock and fixtures itself
# (gateway_lib.sh gw_init: the flock on credssp-gateway-tests.lock, port 3350,
# X display locks), uses loopback and a Unix socket only, and stops what it
# started by PID.  Asserted from its output and files:
#  1. exit 0 and its closing line;
#  2. the screenshot BUILD/demo-desktop.png exists, is a PNG and not empty
#     (more than 16 colours, as the demo checks);
#  3. the session user's klist printed "inside the session": a ticket cache
#     with the user's principal and krbtgt/TEST.LOCAL@TEST.LOCAL;
#  4. the user and the scratch directory are gone, no process of the demo
#     survives it.
# It runs in the plain and the ASan build (gateway_lib.sh preloads the ASan
# runtime where an instrumented gateway or pam_credssp needs it); about 21 s.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
[ "$(id -u)" = 0 ] || { echo "SKIP: the desktop demo needs root (useradd, xrdp-sesman)"; exit 77; }
SHOT=$top_builddir/demo-desktop.png
OUT=$(mktemp "${TMPDIR:-/tmp}/credssp-demo-out.XXXXXX") || exit 1
trap 'rm -f "$OUT" "$SHOT"' EXIT
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$OUT"; exit 1; }
rm -f "$SHOT"
# bounded: gw_init waits at most 900 s for the gateway tests' lock, the demo itself ~21 s
timeout -k 10 1200 bash "$top_srcdir/examples/demo/desktop.sh" "$top_builddir" >"$OUT" 2>&1
RC=$?
[ "$RC" = 77 ] && { cat "$OUT"; exit 77; }
[ "$RC" = 0 ] || fail "desktop.sh exit $RC"
grep -q "^==> NLA login, PAM-checked password, Kerberos ticket, desktop: done" "$OUT" ||
    fail "no closing line"
echo "ok: desktop.sh exit 0"

[ -s "$SHOT" ] || fail "no screenshot $SHOT"
[ "$(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$SHOT is not a PNG"
COLOURS=$(convert "$SHOT" -format %k info:)
[ "$COLOURS" -gt 16 ] || fail "screenshot with $COLOURS colours"
echo "ok: screenshot $SHOT ($COLOURS colours)"

USER_=$(sed -n 's/^    user \([^ ]*\) (random password).*/\1/p' "$OUT")
[ -n "$USER_" ] || fail "the demo named no user"
sed -n '/inside the session:/,/screenshot of the desktop/p' "$OUT" >"$OUT.klist"
grep -q "Logged in over NLA through credssp-gateway as $USER_\$" "$OUT.klist" ||
    { rm -f "$OUT.klist"; fail "the session did not run as $USER_"; }
grep -q "Default principal: $USER_@TEST.LOCAL" "$OUT.klist" ||
    { rm -f "$OUT.klist"; fail "no klist of $USER_@TEST.LOCAL inside the session"; }
grep -q "krbtgt/TEST.LOCAL@TEST.LOCAL" "$OUT.klist" ||
    { rm -f "$OUT.klist"; fail "no TGT in the session's klist"; }
rm -f "$OUT.klist"
echo "ok: klist inside the session: $USER_@TEST.LOCAL holds krbtgt/TEST.LOCAL@TEST.LOCAL"

# the scratch directory, as the demo names it, is on the command line of all
# it started (xrdp, sesman, the session's wm.sh, the gateway)
DIR=$(sed -n 's|^==> credssp-gateway (token mode) from \(.*\)/gateway.conf$|\1|p' "$OUT")
[ -n "$DIR" ] || fail "the demo named no scratch directory"
if id "$USER_" >/dev/null 2>&1; then fail "the demo user $USER_ was not removed"; fi
[ -e "$DIR" ] && fail "the demo left $DIR"
LEFT=$(python3 - "$DIR/" <<'PYEOF'
import os, sys
n = 0
for d in os.listdir("/proc"):
    if d.isdigit() and int(d) != os.getpid():
        try:
            n += sys.argv[1].encode() in open("/proc/%s/cmdline" % d, "rb").read()
        except OSError:
            pass
print(n)
PYEOF
)
[ "$LEFT" = 0 ] || fail "$LEFT process(es) of the demo survive it"
echo "ok: user $USER_ and $DIR removed, none of the demo's processes left"
exit 0
