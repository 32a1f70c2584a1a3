#!/bin/sh
# test_gateway_slow_nss.sh - a slow NSS for one user never stalls the other
# clients of credssp-gateway, and that user's login is bounded (issue 11
# "winbind/NSS slow"; the credssp-server side is test_slow_nss.sh).
#
# After CredSSP the gateway maps the authenticated user to a local account
# that must exist (examples/common/account.c: getpwnam_r), which with
# nss_winbind / sssd can block for seconds.  tests/integration/slownss.c
# (LD_PRELOAD into the gateway) makes getpwnam / getpwnam_r of bob take 3 s
# each; the test user's lookups are untouched.  Debian's xrdp behind the
# gateway (root; skips like the other gateway tests).  The gateway used to
# look the account up on its event loop (admit.c): every connection stood
# still for the 2 x 3 s of bob's lookups.  It runs on the step pool now,
# bounded by --step-timeout.
#  1. while bob's lookup hangs: 10 X.224 requests are each answered within
#     100 ms and 2 NLA logins of the test user get EUA success (TLS 1.3 and
#     1.2, 1.5 s each at most), all within the 3 s of bob's first lookup;
#  2. bob's login ends at --step-timeout (1000 ms): outcome "timeout",
#     reason "account_lookup", EUA access denied, within 2.5 s of the accept;
#  3. the thread count stays at 1 + --step-threads (2) + 1, and
#     --step-threads refuses values outside 0..64;
#  4. once the lookups have returned, the test user still logs in and the
#     gateway stops cleanly on SIGTERM.
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-nss
gw_slow_setup slownss.so
STEPS=2

# --step-threads: 0..64, anything else is a usage error (exit 2, no start)
for bad in -1 65 two 3x ''; do
    "$GATEWAY" --backend "$GW_BACKEND" --listen 127.0.0.1:0 --step-threads "$bad" \
        >"$T/bad.out" 2>&1
    rc=$?
    [ "$rc" = 2 ] && grep -q -- '--step-threads wants 0..64' "$T/bad.out" ||
        gw_fail "--step-threads '$bad': exit $rc, $(head -n 1 "$T/bad.out")"
done
gw_ok "--step-threads refuses -1, 65, two, 3x and an empty value"
threads() { awk '/^Threads:/ { print $2 }' /proc/"$GW_PID"/status; }
logins() {      # logins TAG COUNT: the test user's NLA logins through the gateway
    NTLM_USER_FILE="$T/ntlm_user" CSSP_PASSWORD="$GW_PASS" timeout 30 "$PY" "$LOAD" logins \
        --port "$PORT" --user "$GW_USER" --domain TESTDOM --target "TERMSRV@$HOST" --count "$2" \
        --tls 1.3,1.2 --limit-ms 1500 >"$T/$1.out" 2>&1
    grep -q "^summary: ok_within_limit=$2 of $2" "$T/$1.out" || gw_fail "$1: $(cat "$T/$1.out")"
}

GW_GATEWAY_WRAP="env LD_PRELOAD=$SHIM CSSP_SLOW_NSS_USER=bob CSSP_SLOW_NSS_MS=3000 CSSP_SLOW_NSS_MARK=$T/mark" \
    gw_gateway gw --ntlm-keyfile "$T/keys" --step-timeout 1000 --step-threads "$STEPS"
T0=$(date +%s%N)
gw_bob_bg "NSS lookup"
TM=$(date +%s%N)
MAXTH=$(threads)

# 1. the others while bob's lookup hangs
"$PY" "$top_srcdir/tests/integration/x224_probe.py" "$PORT" 10 100 >"$T/x224.out" 2>&1 ||
    gw_fail "X.224 while bob's lookup hangs: $(cat "$T/x224.out")"
logins during 2
TH=$(threads)
[ "$TH" -gt "$MAXTH" ] && MAXTH=$TH
OTHERS_MS=$((($(date +%s%N) - TM) / 1000000))
[ "$OTHERS_MS" -lt 3000 ] || gw_fail "the others took $OTHERS_MS ms: not served while bob's 3 s lookup hung"
gw_ok "while bob's NSS lookup hangs: $(tail -n 1 "$T/x224.out"); 2 logins (all in $OTHERS_MS ms)"

# 2. bob's login is bounded by --step-timeout
wait "$BOB_PID"
MS=$((($(date +%s%N) - T0) / 1000000))
grep -q '"user":"bob"' "$T/gw.json" || gw_fail "no report for bob"
grep '"user":"bob"' "$T/gw.json" >"$T/bob.json"
gw_json "$T/bob.json" 1 outcome=timeout reason=account_lookup eua=5 ending=refused local_user=null \
    ntlm_source=keyfile
grep -qx 'eua: 05000000' "$T/bob.out" || gw_fail "bob: no EUA access denied: $(cat "$T/bob.out")"
SRV_MS=$(sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' "$T/bob.json")
[ "$SRV_MS" -lt 2500 ] || gw_fail "bob's login took $SRV_MS ms (lookups 2 x 3000 ms, --step-timeout 1000)"
gw_ok "bob's login: timeout, EUA denied after $SRV_MS ms (client: $MS ms), lookup still hanging"

# 3. bounded threads
[ "$MAXTH" -le $((1 + STEPS + 1)) ] || gw_fail "threads $MAXTH > 1 + $STEPS step threads + 1"
gw_ok "threads at most $MAXTH"

# 4. after the lookups returned (2 x 3 s from bob's first)
while [ $((($(date +%s%N) - TM) / 1000000)) -lt 6500 ]; do sleep 0.2; done
logins after 1
gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "SIGTERM: exit $GW_RC"
gw_ok "gateway still serving after the slow lookup; clean stop"
exit 0
