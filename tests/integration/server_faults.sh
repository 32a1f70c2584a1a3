#!/bin/sh
# server_faults.sh - credssp-server under faults: each ends in a defined
# outcome (JSON report) and the server keeps serving (a normal NLA login
# right after each fault succeeds).
#  1. client half-closes after its X.224 request: Connection Confirm, then
#     outcome "closed";
#  2. client half-closes after its TLS ClientHello: outcome "closed";
#  3. client that stalls after each TLS record (one byte per record, 1 s
#     apart): the deadline (--timeout 3000) ends it, outcome "timeout";
#  4. NTLM key file removed mid-run: the index empties within a second (its log line),
#     then logon_failure (errorCode to the client);
#     restored: logins work again;
#  5. NTLM key file broken mid-run: the old table keeps serving, one log line.
# Client for the logins: spnego_client.py (NTLM, HYBRID_EX).
. "$(dirname "$0")/interop_lib.sh"
il_init faults
il_need timeout hostname
il_spnego_setup
il_server faults --ntlm-keyfile "$T/keys" --timeout 3000
N=0                                   # report lines so far

# next_report KEY=VALUE...: the next report line has these values
next_report() {
    N=$((N + 1))
    for _ in $(seq 1200); do [ "$(il_lines "$T/faults.json")" -ge "$N" ] && break; sleep 0.1; done
    il_expect_json "$T/faults.json" "$N" "$@"
}
# still_serving: a normal login right after the fault
still_serving() {
    il_spnego "ok$N"
    [ "$RC" = 0 ] || il_fail "login after the fault: exit $RC"
    next_report outcome=ok user=alice eua=0
}
# raw MODE: a hand-made client (X.224 request, then MODE)
raw() {
    "$PY" - "$PORT" "$1" "$top_srcdir/tests/integration" >"$T/raw-$1.out" 2>&1 <<'PYEOF'
import socket, ssl, sys, time
sys.path.insert(0, sys.argv[3])
import spnego_client
port, mode = int(sys.argv[1]), sys.argv[2]
sock, _ = spnego_client.x224_connect("127.0.0.1", port, 0x0B, "fault")
if mode == "x224":
    sock.shutdown(socket.SHUT_WR)
    print("server closed" if sock.recv(100) == b"" else "data?")
    sys.exit(0)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out)
try:
    tls.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = out.read()
if mode == "hello":
    sock.sendall(hello)
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(10)
    while sock.recv(4096):
        pass
    print("server closed")
    sys.exit(0)
# stall: the ClientHello split into one-byte TLS records would be invalid,
# so send the record a byte at a time, one second apart
sock.settimeout(10)
start = time.time()
try:
    for b in hello:
        sock.sendall(bytes([b]))
        time.sleep(1)
except OSError:
    pass
print("stopped after %.1f s" % (time.time() - start))
PYEOF
}

raw x224
next_report outcome=closed requested=0x0000000b
still_serving
il_ok "half-close after the X.224 request: closed; server still serving"

raw hello
next_report outcome=closed protocol=hybrid_ex
still_serving
il_ok "half-close after the ClientHello: closed; server still serving"

raw stall
next_report outcome=timeout
grep -q "stopped after" "$T/raw-stall.out" || il_fail "the stalling client did not stop"
still_serving
il_ok "client stalling byte by byte: timeout at the deadline; server still serving"

# The server's key index notices within about a second (it checks the file
# once a second; SIGHUP would ask at once); wait for its log line, bounded.
mv "$T/keys" "$T/keys.away"
for _ in $(seq 1200); do grep -q "was removed: no NTLM accounts" "$IL_SERVER_LOG" && break; sleep 0.1; done
grep -q "was removed: no NTLM accounts" "$IL_SERVER_LOG" || il_fail "the server did not notice the removal"
il_spnego nokeys
[ "$RC" = 4 ] || il_fail "login without the key file: exit $RC, expected 4 (errorCode)"
grep -qx "error_code: 0xC000006D" "$T/nokeys.out" || il_fail "no STATUS_LOGON_FAILURE errorCode"
next_report outcome=logon_failure
mv "$T/keys.away" "$T/keys"
for _ in $(seq 1200); do [ "$(grep -c "keys loaded: 1 entries" "$IL_SERVER_LOG")" -ge 2 ] && break; sleep 0.1; done
still_serving
il_ok "key file removed mid-run: logon_failure; restored: logins work"

# A key file that turns unreadable as a key file mid-run (a half-written or
# mangled edit, not a removal): the index keeps the table it has, says why
# once, and logins go on.
cp "$T/keys" "$T/keys.good"
printf 'this is not a key entry\n' >"$T/keys.bad"
mv "$T/keys.bad" "$T/keys"
for _ in $(seq 1200); do grep -q "not loaded (line 1: not a key entry); keeping the 1 entries" "$IL_SERVER_LOG" && break; sleep 0.1; done
grep -q "not loaded (line 1: not a key entry); keeping the 1 entries" "$IL_SERVER_LOG" ||
    il_fail "no log line for the broken key file"
still_serving
mv "$T/keys.good" "$T/keys"
il_ok "key file broken mid-run: the old table keeps serving, the log says why"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC"
exit 0
