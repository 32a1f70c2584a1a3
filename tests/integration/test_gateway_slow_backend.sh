#!/bin/sh
# test_gateway_slow_backend.sh - a slow identity back end never stalls the
# other clients of credssp-gateway (issue 15; the credssp-server side is
# test_slow_backend.sh).
#
# Debian's xrdp behind the gateway (root; skips like the other gateway
# tests).  tests/integration/slowkey.c (LD_PRELOAD into the gateway) makes
# gss-ntlmssp's open of bob's key entry - inside gss_accept_sec_context -
# sleep 2 s.  While bob's login waits on it, 10 X.224 Connection Requests
# are each answered within 100 ms and 2 NLA logins of the test user through
# the gateway get EUA success, all before bob's login ends.  Before deferred
# mode the gateway's loop sat in gss_accept_sec_context for those 2 s.
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-slow
gw_slow_setup slowkey.so

GW_GATEWAY_WRAP="env LD_PRELOAD=$SHIM CSSP_SLOW_USER=bob CSSP_SLOW_MS=2000 CSSP_SLOW_MARK=$T/mark" \
    gw_gateway gw --ntlm-keyfile "$T/keys"
gw_bob_bg "back end"
"$PY" "$top_srcdir/tests/integration/x224_probe.py" "$PORT" 10 100 >"$T/x224.out" 2>&1 ||
    gw_fail "X.224 while bob waits: $(cat "$T/x224.out")"
cat "$T/x224.out"
NTLM_USER_FILE="$T/ntlm_user" CSSP_PASSWORD="$GW_PASS" timeout 30 "$PY" "$LOAD" logins \
    --port "$PORT" --user "$GW_USER" --domain TESTDOM --target "TERMSRV@$HOST" --count 2 \
    --tls 1.3,1.2 --limit-ms 1500 >"$T/logins.out" 2>&1
cat "$T/logins.out"
grep -q '^summary: ok_within_limit=2 of 2' "$T/logins.out" || gw_fail "logins while bob waits"
kill -0 "$BOB_PID" 2>/dev/null || gw_fail "bob's login ended before the others were served"
wait "$BOB_PID"
grep -q '^server_binding: ok' "$T/bob.out" || gw_fail "bob's CredSSP exchange: $(cat "$T/bob.out")"
gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "SIGTERM: exit $GW_RC"
gw_ok "while bob's back end takes 2 s: X.224 answered within 100 ms, 2 logins through the gateway"
exit 0
