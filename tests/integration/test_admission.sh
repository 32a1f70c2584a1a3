#!/bin/sh
# test_admission.sh - credssp-server under idle-socket attack, default
# admission options (docs/ADMISSION.md, issue 11):
#
#  1. 400 idle connections from 127.0.0.2-127.0.0.5 (100 each, re-opened as
#     soon as the server drops them; admission_load.py attack) while 10 full
#     NLA logins from 127.0.0.1 run one after the other (SPNEGO(NTLM),
#     CredSSP v6, HYBRID_EX, alternately TLS 1.3 and TLS 1.2): at least 9
#     must get EUA 00000000 within 5 s each.  Before admission control the
#     listener paused at 64 connections and none did.
#  2. the attackers were refused / timed out: the server's reports show
#     timeouts from the attacker addresses and no login from them.
#  3. --max-startups 1 --per-source 0: a second client displaces an idle
#     first one (outcome "evicted") instead of waiting for it.
#  4. deadlines, caps, penalties (--tls-only, short options): a client that
#     sends its X.224 request and then stalls is cut at --step-timeout; a
#     third connection from one address over --per-source 2 is reset at
#     once; a garbage request from 127.0.0.2 earns a ban (--penalty 5
#     --penalty-min 5) that refuses its next connection while 127.0.0.5
#     is still served; 127.0.0.1 (exempt by default) is never banned.
#  5. 400 idle connections from 400 different addresses (127.0.1.1 ...,
#     one each: no per-source cap applies, the 256 pre-auth slots fill up):
#     newcomers displace the oldest silent connection, and again at least 9
#     of 10 logins finish within 5 s.
#  6. --max-concurrent 1: while one authenticated session is open (the MCS
#     ending waits for the client), a second login that authenticates gets
#     EUA 00000005 and outcome "busy" - and authenticated sessions never
#     count against the pre-auth budget (--max-startups 1 here).
#  7. --workers 2 (the login storm of tests/bench): two processes serve the
#     listening socket; SIGTERM to the first ends both; a worker whose
#     parent was killed (SIGKILL) ends too.
#  8. few descriptors (prlimit --nofile 128, --per-source 0 --penalty 0):
#     200 idle connections from 127.0.0.2 would take them all; admission
#     displaces before the server runs out, so 6 of 6 logins still succeed
#     (without the descriptor check: 0 of 6 - timers and gss-ntlmssp's key
#     file failed with EMFILE, logins ended in logon_failure).
# Bounded: the attack runs at most 40 s (it stops once the logins are
# done), every client has a timeout.
. "$(dirname "$0")/interop_lib.sh"
# This test measures the deadlines and their defaults: keep them.
IL_SERVER_DEADLINES=default
il_init admission
il_need timeout hostname
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
[ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
    il_skip "gss-ntlmssp not installed"
# 400 attacker sockets here and there, plus the server's timers.
ulimit -n 4096 2>/dev/null || true
[ "$(ulimit -n)" -ge 2048 ] || il_skip "ulimit -n $(ulimit -n) < 2048"
"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.5",0))' 2>/dev/null ||
    il_skip "cannot bind 127.0.0.5"
LOAD=$top_srcdir/tests/integration/admission_load.py
il_keyfile "$T/keys" alice TESTDOM alicepw
HOST=$(hostname)
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_users"

# --- 1. logins under attack -----------------------------------------------------
il_server srv --ntlm-keyfile "$T/keys"
NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 120 "$PY" "$LOAD" siege \
    --port "$PORT" --per-addr 100 --seconds 40 --user alice --domain TESTDOM \
    --target "TERMSRV@$HOST" --count 10 --tls 1.3,1.2 --limit-ms 5000 \
    --min-ok 9 --min-peak 400 >"$T/logins.out" 2>&1
rc=$?
cat "$T/logins.out"
[ "$rc" = 0 ] || il_fail "$(grep '^verdict:' "$T/logins.out" || echo "siege exit $rc")"
ok=$(sed -n 's/^summary: ok_within_limit=\([0-9]*\) .*/\1/p' "$T/logins.out")
il_ok "$ok of 10 NLA logins (TLS 1.3 / 1.2) within 5 s under 400 idle connections"

# --- 2. what the attackers got ---------------------------------------------------
grep '"peer":"127.0.0.[2-5]:' "$T/srv.json" | grep -q '"outcome":"timeout"' ||
    il_fail "no attacker connection timed out"
grep '"outcome":"ok"' "$T/srv.json" | grep -q '"peer":"127.0.0.[2-5]:' &&
    il_fail "an attacker connection logged in"
[ "$(grep -c '"outcome":"ok"' "$T/srv.json")" -ge "$ok" ] || il_fail "server reports fewer logins"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "SIGTERM: exit $SRV_RC"
il_ok "attackers timed out and were refused; SIGTERM exits 0"

