#!/bin/bash
# examples/demo/desktop.sh BUILD - `./demo.sh` after the build: the real job.
# An RDP client logs in with Network Level Authentication through
# credssp-gateway and lands in an xrdp desktop; the password is checked by
# PAM, and the session holds the user's Kerberos ticket.  Root only.
#
# The xrdp / sesman / Xvfb / user plumbing is the gateway tests'
# (tests/integration/gateway_lib.sh): stock xrdp 0.9.21 on a Unix socket in a
# scratch directory, xrdp-sesman with a pam_wrapper PAM stack (nothing under
# /etc is changed), a throwaway user, every process stopped by PID at the end.
# The "desktop" is what sesman starts as the window manager: a coloured root
# window, a clock, and a window showing `klist` as run inside the session.
set -u

BUILD=${1:?usage: desktop.sh BUILD}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SHOT=$BUILD/demo-desktop.png
top_srcdir=$SRC
top_builddir=$BUILD
. "$SRC/tests/integration/gateway_lib.sh"
KEYADD=$BUILD/examples/credssp-keyfile
KDC_DIR=""

say() { printf '==> %s\n' "$*"; }

# gw_keyfile FILE USER PASSWORD: the NT hash, written by credssp-keyfile.
gw_keyfile() {
    printf '%s\n' "$3" | "$KEYADD" -f "$1" add "$2" >/dev/null || gw_fail "credssp-keyfile add"
}

# Stop the KDC, then everything gateway_lib started (gw_cleanup exits).
demo_cleanup() {
    rc=$?
    [ -n "$KDC_DIR" ] && sh "$SRC/tests/integration/stoprealm.sh" "$KDC_DIR" >/dev/null 2>&1
    (exit "$rc")
    gw_cleanup
}

gw_need klist kadmin.local xwd convert xsetroot xclock xmessage
gw_init demo
trap demo_cleanup EXIT

# 1. a throwaway realm (TEST.LOCAL on a loopback port) and user
say "throwaway Kerberos realm (MIT KDC on 127.0.0.1) and local user"
KDC_DIR=$T/kdc
eval "$(sh "$SRC/tests/integration/mkrealm.sh" "$KDC_DIR")" || gw_fail "mkrealm.sh"
unset KRB5CCNAME
gw_make_user
kadmin.local -q "addprinc -pw $GW_PASS $GW_USER" >"$T/kadmin.log" 2>&1 ||
    gw_fail "kadmin.local addprinc"
gw_keyfile "$T/keys" "$GW_USER" "$GW_PASS"
echo "    user $GW_USER (random password), principal $GW_USER@TEST.LOCAL, KDC port $KDC_PORT"

# 2. xrdp + sesman, with the login stack and the demo desktop
say "xrdp 0.9.21 + xrdp-sesman on a private Unix socket"
gw_xrdp_configs unix
gw_pam_stack token
cat >"$T/pam.d/xrdp-sesman" <<EOF
# the token from the gateway -> the real password (PAM_AUTHTOK), checked by
# pam_unix; pam_krb5 gets the user's TGT with it (ticket cache at setcred)
auth     [success=done ignore=ignore default=die]  $PAM_CREDSSP $GW_PAM_TOKEN_OPTION
auth     required  pam_unix.so use_first_pass
auth     required  pam_krb5.so use_first_pass keytab=$KDC_DIR/service.keytab ccache_dir=$T/cc
account  required  pam_unix.so
session  required  pam_krb5.so
session  required  pam_unix.so
password required  pam_unix.so
EOF
mkdir -p "$T/cc" "$T/session"
chmod 1777 "$T/cc"
chown "$GW_USER" "$T/session"
cat >"$T/wm.sh" <<EOF
#!/bin/sh
# the demo desktop, started by xrdp-sesman as $GW_USER in the new session
xsetroot -solid '#1d4f7a'
{ echo "Logged in over NLA through credssp-gateway as \$(id -un)"
  echo
  echo "\$ klist"
  klist 2>&1; } >"$T/session/klist.txt"
xclock -geometry 180x180+40+40 -update 1 &
xmessage -geometry +260+40 -file "$T/session/klist.txt" &
sleep 2
touch "$T/session/ready"
exec sleep 3600
EOF
chmod 755 "$T/wm.sh"
gw_start_xrdp
gw_xvfb

# 3. the gateway, from a configuration file
say "credssp-gateway (token mode) from $T/gateway.conf"
cat >"$T/gateway.conf" <<EOF
# credssp.conf(5)
ntlm-keyfile = $T/keys
mode = token
EOF
chmod 600 "$T/gateway.conf"
gw_gateway gw --config "$T/gateway.conf"

# 4. the client: a real desktop session over NLA
say "xfreerdp /v:127.0.0.1:$PORT /u:$GW_USER /sec:nla (no +auth-only: a desktop)"
timeout 120 xfreerdp "/v:127.0.0.1:$PORT" "/u:$GW_USER" "/p:$GW_PASS" /sec:nla /cert:ignore \
    /size:1000x720 >"$T/xfreerdp.out" 2>&1 &
XF_PID=$!
GW_PIDS="$GW_PIDS $XF_PID"
for _ in $(seq 600); do
    [ -e "$T/session/ready" ] && break
    kill -0 "$XF_PID" 2>/dev/null || break
    sleep 0.1
done
[ -e "$T/session/ready" ] || gw_fail "no desktop session came up (client exit: see the logs)"
sleep 3                      # let the client draw the last frames
xwd -root -silent | convert xwd:- "png:$SHOT" || gw_fail "screenshot"
colours=$(convert "$SHOT" -format %k info:)
kill "$XF_PID" 2>/dev/null
wait "$XF_PID" 2>/dev/null
gw_wait_audit "$T/gw.json" 1

# 5. what happened
"$PY" - "$T/gw.json" <<'EOF'
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").readline())
print()
print("  credssp-gateway report")
for k in ("peer", "protocol", "credssp_version", "mech", "user", "cred_type", "local_user",
          "mode", "backend", "outcome", "ending"):
    if k in r:
        print("  %-16s %s" % (k, r[k]))
EOF
echo
echo "  inside the session:"
sed 's/^/    /' "$T/session/klist.txt"
echo
echo "  screenshot of the desktop the client received: $SHOT ($colours colours)"
echo
grep -q "krbtgt/TEST.LOCAL@TEST.LOCAL" "$T/session/klist.txt" || gw_fail "no TGT in the session"
[ "$colours" -gt 16 ] || gw_fail "the screenshot looks empty"
say "NLA login, PAM-checked password, Kerberos ticket, desktop: done"
exit 0
