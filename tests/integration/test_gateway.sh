#!/bin/sh
# test_gateway.sh - credssp-gateway in password mode in front of Debian's
# unmodified xrdp 0.9.21 on a Unix socket (docs/XRDP.md), with xfreerdp 2.11
# (CredSSP v6, raw NTLMSSP):
#
#  1. right password, +auth-only: client exit 0 (the RDP connection reached
#     ACTIVE through the relay); xrdp logged the auto logon of the mapped
#     user; the Client Info PDU the gateway sent (--capture) carries
#     INFO_AUTOLOGON, the user, an empty Domain and the password;
#  2. a real session (no +auth-only): xrdp-sesman logs the PAM login
#     ("created session (access granted)") and starts the session;
#  3. wrong password: client exit 134 (errorCode STATUS_LOGON_FAILURE) and
#     xrdp is never contacted: not one new line in xrdp's log;
#  4. Restricted Admin (no password) is refused without contacting xrdp;
#  5. xrdp unreachable: the audit line says so (backend_unreachable).
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway
gw_make_user
gw_keyfile "$T/keys" "$GW_USER" "$GW_PASS"
gw_xrdp_configs unix
gw_pam_stack plain
gw_start_xrdp
gw_xvfb
gw_gateway gw --ntlm-keyfile "$T/keys" --capture "$T/capture.bin"

# 1. right password, auth-only
gw_xf good "/u:$GW_USER" "/p:$GW_PASS"
[ "$XF_RC" = 0 ] || gw_fail "xfreerdp exit $XF_RC, expected 0 (ACTIVE through the gateway)"
grep -q "Authentication only, exit status 0" "$T/good.out" || gw_fail "client did not report success"
gw_wait_audit "$T/gw.json" 1
gw_json "$T/gw.json" 1 outcome=ok mode=password protocol=hybrid mech=ntlm cred_type=password \
    "user=$GW_USER" "local_user=$GW_USER" "backend=unix:$XRDP_SOCK" error_code=null
grep -q "Client requested auto logon." "$T/xrdp.log" || gw_fail "xrdp saw no auto logon"
grep -q "Client supplied username: $GW_USER\$" "$T/xrdp.log" || gw_fail "xrdp saw another user"
grep -q "draw login window" "$T/xrdp.log" && gw_fail "xrdp drew its login window"
gw_capture_info "$T/capture.bin" >"$T/info1.json" || gw_fail "cannot decode the capture"
"$PY" - "$T/info1.json" "$GW_USER" "$GW_PASS" <<'EOF' || gw_fail "Client Info PDU sent to xrdp"
import json, sys
i, user, pw = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
assert i["count"] == 1, i
assert i["flags"] & 0x8, "INFO_AUTOLOGON missing: 0x%x" % i["flags"]
assert i["flags"] & 0x33 == 0x33, "flags xrdp needs: 0x%x" % i["flags"]
assert i["user"] == user and i["domain"] == "" and i["password"] == pw, i
EOF
gw_ok "right password: client 0 (ACTIVE), xrdp auto logon, Client Info rewritten"

# 2. a real session: the PAM login in xrdp-sesman
gw_full_session full "/u:$GW_USER" "/p:$GW_PASS"
[ "$GW_SESSION" = ok ] || gw_fail "xrdp-sesman logged no PAM login for $GW_USER ($GW_SESSION)"
gw_wait_audit "$T/gw.json" 2
gw_json "$T/gw.json" 2 outcome=ok ending=client_closed "local_user=$GW_USER"
gw_ok "session: sesman 'created session (access granted): username $GW_USER', session started"

# 3. wrong password: refused before xrdp
sleep 1
xrdp_lines=$(gw_lines "$T/xrdp.log")
gw_xf bad "/u:$GW_USER" /p:wrong-password
[ "$XF_RC" = 134 ] || gw_fail "xfreerdp exit $XF_RC, expected 134 (LOGON_FAILURE)"
gw_wait_audit "$T/gw.json" 3
gw_json "$T/gw.json" 3 outcome=logon_failure error_code=0xC000006D backend=null
sleep 1
[ "$(gw_lines "$T/xrdp.log")" = "$xrdp_lines" ] || gw_fail "xrdp was contacted after a failed NLA"
gw_ok "wrong password: client 134, errorCode 0xC000006D, no new line in xrdp's log"

# 4. Restricted Admin: no password to give xrdp, refused without contacting it
gw_xf ra "/u:$GW_USER" "/p:$GW_PASS" /restricted-admin
[ "$XF_RC" != 0 ] || gw_fail "Restricted Admin logon went through"
gw_wait_audit "$T/gw.json" 4
gw_json "$T/gw.json" 4 outcome=cred_type_refused reason=restricted_admin backend=null
[ "$(gw_lines "$T/xrdp.log")" = "$xrdp_lines" ] || gw_fail "xrdp was contacted for Restricted Admin"
gw_ok "Restricted Admin: refused (client $XF_RC), xrdp not contacted"

gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "gateway exit status $GW_RC after SIGTERM"

# 5. xrdp not there: the client is let in by CredSSP, then the gateway says why it failed
real_backend=$GW_BACKEND
GW_BACKEND="unix:$T/missing.sock"
gw_gateway none --ntlm-keyfile "$T/keys"
gw_xf none "/u:$GW_USER" "/p:$GW_PASS"
[ "$XF_RC" != 0 ] || gw_fail "xfreerdp exit 0 without xrdp"
gw_wait_audit "$T/none.json" 1
gw_json "$T/none.json" 1 outcome=backend_unreachable "backend=$GW_BACKEND" "local_user=$GW_USER"
gw_gateway_stop
GW_BACKEND=$real_backend
gw_ok "xrdp unreachable: client $XF_RC, audit backend_unreachable"
exit 0