# --- 3. displacement instead of a paused listener -------------------------------
il_server evict --tls-only --max-startups 1 --per-source 0 --timeout 8000 --x224-timeout 8000
"$PY" - "$PORT" >"$T/evict.out" 2>&1 <<'EOF' || il_fail "displacement: $(cat "$T/evict.out")"
import socket, ssl, struct, sys, time
port = int(sys.argv[1])
idle = socket.create_connection(("127.0.0.1", port), timeout=10)
time.sleep(0.3)
body = bytes([0xE0, 0, 0, 0, 0, 0]) + struct.pack("<BBHI", 1, 0, 8, 1)
cr = struct.pack(">BBH", 3, 0, len(body) + 5) + bytes([len(body)]) + body
t0 = time.time()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(cr)
cc = s.recv(19)
ms = (time.time() - t0) * 1000
assert len(cc) == 19 and cc[11] == 2, cc.hex()
assert ms < 1500, "second client waited %d ms" % ms
assert idle.recv(10) == b"", "the idle client was not dropped"
print("served after %d ms; idle one dropped" % ms)
EOF
il_server_stop
grep -q '"outcome":"evicted"' "$T/evict.json" || il_fail "no evicted report"
il_ok "--max-startups 1: a newcomer displaces the idle connection"
# --- 4. step deadline, per-source cap, penalties ---------------------------------
il_server pen --tls-only --step-timeout 1000 --per-source 2 --penalty 5 --penalty-min 5
"$PY" - "$PORT" >"$T/pen.out" 2>&1 <<'EOF' || il_fail "caps / penalties: $(cat "$T/pen.out")"
import socket, struct, sys, time
port = int(sys.argv[1])
body = bytes([0xE0, 0, 0, 0, 0, 0]) + struct.pack("<BBHI", 1, 0, 8, 1)
cr = struct.pack(">BBH", 3, 0, len(body) + 5) + bytes([len(body)]) + body

def conn(src):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s

def served(src):
    """True when the server answers the X.224 request, False when it resets / closes."""
    try:
        s = conn(src)
    except OSError:
        return False
    try:
        s.sendall(cr)
        return len(s.recv(19)) == 19
    except OSError:
        return False
    finally:
        s.close()

# step deadline: X.224 answered, then silence -> cut after about 1 s
s = conn("127.0.0.4")
s.sendall(cr)
assert len(s.recv(19)) == 19
t0 = time.time()
assert s.recv(10) == b""
cut = time.time() - t0
assert 0.8 <= cut <= 2.5, "step deadline after %.1f s" % cut
s.close()
print("stalled after X.224: cut after %.1f s" % cut)

# per-source cap: two idle from 127.0.0.3 are held, the third is refused at once
held = [conn("127.0.0.3") for _ in range(2)]
time.sleep(0.2)
assert not served("127.0.0.3"), "third connection from one source served"
for h in held:
    h.close()
time.sleep(0.2)
assert served("127.0.0.3"), "source not served again once below the cap"
print("per-source cap 2: third refused, served again below the cap")

# penalty: garbage from 127.0.0.2 -> banned; 127.0.0.5 unaffected
g = conn("127.0.0.2")
g.sendall(b"GET / HTTP/1.0\r\n\r\n")
assert g.recv(10) == b""
g.close()
time.sleep(0.2)
assert not served("127.0.0.2"), "banned source served"
assert served("127.0.0.5"), "another source refused"
# the exempt 127.0.0.1 sends garbage three times and is still served
for _ in range(3):
    g = conn("127.0.0.1")
    g.sendall(b"GET / HTTP/1.0\r\n\r\n")
    g.recv(10)
    g.close()
assert served("127.0.0.1"), "exempt 127.0.0.1 refused"
print("penalty: 127.0.0.2 refused after garbage; 127.0.0.5 and exempt 127.0.0.1 served")
EOF
cat "$T/pen.out"
il_server_stop
grep -q "admission: source 127.0.0.2/32 refused for 5 s" "$T/pen.log" || il_fail "no ban line"
grep -q "admission: source 127.0.0.1/" "$T/pen.log" && il_fail "exempt 127.0.0.1 banned"
il_ok "step deadline, per-source cap, penalty (logged), exemption"
# --- 5. many sources: displacement keeps the door open ---------------------------
il_server many --ntlm-keyfile "$T/keys"
ADDRS=$("$PY" -c 'print(",".join("127.0.%d.%d" % (1 + i // 200, 1 + i % 200) for i in range(400)))')
NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 120 "$PY" "$LOAD" siege \
    --port "$PORT" --addrs "$ADDRS" --per-addr 1 --seconds 40 --user alice --domain TESTDOM \
    --target "TERMSRV@$HOST" --count 10 --tls 1.3,1.2 --limit-ms 5000 \
    --min-ok 9 --min-peak 400 >"$T/many.out" 2>&1
