#!/bin/sh
# interop_pam_hung.sh - credssp-server --pam-service with a PAM stack that
# hangs (pam_exec /bin/sleep 3600) for everyone but bob, under pam_wrapper
# (TESTING.md 1).  The PAM work is bounded (examples/server/pamjob.c):
#  1. 30 concurrent NLA logins of alice: the thread count stays at most
#     1 + workers + 1 (the old one-thread-per-login code reached 31), at most
#     2 helpers hang (alice's share); logins beyond the share get EUA denied
#     at once (pam_busy), the running ones when --pam-timeout expires
#     (pam_timeout); whatever the arrival order, the two add up to 30;
#  2. bob's login (pam_matrix sufficient), started while alice's jobs hang,
#     succeeds: EUA 00000000;
#  3. the timed-out jobs' sleep helpers are stopped with SIGTERM (which works
#     only when the workers run PAM with signals unblocked);
#  4. SIGTERM with hung jobs: the server exits within 5 s and no helper
#     outlives it.
# Client: spnego_client.py (NTLM, HYBRID_EX).  HUNG_POOL_OPTS overrides the
# pool options (empty = run the scenario against a server without them).
. "$(dirname "$0")/interop_lib.sh"
il_init pamhung
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
PAMEXEC=/usr/lib/x86_64-linux-gnu/security/pam_exec.so
il_need timeout hostname "$MATRIX" "$PAMEXEC" /bin/sleep
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
WORKERS=4
STEPS=2     # --step-threads: the GSS step pool is bounded too
POOL_OPTS=${HUNG_POOL_OPTS-"--pam-workers $WORKERS --pam-queue 8 --pam-per-user 2 --pam-timeout 4000 --step-threads $STEPS"}
il_keyfile "$T/keys" alice TESTDOM alicepw
il_keyfile "$T/keys" bob TESTDOM bobpw
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_alice"
printf 'TESTDOM:bob:bobpw\n' >"$T/ntlm_bob"
printf 'bob:bobpw:credssp-test\n' >"$T/bob.passdb"
HOST=$(hostname)
mkdir -p "$T/pam"
cat >"$T/pam/credssp-test" <<EOF
auth sufficient $MATRIX passdb=$T/bob.passdb
auth required $PAMEXEC quiet /bin/sleep 3600
account required pam_permit.so
EOF
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam/other"

