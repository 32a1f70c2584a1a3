#!/bin/sh
# interop_pam_slow_kdc.sh - a slow KDC: the PAM stage is bounded and users
# who do not need the KDC are not affected (issue 11 "KDC down or slow").
#
# The acceptor itself never contacts the KDC (it verifies AP-REQs with its
# keytab, interop_spnego_krb5.sh), so what a slow KDC holds up is pam_krb5
# in the PAM stage.  The stack, under pam_wrapper: pam_matrix sufficient for
# bob (a local account), then pam_krb5 for everyone else, against the
# throwaway MIT KDC (mkrealm.sh) reached through kdc_delay.py, a loopback
# proxy that holds each reply 4 s while $T/slow exists.  Logins: NTLM
# (key file) with spnego_client.py; the delegated password goes to PAM.
#  1. KDC fast: alice logs in (pam_krb5 gets her TGT through the proxy: the
#     proxy saw requests);
#  2. KDC slow: two alice logins end with pam_timeout (--pam-timeout 1500),
#     EUA denied, each within 3.5 s of its accept (report elapsed_ms); a third one is refused at once
#     (pam_busy, alice's share of 2 is taken) ; bob logs in meanwhile (EUA
#     success); X.224 requests are answered within 100 ms; the thread count
#     stays at 1 + step threads + PAM workers + 1;
#  3. KDC fast again: alice logs in again once her stuck jobs have returned
#     (bounded wait), and the server stops cleanly on SIGTERM.
. "$(dirname "$0")/interop_lib.sh"
il_init slowkdc
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
PAMKRB5=/usr/lib/x86_64-linux-gnu/security/pam_krb5.so
il_need timeout hostname "$MATRIX" "$PAMKRB5"
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
il_kdc
unset KRB5CCNAME
WORKERS=4
STEPS=2
il_users_alice_bob
printf 'bob:bobpw:credssp-test\n' >"$T/bob.passdb"

"$PY" "$top_srcdir/tests/integration/kdc_delay.py" "$KDC_PORT" "$T/proxy.port" "$T/slow" 4000 \
    "$T/proxy.log" 2>"$T/proxy.err" &
IL_PIDS="$IL_PIDS $!"
for _ in $(seq 2400); do [ -s "$T/proxy.port" ] && break; sleep 0.05; done
[ -s "$T/proxy.port" ] || il_fail "kdc_delay.py did not start: $(cat "$T/proxy.err")"
sed "s/kdc = 127.0.0.1:$KDC_PORT/kdc = 127.0.0.1:$(cat "$T/proxy.port")/" "$KRB5_CONFIG" >"$T/krb5-proxy.conf"
grep -q "kdc = 127.0.0.1:$(cat "$T/proxy.port")" "$T/krb5-proxy.conf" || il_fail "krb5.conf not redirected"
mkdir -p "$T/pam"
cat >"$T/pam/credssp-test" <<EOF
auth sufficient $MATRIX passdb=$T/bob.passdb
auth required $PAMKRB5 no_ccache keytab=$KEYTAB
account required pam_permit.so
EOF
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam/other"