rc=$?
cat "$T/many.out"
[ "$rc" = 0 ] || il_fail "$(grep '^verdict:' "$T/many.out" || echo "siege exit $rc")"
il_server_stop
grep -q '"outcome":"evicted"' "$T/many.json" || il_fail "no connection was displaced"
grep '"outcome":"evicted"' "$T/many.json" | grep -q '"peer":"127.0.0.1:' &&
    il_fail "a login was displaced"
il_ok "400 sources: the oldest silent connections are displaced, logins go through"
# --- 6. the session cap -------------------------------------------------------------
il_server busy --ntlm-keyfile "$T/keys" --max-concurrent 1 --max-startups 1 --timeout 8000
login() {   # login OUT [--read-ending]: one SPNEGO(NTLM) HYBRID_EX login
    _o=$1
    shift
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user alice --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B "$@" \
        >"$T/$_o.out" 2>&1
}
login first --read-ending &
FIRST=$!
IL_PIDS="$IL_PIDS $FIRST"
for _ in $(seq 1200); do grep -q "^eua: 00000000" "$T/first.out" 2>/dev/null && break; sleep 0.1; done
grep -q "^eua: 00000000" "$T/first.out" || il_fail "first login: $(cat "$T/first.out")"
login second
CL_RC=$?
[ "$CL_RC" = 2 ] || il_fail "second login exit $CL_RC, expected 2: $(cat "$T/second.out")"
grep -qx "eua: 05000000" "$T/second.out" || il_fail "no EUA access denied for the busy login"
kill "$FIRST" 2>/dev/null
wait "$FIRST" 2>/dev/null
il_forget "$FIRST"
il_server_stop
grep -q '"outcome":"busy"' "$T/busy.json" || il_fail "no busy report"
il_ok "--max-concurrent 1: a second authenticated login is refused as busy"
# --- 7. --workers ---------------------------------------------------------------------
workers_check() {   # workers_check TAG: start, count processes, serve 6 logins
    il_server "$1" --ntlm-keyfile "$T/keys" --workers 2
    KID=""
    for _ in $(seq 50); do
        KID=$(cat "/proc/$SRV_PID/task/$SRV_PID/children" 2>/dev/null | tr -d ' ')
        [ -n "$KID" ] && break
        sleep 0.1
    done
    [ -n "$KID" ] || il_fail "--workers 2: no second process"
    IL_PIDS="$IL_PIDS $KID"
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 60 "$PY" "$LOAD" logins \
        --port "$PORT" --user alice --domain TESTDOM --target "TERMSRV@$HOST" --count 6 \
        >"$T/$1.out" 2>&1
    grep -q "^summary: ok_within_limit=6 of 6" "$T/$1.out" || il_fail "--workers 2: $(cat "$T/$1.out")"
}
gone() {   # gone PID: wait up to 5 s for PID to exit
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}
workers_check w2
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "--workers 2: SIGTERM exit $SRV_RC"
gone "$KID" || il_fail "--workers 2: the second worker outlived SIGTERM"
[ "$(grep -c '"outcome":"ok"' "$T/w2.json")" = 6 ] || il_fail "--workers 2: not 6 reports"
workers_check w2kill
kill -9 "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
il_forget "$SRV_PID"
gone "$KID" || il_fail "--workers 2: a worker outlived its killed parent"
il_ok "--workers 2 serves from two processes; SIGTERM and a killed parent end both"
# --- 8. descriptor limit ---------------------------------------------------------------
if command -v prlimit >/dev/null 2>&1; then
    IL_SERVER_WRAP="prlimit --nofile=128:128 --"
    il_server fds --ntlm-keyfile "$T/keys" --per-source 0 --penalty 0 --max-startups 1000
    IL_SERVER_WRAP=
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 120 "$PY" "$LOAD" siege \
        --port "$PORT" --addrs 127.0.0.2 --per-addr 200 --seconds 40 --user alice \
        --domain TESTDOM --target "TERMSRV@$HOST" --count 6 --limit-ms 5000 \
        --min-ok 6 --min-peak 200 >"$T/fds.out" 2>&1
    rc=$?
    cat "$T/fds.out"
    [ "$rc" = 0 ] || il_fail "$(grep '^verdict:' "$T/fds.out" || echo "siege exit $rc")"
    il_server_stop
    grep -q "Too many open files" "$T/fds.log" && il_fail "the server ran out of descriptors"
    il_ok "128 descriptors, 200 idle connections: displaced in time, 6 of 6 logins"
fi
exit 0