# helpers: the server's child processes (pam_exec's sleep), one PID a line;
# every one seen is remembered in SEEN (none may outlive the server)
SEEN=""
helpers() {
    _h=$(cat /proc/"$SRV_PID"/task/*/children 2>/dev/null)
    SEEN="$SEEN $_h"
    printf '%s' "$_h" | tr ' ' '\n' | grep -c .
}
# stop_helpers: what the server left behind is stopped by PID (never by name)
stop_helpers() {
    for p in $(cat /proc/"$SRV_PID"/task/*/children 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
}
threads() { awk '/^Threads:/ { print $2 }' /proc/"$SRV_PID"/status; }
# login USER PASSWORD TAG: one spnego_client run in the background
login() {
    NTLM_USER_FILE="$T/ntlm_$1" CSSP_PASSWORD=$2 timeout 40 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user "$1" --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
        >"$T/$3.out" 2>&1 &
}
# lines_with KEY=VALUE: JSON report lines that contain it
lines_with() { grep -c "\"$1\":\"$2\"" "$T/hung.json"; }

IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam"
# shellcheck disable=SC2086
il_server hung --ntlm-keyfile "$T/keys" --pam-service credssp-test --timeout 30000 $POOL_OPTS
IL_SERVER_WRAP=
trap 'IL_RC=$?; stop_helpers; (exit $IL_RC); il_cleanup' EXIT

# 1. 30 alice logins at once; bob logs in while alice's jobs hang.  The
# thread and helper counts are sampled until every alice client is done.
CLIENTS=""
for i in $(seq 30); do
    login alice alicepw "alice$i"
    CLIENTS="$CLIENTS $!"
done
MAXTH=0
MAXHE=0
BOB=""
for _ in $(seq 400); do
    TH=$(threads)
    helpers >/dev/null
    HE=$(cat /proc/"$SRV_PID"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -c .)
    [ "$TH" -gt "$MAXTH" ] && MAXTH=$TH
    [ "$HE" -gt "$MAXHE" ] && MAXHE=$HE
    if [ -z "$BOB" ] && [ "$HE" -ge 2 ]; then   # alice's share hangs: now bob
        login bob bobpw bob
        BOB=$!
    fi
    RUNNING=0
    for p in $CLIENTS; do kill -0 "$p" 2>/dev/null && RUNNING=$((RUNNING + 1)); done
    [ "$RUNNING" = 0 ] && break
    sleep 0.1
done
BUSY=$(lines_with outcome pam_busy)
TOUT=$(lines_with outcome pam_timeout)
echo "30 hung logins: max threads=$MAXTH max helpers=$MAXHE busy=$BUSY timeout=$TOUT"
[ "$RUNNING" = 0 ] || il_fail "$RUNNING alice client(s) still waiting after 40 s"
# the loop, the PAM workers, the step threads and the key index's watcher
[ "$MAXTH" -le $((WORKERS + STEPS + 2)) ] ||
    il_fail "threads $MAXTH > 1 + $WORKERS PAM workers + $STEPS step threads + 1 watcher"
[ "$MAXHE" -le 2 ] || il_fail "$MAXHE hung helpers at once, alice's share is 2"
[ $((BUSY + TOUT)) = 30 ] || il_fail "busy $BUSY + timeout $TOUT != 30"
[ "$TOUT" -ge 2 ] || il_fail "fewer than 2 pam_timeout reports"
for i in $(seq 30); do
    grep -qx "eua: 05000000" "$T/alice$i.out" || il_fail "alice$i: no EUA access denied"
done
grep '"outcome":"pam_busy"' "$T/hung.json" | head -n 1 >"$T/busy1.json"
il_expect_json "$T/busy1.json" 1 pam=busy eua=5 user=alice
grep '"outcome":"pam_timeout"' "$T/hung.json" | head -n 1 >"$T/timeout1.json"
il_expect_json "$T/timeout1.json" 1 pam=timeout eua=5 user=alice delivered=true
il_ok "30 hung logins: at most $MAXTH threads and $MAXHE helpers; $BUSY x pam_busy, $TOUT x pam_timeout, all EUA denied"

# 2. bob was not affected.
[ -n "$BOB" ] || il_fail "alice's jobs never hung (no pam_exec helper seen)"
wait "$BOB"
BOB_RC=$?
[ "$BOB_RC" = 0 ] || il_fail "bob's login: client exit $BOB_RC"
grep -qx "eua: 00000000" "$T/bob.out" || il_fail "bob: no EUA success"
[ "$(lines_with user bob)" = 1 ] || il_fail "no report for bob"
grep '"user":"bob"' "$T/hung.json" >"$T/bob.json"
il_expect_json "$T/bob.json" 1 outcome=ok pam=ok eua=0
MS=$(sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' "$T/bob.json")
il_ok "bob logs in while alice's jobs hang (connection ${MS} ms)"

# 3. the timed-out jobs' helpers were stopped.
for _ in $(seq 1200); do [ "$(helpers)" = 0 ] && break; sleep 0.1; done
[ "$(helpers)" = 0 ] || il_fail "$(helpers) helper(s) survived the PAM timeout (SIGTERM blocked?)"
il_ok "PAM timeout: helpers stopped"

# 4. SIGTERM while two jobs hang.
login alice alicepw late1
L1=$!
login alice alicepw late2
L2=$!
for _ in $(seq 1200); do [ "$(helpers)" -ge 2 ] && break; sleep 0.1; done
[ "$(helpers)" -ge 2 ] || il_fail "the late logins did not reach PAM"
LEFT=$(cat /proc/"$SRV_PID"/task/*/children)
T0=$(date +%s%N)
kill -TERM "$SRV_PID"
for _ in $(seq 100); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.05; done
MS=$((($(date +%s%N) - T0) / 1000000))
kill -0 "$SRV_PID" 2>/dev/null && il_fail "server still running 5 s after SIGTERM"
il_server_stop
wait "$L1" "$L2"
for p in $LEFT; do
    if kill -0 "$p" 2>/dev/null; then
        kill -KILL "$p"
        il_fail "helper $p outlived the server"
    fi
done
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC after SIGTERM"
# A PID seen earlier names our helper only if it still runs exactly pam_exec's
# "/bin/sleep 3600": PIDs wrap within a minute here, and another test's
# "sleep 0.1" may hold one of them by now.
is_helper() { [ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" = "/bin/sleep 3600 " ]; }
for p in $SEEN; do
    if kill -0 "$p" 2>/dev/null && is_helper "$p"; then
        kill -KILL "$p"
        il_fail "helper $p outlived the server"
    fi
done
il_ok "SIGTERM with 2 hung PAM jobs: exit in ${MS} ms, helpers stopped"
exit 0