threads() { awk '/^Threads:/ { print $2 }' /proc/"$SRV_PID"/status; }
# report TAG USER KEY=VALUE...: the report of USER's latest login has these
report() {
    _t=$1
    _u=$2
    shift 2
    grep "\"user\":\"$_u\"" "$T/kdc.json" | tail -n 1 >"$T/$_t.json"
    il_expect_json "$T/$_t.json" 1 "$@"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam"
IL_SERVER_WRAP="$IL_SERVER_WRAP KRB5_CONFIG=$T/krb5-proxy.conf"
il_server kdc --ntlm-keyfile "$T/keys" --pam-service credssp-test --pam-timeout 1500 \
    --pam-workers "$WORKERS" --pam-per-user 2 --step-threads "$STEPS"
IL_SERVER_WRAP=

# 1. KDC fast
il_login_bg fast1 alice alicepw
wait "$LPID" || il_fail "alice with a fast KDC: $(tail -n 3 "$T/fast1.out")"
grep -qx "eua: 00000000" "$T/fast1.out" || il_fail "alice with a fast KDC: no EUA success"
report fast1 alice outcome=ok pam=ok eua=0
[ -s "$T/proxy.log" ] || il_fail "pam_krb5 never asked the KDC through the proxy"
il_ok "KDC fast: alice logs in through pam_krb5 ($(wc -l <"$T/proxy.log") KDC request(s))"

# 2. KDC slow
touch "$T/slow"
: >"$T/proxy.log"
T0=$(date +%s%N)
il_login_bg slow1 alice alicepw
A1=$LPID
il_login_bg slow2 alice alicepw
A2=$LPID
for _ in $(seq 2400); do [ -s "$T/proxy.log" ] && break; sleep 0.05; done
[ -s "$T/proxy.log" ] || il_fail "alice's jobs never reached the KDC"
MAXTH=$(threads)
sleep 0.3
il_login_bg slow3 alice alicepw
A3=$LPID
"$PY" "$top_srcdir/tests/integration/x224_probe.py" "$PORT" 10 100 >"$T/x224.out" 2>&1 ||
    il_fail "X.224 while alice's jobs wait on the KDC: $(cat "$T/x224.out")"
TB=$(date +%s%N)
il_login_bg bob bob bobpw
wait "$LPID" || il_fail "bob while the KDC is slow: $(tail -n 3 "$T/bob.out")"
BOB_MS=$(ms_since "$TB")
grep -qx "eua: 00000000" "$T/bob.out" || il_fail "bob: no EUA success"
report bob bob outcome=ok pam=ok eua=0
TH=$(threads)
[ "$TH" -gt "$MAXTH" ] && MAXTH=$TH
wait "$A3"
wait "$A1"
wait "$A2"
SLOW_MS=$(ms_since "$T0")
for t in slow1 slow2 slow3; do
    grep -qx "eua: 05000000" "$T/$t.out" || il_fail "$t: no EUA access denied"
done
[ "$(grep -c '"outcome":"pam_timeout"' "$T/kdc.json")" = 2 ] || il_fail "not 2 pam_timeout reports"
[ "$(grep -c '"outcome":"pam_busy"' "$T/kdc.json")" = 1 ] || il_fail "not 1 pam_busy report"
# bounded by the server: from accept to the pam_timeout verdict (an unbounded
# job needs 2 x 4 s or more: AS-REQ, pre-authenticated AS-REQ, TGS-REQ)
MAXMS=$(grep '"outcome":"pam_timeout"' "$T/kdc.json" | sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' | sort -n | tail -n 1)
[ "$MAXMS" -lt 3500 ] || il_fail "a pam_timeout login took $MAXMS ms (KDC replies 4000 ms late, --pam-timeout 1500)"
[ "$MAXTH" -le $((1 + STEPS + WORKERS + 1)) ] ||
    il_fail "threads $MAXTH > 1 + $STEPS step threads + $WORKERS PAM workers + 1 watcher"
il_ok "KDC slow: alice 2 x pam_timeout (at most $MAXMS ms each) + 1 x pam_busy, all clients done in $SLOW_MS ms; bob in $BOB_MS ms; $(tail -n 1 "$T/x224.out"); threads <= $MAXTH"

# 3. KDC fast again; alice's stuck jobs return once their late replies came
rm -f "$T/slow"
OK=""
for i in $(seq 15); do
    sleep 1
    il_login_bg "again$i" alice alicepw
    wait "$LPID"
    if grep -qx "eua: 00000000" "$T/again$i.out"; then OK=$i; break; fi
done
[ -n "$OK" ] || il_fail "alice never logged in again after the KDC was fast again"
report again alice outcome=ok pam=ok eua=0
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "SIGTERM: exit $SRV_RC"
il_ok "KDC fast again: alice logs in (attempt $OK); clean stop"
exit 0
