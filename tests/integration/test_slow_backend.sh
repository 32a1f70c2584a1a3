#!/bin/sh
# test_slow_backend.sh - a slow identity back end never stalls other clients
# (issue 15, "nothing that can block runs on the event loop"; docs/ENGINE.md,
# deferred mode).
#
# The back end: tests/integration/slowkey.c (LD_PRELOAD into the server)
# makes gss-ntlmssp's open of bob's key entry - inside
# gss_accept_sec_context, as a domain controller that takes 2 s to answer
# would - sleep 2 s.  Alice's logins are untouched.
#
#  1. credssp-server, default options: while bob's login waits 2 s on its
#     back end, 10 X.224 Connection Requests from other clients are each
#     answered within 100 ms, 2 full NLA logins of alice (SPNEGO(NTLM),
#     CredSSP v6, HYBRID_EX) succeed, and all of that happens before bob's
#     login ends; then bob's login succeeds too.  Before deferred mode the
#     event loop sat in gss_accept_sec_context: the X.224 answers took up to
#     2 s and alice's logins finished only after bob's.
#  2. --workers 2: the same holds in the forked worker processes (each
#     starts its own step pool after the fork).
#  3. --step-timeout 1000 and a back end that answers after 1.5 s: bob's
#     client gets errorCode STATUS_NO_LOGON_SERVERS (0xC000005E), the report
#     says outcome "timeout", and the source is not penalised.
#  4. --workers 2 and the key index: with the first process stopped
#     (SIGSTOP), a user added to the key file (plus SIGHUP to the worker)
#     can log in through the forked worker.  Before, the index's watcher
#     thread existed only in the first process: the worker never reloaded.
# Bounded: every client has a timeout; the whole test takes about 15 s.
. "$(dirname "$0")/interop_lib.sh"
il_init slowbe
il_need timeout hostname pgrep
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
[ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
    il_skip "gss-ntlmssp not installed"
SHIM=$top_builddir/tests/integration/.libs/slowkey.so
[ -e "$SHIM" ] || il_fail "shim not built: $SHIM (make check builds it)"
LOAD=$top_srcdir/tests/integration/admission_load.py
HOST=$(hostname)
il_keyfile "$T/keys" alice TESTDOM alicepw
il_keyfile "$T/keys" bob TESTDOM bobpw
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_alice"   # the clients' gss-ntlmssp credentials
printf 'TESTDOM:bob:bobpw\n' >"$T/ntlm_bob"

# slow_server TAG SLEEP_MS ARGS...: the server with bob's back end slowed down.
slow_server() {
    _tag=$1
    _ms=$2
    shift 2
    rm -f "$T/mark"
    IL_SERVER_WRAP="env LD_PRELOAD=$SHIM CSSP_SLOW_USER=bob CSSP_SLOW_MS=$_ms CSSP_SLOW_MARK=$T/mark" \
        il_server "$_tag" --ntlm-keyfile "$T/keys" "$@"
}

# bob_login OUT: bob's login in the background (BOB_PID), then wait until
# its back end is busy (the shim's mark file).
bob_login() {
    NTLM_USER_FILE="$T/ntlm_bob" CSSP_PASSWORD=bobpw timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
        --port "$PORT" --mech ntlm --user bob --domain TESTDOM --target "TERMSRV@$HOST" \
        --protocols 0x0B >"$T/$1.out" 2>&1 &
    BOB_PID=$!
    IL_PIDS="$IL_PIDS $BOB_PID"
    for _ in $(seq 2400); do [ -e "$T/mark" ] && break; sleep 0.05; done
    [ -e "$T/mark" ] || il_fail "bob's back end never started: $(cat "$T/$1.out")"
}

# others TAG: X.224 probes and alice's logins while bob waits.
others() {
    "$PY" "$top_srcdir/tests/integration/x224_probe.py" "$PORT" 10 100 >"$T/$1-x224.out" 2>&1 ||
        il_fail "$1: X.224 while bob waits: $(cat "$T/$1-x224.out")"
    cat "$T/$1-x224.out"
    NTLM_USER_FILE="$T/ntlm_alice" CSSP_PASSWORD=alicepw timeout 30 "$PY" "$LOAD" logins --port "$PORT" --user alice \
        --domain TESTDOM --target "TERMSRV@$HOST" --count 2 --tls 1.3,1.2 --limit-ms 1500 \
        >"$T/$1-alice.out" 2>&1
    cat "$T/$1-alice.out"
    grep -q '^summary: ok_within_limit=2 of 2' "$T/$1-alice.out" || il_fail "$1: alice's logins"
    kill -0 "$BOB_PID" 2>/dev/null || il_fail "$1: bob's login ended before the others were served"
}

# bob_ok OUT: bob's login ended with EUA success.
bob_ok() {
    wait "$BOB_PID"
    _rc=$?
    il_forget "$BOB_PID"
    [ "$_rc" = 0 ] && grep -q '^eua: 00000000' "$T/$1.out" || il_fail "bob's login: $(cat "$T/$1.out")"
}

# --- 1. one process --------------------------------------------------------------
slow_server one 2000
bob_login bob1
others one
bob_ok bob1
grep -q 'principal=TESTDOM\\x5cbob .*backend_ms=\(19[5-9][0-9]\|[2-9][0-9][0-9][0-9]\)' "$T/one.log" ||
    il_fail "audit line of bob's login without backend_ms >= 1950"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "SIGTERM: exit $SRV_RC"
il_ok "while bob's back end takes 2 s: X.224 answered within 100 ms, alice logs in twice, bob too"

# --- 2. --workers 2 --------------------------------------------------------------
slow_server workers 2000 --workers 2
bob_login bob2
others workers
bob_ok bob2
il_server_stop
il_ok "--workers 2: the same in forked worker processes"

# --- 3. a back end later than the step deadline ------------------------------------
slow_server late 1500 --step-timeout 1000
bob_login bob3
wait "$BOB_PID"
rc=$?
il_forget "$BOB_PID"
cat "$T/bob3.out"
[ "$rc" = 4 ] && grep -q '^error_code: 0xC000005E' "$T/bob3.out" ||
    il_fail "late back end: client exit $rc, want errorCode STATUS_NO_LOGON_SERVERS"
il_server_stop
il_expect_json "$T/late.json" 1 outcome=timeout error_code=0xC000005E
grep -q 'admission: source' "$T/late.log" && il_fail "the source was penalised for our back end"
il_ok "back end later than --step-timeout: errorCode 0xC000005E, outcome timeout"

# --- 4. the key index reloads in a forked worker -----------------------------------
il_server reload --ntlm-keyfile "$T/keys" --workers 2
KID=$(pgrep -P "$SRV_PID" | head -n 1)
[ -n "$KID" ] || il_fail "no worker process"
kill -STOP "$SRV_PID"                         # only the worker serves now
il_keyfile "$T/keys" carol TESTDOM carolpw
printf 'TESTDOM:carol:carolpw\n' >"$T/ntlm_carol"
kill -HUP "$KID"
good=0
for _ in 1 2 3 4 5 6; do
    sleep 0.5
    if NTLM_USER_FILE="$T/ntlm_carol" CSSP_PASSWORD=carolpw timeout 10 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm --user carol \
        --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B >"$T/carol.out" 2>&1 &&
        grep -q '^eua: 00000000' "$T/carol.out"; then
        good=1
        break
    fi
done
kill -CONT "$SRV_PID"
[ "$good" = 1 ] || il_fail "the worker never learnt carol's key: $(tail -n 3 "$T/carol.out")"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "--workers 2, SIGTERM: exit $SRV_RC"
il_ok "--workers 2: a key added to the file is seen by the forked worker"
