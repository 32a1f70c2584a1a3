#!/bin/bash
# examples/demo/quick.sh BUILD - `./demo.sh --quick` after the build: authentication
# only, with credssp-server (no desktop behind it).
#   1. a throwaway NTLM key file with the account demo / demo-Passw0rd
#      (credssp-keyfile add, the password on stdin);
#   2. examples/credssp-server on 127.0.0.1 (ephemeral certificate, --json
#      --connections 1) and a private Xvfb;
#   3. xfreerdp /sec:nla +auth-only as demo (CredSSP v6, NTLM);
#   4. the server's report (user, mechanism, CredSSP version, whether a
#      credential was delivered; never the password); everything it started
#      is stopped by PID.
# The server logs the client off after NLA: xfreerdp exits with 131, expected.
set -u

BUILD=${1:?usage: quick.sh BUILD}
DEMO_USER=demo
DEMO_PASSWORD=demo-Passw0rd
PIDS=""
WORK=""

say() { printf '==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    [ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

WORK=$(mktemp -d /tmp/credssp-demo.XXXXXX) || die "mktemp"
export HOME="$WORK/home"
mkdir -p "$HOME"

# 1. the demo account (an NT hash in an smbpasswd-format file, never the password)
say "creating a key file with the account '$DEMO_USER'"
printf '%s\n' "$DEMO_PASSWORD" | "$BUILD/examples/credssp-keyfile" -f "$WORK/ntlm.keys" \
    add "$DEMO_USER" || die "cannot write the key file"

# 2. server and X display
say "starting credssp-server on 127.0.0.1 (ephemeral certificate)"
"$BUILD/examples/credssp-server" --json --connections 1 --listen 127.0.0.1:0 \
    --port-file "$WORK/port" --ntlm-keyfile "$WORK/ntlm.keys" \
    >"$WORK/report.json" 2>"$WORK/server.log" &
PIDS="$PIDS $!"
SERVER_PID=$!
for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] || { cat "$WORK/server.log"; die "the server did not start"; }
PORT=$(cat "$WORK/port")

Xvfb -displayfd 3 -nolisten tcp -screen 0 800x600x24 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 200); do [ -s "$WORK/display" ] && break; sleep 0.05; done
[ -s "$WORK/display" ] || die "Xvfb did not start"
export DISPLAY=":$(cat "$WORK/display")"

# 3. the client
say "xfreerdp /v:127.0.0.1:$PORT /u:$DEMO_USER /sec:nla +auth-only"
timeout 30 xfreerdp "/v:127.0.0.1:$PORT" "/u:$DEMO_USER" "/p:$DEMO_PASSWORD" /sec:nla \
    /cert:ignore +auth-only >"$WORK/xfreerdp.log" 2>&1
CLIENT_RC=$?
for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done

# 4. the report
[ -s "$WORK/report.json" ] || { cat "$WORK/server.log"; die "no report from the server"; }
/usr/bin/python3 - "$WORK/report.json" "$CLIENT_RC" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").readline())
rc = int(sys.argv[2])
yes = lambda v: "yes" if v else "no"
mech = {"ntlm": "NTLM", "kerberos": "Kerberos"}.get(r.get("mech"), "-")
if r.get("mech"):
    mech += " (SPNEGO)" if r.get("spnego") else " (raw token)"
print()
print("  credssp-server report for %s" % r.get("peer"))
print("  user                 %s" % (r.get("user") or r.get("principal") or "-"))
print("  mechanism            %s" % mech)
print("  CredSSP version      %s (binding: %s)" % (r.get("credssp_version") or "-", r.get("binding") or "-"))
print("  credential delivered %s%s" % (yes(r.get("delivered")),
      " (%s, not shown)" % r.get("cred_type") if r.get("delivered") else ""))
print("  outcome              %s%s" % (r.get("outcome"),
      " (errorCode %s)" % r["error_code"] if r.get("error_code") else ""))
print("  xfreerdp exit status %d%s" % (rc, " (expected: logged off, no desktop after NLA)"
                                     if rc == 131 else ""))
print()
sys.exit(0 if r.get("outcome") == "ok" and r.get("delivered") else 1)
EOF
STATUS=$?
if [ "$STATUS" = 0 ]; then
    say "login succeeded"
else
    say "login FAILED; server log:"
    cat "$WORK/server.log"
fi
exit "$STATUS"
