#!/bin/sh
# test_gateway_token.sh - credssp-gateway in token mode in front of Debian's
# unmodified xrdp 0.9.21 on loopback TCP (docs/XRDP.md):
#
#  1. the gateway stores the delegated credential through the keyring
#     hand-off and sends xrdp a one-time token as the password: the Client
#     Info PDU it writes (--capture) holds the 64-hex-digit token, and the
#     password appears nowhere in what the gateway sent, nor in xrdp's or
#     xrdp-sesman's logs;
#  2. pam_credssp first in the xrdp-sesman stack (pam_wrapper service, no
#     change under /etc) takes the token as PAM_AUTHTOK, claims the real
#     password and pam_unix (use_first_pass) verifies it: sesman logs the
#     PAM login and starts the session;
#  3. a direct connection to xrdp with /sec:nla still fails (133): xrdp
#     itself has no NLA, only the gateway does;
#  4. --trust: a Restricted Admin logon (no password) gets a session through
#     pam_credssp's `trust` option.
# Steps 2 and 4 use pam_credssp's `authtok` option (the token as PAM_AUTHTOK;
# GW_PAM_TOKEN_OPTION overrides the name).
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-token
[ -f "$PAM_CREDSSP" ] || gw_fail "pam_credssp not built: $PAM_CREDSSP"
gw_make_user
gw_keyfile "$T/keys" "$GW_USER" "$GW_PASS"
gw_xrdp_configs tcp
gw_pam_stack token
gw_pam_stack trust "$T/pam-trust.d"
gw_start_xrdp
gw_xvfb
gw_gateway gw --ntlm-keyfile "$T/keys" --mode token --capture "$T/capture.bin"

# 1 + 2. a real session through the gateway
gw_full_session full "/u:$GW_USER" "/p:$GW_PASS"
gw_wait_audit "$T/gw.json" 1
gw_json "$T/gw.json" 1 outcome=ok mode=token cred_type=password "local_user=$GW_USER" \
    "backend=$GW_BACKEND"
gw_capture_info "$T/capture.bin" >"$T/info1.json" || gw_fail "cannot decode the capture"
"$PY" - "$T/info1.json" "$GW_USER" <<'EOF' || gw_fail "Client Info PDU sent to xrdp"
import json, re, sys
i, user = json.load(open(sys.argv[1])), sys.argv[2]
assert i["count"] == 1, i
assert i["flags"] & 0x8, "INFO_AUTOLOGON missing: 0x%x" % i["flags"]
assert i["user"] == user and i["domain"] == "", i
assert re.fullmatch(r"[0-9a-f]{64}", i["password"]), "password field is not a token"
EOF
for f in "$T/capture.bin" "$T/xrdp.log" "$T/sesman.log"; do
    gw_contains "$f" "$GW_PASS" && gw_fail "the password appears in $f"
done
gw_ok "token mode: xrdp got a one-time token; the password is not in the capture or the logs"

# 3. xrdp directly, with NLA: no NLA there
gw_direct() {
    timeout 60 xfreerdp "/v:127.0.0.1:$XRDP_PORT" /sec:nla /cert:ignore +auth-only \
        "/u:$GW_USER" "/p:$GW_PASS" >"$T/direct.out" 2>&1
    XF_RC=$?
}
gw_direct
[ "$XF_RC" = 133 ] || gw_fail "direct /sec:nla to xrdp: exit $XF_RC, expected 133"
gw_ok "direct /sec:nla to xrdp: 133 (negotiation failure)"

[ "$GW_SESSION" = ok ] ||
    gw_fail "xrdp-sesman logged no PAM login for $GW_USER with the token ($GW_SESSION)"
gw_ok "pam_credssp claimed the token, pam_unix verified the password: session started"
gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "gateway exit status $GW_RC after SIGTERM"

# 4. trust mode: Restricted Admin (no password), pam_credssp `trust` vouches
gw_restart_sesman "$T/pam-trust.d"
gw_gateway trust --ntlm-keyfile "$T/keys" --mode token --trust
gw_full_session ra "/u:$GW_USER" "/p:$GW_PASS" /restricted-admin
gw_wait_audit "$T/trust.json" 1
gw_json "$T/trust.json" 1 outcome=ok mode=token cred_type=restricted_admin "local_user=$GW_USER"
[ "$GW_SESSION" = ok ] || gw_fail "no session for Restricted Admin in trust mode ($GW_SESSION)"
gw_ok "trust mode: Restricted Admin logon, pam_credssp trust, session started"

gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "gateway exit status $GW_RC after SIGTERM"
exit 0
