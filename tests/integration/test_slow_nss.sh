#!/bin/sh
# test_slow_nss.sh - a slow NSS for one user never stalls the others, and
# that user's login is bounded (issue 11 "winbind/NSS slow").
#
# A login asks NSS for the user: the PAM stack does (pam_succeed_if,
# pam_unix, pam_sss ... call getpwnam_r), and with --ad so does the server's
# account mapping (examples/common/account.c) before PAM runs.
# tests/integration/slownss.c (LD_PRELOAD into the server) makes getpwnam /
# getpwnam_r of bob take 3 s each, what nss_winbind does while winbindd
# waits for a domain controller; alice's lookups are untouched.  The PAM
# stack: pam_succeed_if (an NSS lookup) and pam_matrix for alice and bob
# under pam_wrapper.  The server's own lookup of the PAM user used to run on
# the event loop (conn_pam.c asked for it there): every connection stood
# still for 6 s.  Every lookup runs on the PAM worker now, under
# --pam-timeout.
#  1. while bob's lookup hangs: 10 X.224 requests from other clients are
#     each answered within 100 ms and 2 full NLA logins of alice succeed
#     (TLS 1.3 and 1.2, 1.5 s each at most), all within the 3 s of his
#     first lookup;
#  2. bob's login ends at --pam-timeout (1000 ms): report outcome
#     "pam_timeout", EUA denied, within 2.5 s of the accept (report
#     elapsed_ms), long before his lookups answer;
#  3. the thread count stays at 1 + step threads + PAM workers + 1;
#  4. once the lookups have returned, alice still logs in and the server stops
#     cleanly on SIGTERM.
. "$(dirname "$0")/interop_lib.sh"
il_init slownss
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
il_need timeout hostname "$MATRIX"
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
SHIM=$top_builddir/tests/integration/.libs/slownss.so
[ -e "$SHIM" ] || il_fail "shim not built: $SHIM (make check builds it)"
LOAD=$top_srcdir/tests/integration/admission_load.py
STEPS=2
WORKERS=2
il_users_alice_bob
printf 'alice:alicepw:credssp-test\nbob:bobpw:credssp-test\n' >"$T/passdb"
mkdir -p "$T/pam"
printf 'auth required %s passdb=%s\naccount [default=ignore] pam_succeed_if.so quiet uid >= 0\naccount required %s passdb=%s\n' \
    "$MATRIX" "$T/passdb" "$MATRIX" "$T/passdb" >"$T/pam/credssp-test"
threads() { awk '/^Threads:/ { print $2 }' /proc/"$SRV_PID"/status; }

IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so:$SHIM PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam"
IL_SERVER_WRAP="$IL_SERVER_WRAP CSSP_SLOW_NSS_USER=bob CSSP_SLOW_NSS_MS=3000 CSSP_SLOW_NSS_MARK=$T/mark"
il_server nss --ntlm-keyfile "$T/keys" --pam-service credssp-test --pam-timeout 1000 \
    --step-threads "$STEPS" --pam-workers "$WORKERS" --pam-per-user 2
IL_SERVER_WRAP=

# bob's login; wait until his lookup hangs (the shim's mark)
T0=$(date +%s%N)
il_login_bg bob bob bobpw
BOB_PID=$LPID
IL_PIDS="$IL_PIDS $BOB_PID"
for _ in $(seq 2400); do [ -e "$T/mark" ] && break; sleep 0.05; done
[ -e "$T/mark" ] || il_fail "bob's NSS lookup never started: $(cat "$T/bob.out")"
TM=$(date +%s%N)
MAXTH=$(threads)

# 1. the others while bob's lookup hangs
"$PY" "$top_srcdir/tests/integration/x224_probe.py" "$PORT" 10 100 >"$T/x224.out" 2>&1 ||
    il_fail "X.224 while bob's lookup hangs: $(cat "$T/x224.out")"
NTLM_USER_FILE="$T/ntlm_alice" CSSP_PASSWORD=alicepw timeout 30 "$PY" "$LOAD" logins --port "$PORT" \
    --user alice --domain TESTDOM --target "TERMSRV@$HOST" --count 2 --tls 1.3,1.2 \
    --limit-ms 1500 >"$T/alice.out" 2>&1
grep -q '^summary: ok_within_limit=2 of 2' "$T/alice.out" || il_fail "alice's logins: $(cat "$T/alice.out")"
TH=$(threads)
[ "$TH" -gt "$MAXTH" ] && MAXTH=$TH
OTHERS_MS=$((($(date +%s%N) - TM) / 1000000))
[ "$OTHERS_MS" -lt 3000 ] || il_fail "the others took $OTHERS_MS ms: not served while bob's 3 s lookup hung"
il_ok "while bob's NSS lookup hangs: $(tail -n 1 "$T/x224.out"); alice logs in twice (all in $OTHERS_MS ms)"

# 2. bob's login is bounded by --pam-timeout
wait "$BOB_PID"
BOB_RC=$?
il_forget "$BOB_PID"
MS=$((($(date +%s%N) - T0) / 1000000))
grep -q '"cookie":"bob"' "$T/nss.json" || il_fail "no report for bob"
grep '"cookie":"bob"' "$T/nss.json" >"$T/bob.json"
il_expect_json "$T/bob.json" 1 outcome=pam_timeout pam=timeout eua=5 user=bob
grep -qx 'eua: 05000000' "$T/bob.out" || il_fail "bob: no EUA access denied"
SRV_MS=$(sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p' "$T/bob.json")
[ "$SRV_MS" -lt 2500 ] || il_fail "bob's login took $SRV_MS ms (lookups 2 x 3000 ms, --pam-timeout 1000)"
il_ok "bob's login: pam_timeout, EUA denied after $SRV_MS ms (client: $MS ms, exit $BOB_RC), lookup still hanging"

# 3. bounded threads
[ "$MAXTH" -le $((1 + STEPS + WORKERS + 1)) ] ||
    il_fail "threads $MAXTH > 1 + $STEPS step threads + $WORKERS PAM workers + 1 watcher"
il_ok "threads at most $MAXTH"

# 4. after the lookups returned (2 x 3 s from bob's start)
while [ $((($(date +%s%N) - T0) / 1000000)) -lt 7000 ]; do sleep 0.2; done
il_login_bg after alice alicepw
wait "$LPID" || il_fail "alice after bob's lookup: $(cat "$T/after.out")"
grep -q '^eua: 00000000' "$T/after.out" || il_fail "alice after bob's lookup: no EUA success"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "SIGTERM: exit $SRV_RC"
il_ok "server still serving after the slow lookup; clean stop"
exit 0
