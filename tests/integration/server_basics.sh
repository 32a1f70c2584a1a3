#!/bin/sh
# server_basics.sh - credssp-server without a real RDP client: the X.224
# negotiation (MS-RDPBCGR 2.2.1.1 / 2.2.1.2), the --tls-only baseline, the
# per-connection deadline, an idle client that holds nobody back, IPv6, JSON escaping of
# hostile cookies, and the clean SIGTERM shutdown.
. "$(dirname "$0")/interop_lib.sh"
il_init server-basics

# probe.py ACTION PORT [HOST]: one scripted client; prints what it saw.
cat >"$T/probe.py" <<'EOF'
import socket, ssl, struct, sys, time
act, port = sys.argv[1], int(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"

def cr(requested, cookie=b"Cookie: mstshash=probe\r\n", flags=0):
    body = bytes([0xE0, 0, 0, 0x12, 0x34, 0]) + cookie
    if requested is not None:
        body += struct.pack("<BBHI", 1, flags, 8, requested)
    return struct.pack(">BBH", 3, 0, len(body) + 5) + bytes([len(body)]) + body

s = socket.create_connection((host, port), timeout=10)
if act == "tls":
    s.sendall(cr(3))
    cc = s.recv(19)
    print("cc", cc.hex())
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    t = c.wrap_socket(s)
    print("tls", t.version())
    print("eof", t.recv(10) == b"")
elif act == "sslonly":
    s.sendall(cr(1))
    print("cc", s.recv(19).hex())
elif act == "ra":
    s.sendall(cr(3, flags=0x03))
    print("cc", s.recv(19).hex())
elif act == "split":                      # the CR in three pieces
    p = cr(0x0B)
    for a, b in ((0, 2), (2, 9), (9, len(p))):
        s.sendall(p[a:b])
        time.sleep(0.05)
    print("cc", s.recv(19).hex())
elif act == "nasty":                      # control chars, quote, invalid UTF-8
    s.sendall(cr(3, cookie=b'Cookie: mstshash=a"b\\c\x01\x1f\xff\xc3\x28\xe2\x82\xac\r\n'))
    print("cc", s.recv(19).hex())
elif act == "garbage":
    s.sendall(b"\x16\x03\x01\x00\x05hello")   # a TLS record, not TPKT
    print("eof", s.recv(10) == b"")
elif act == "badli":
    p = bytearray(cr(3))
    p[4] += 1
    s.sendall(bytes(p))
    print("eof", s.recv(10) == b"")
elif act == "silent":
    t0 = time.time()
    print("eof", s.recv(10) == b"", "after", round(time.time() - t0, 1))
elif act == "hold":
    time.sleep(3)
EOF
probe() { timeout 20 "$PY" "$T/probe.py" "$@"; }

# --- X.224 negotiation answers, TLS-only baseline ---------------------------
il_server neg --tls-only --connections 7 --timeout 1500
probe tls "$PORT" >"$T/p1.out" || il_fail "tls probe"
grep -qx "cc 030000130ed012341234000200080002000000" "$T/p1.out" || il_fail "CC for 0x03 (want HYBRID)"
grep -qx "eof True" "$T/p1.out" || il_fail "no clean close after the TLS handshake"
probe sslonly "$PORT" >"$T/p2.out"
grep -qx "cc 030000130ed012341234000200080001000000" "$T/p2.out" || il_fail "tls-only: SSL for 0x01"
probe ra "$PORT" >"$T/p3.out"
grep -qx "cc 030000130ed012341234000200080002000000" "$T/p3.out" ||
    il_fail "Restricted Admin / Remote Guard must not be confirmed by default"
probe split "$PORT" >"$T/p4.out"
grep -qx "cc 030000130ed012341234000200080008000000" "$T/p4.out" || il_fail "split CR / HYBRID_EX"
probe garbage "$PORT" >"$T/p5.out"
grep -qx "eof True" "$T/p5.out" || il_fail "garbage not closed"
probe badli "$PORT" >"$T/p6.out"
grep -qx "eof True" "$T/p6.out" || il_fail "bad LI not closed"
probe silent "$PORT" >"$T/p7.out"
grep -q "eof True after 1\.[0-9]" "$T/p7.out" || il_fail "silent client not cut at the 1.5 s deadline"
il_server_wait
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC"
[ "$(il_lines "$T/neg.json")" = 7 ] || il_fail "expected 7 reports"
"$PY" - "$T/neg.json" <<'EOF' || il_fail "report contents"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
by = {}
for x in r:
    by.setdefault(x["outcome"], []).append(x)
assert len(by["ok"]) == 1 and by["ok"][0]["protocol"] == "hybrid", by.keys()
assert by["ok"][0]["ending"] == "notify"
# the probes that hang up after the Connection Confirm
assert sorted(x["protocol"] for x in by["closed"]) == ["hybrid", "hybrid_ex", "ssl"]
assert len(by["timeout"]) == 1 and by["timeout"][0]["protocol"] is None
assert 1400 <= by["timeout"][0]["elapsed_ms"] <= 3000
bad = [x for x in r if x["outcome"] not in ("ok", "timeout", "closed")]
assert sorted(x["outcome"] for x in bad) == ["bad_length", "bad_tag"], bad
assert all(x["cookie"] in ("probe", None) for x in r)
EOF
il_ok "X.224 answers, TLS-only baseline, deadline"

# --- NEG_FAILURE without --tls-only, RA/RG confirmed when allowed ----------
il_server fail --connections 2 --allow-restricted-admin --allow-remote-guard \
    --ntlm-keyfile /dev/null
probe sslonly "$PORT" >"$T/f1.out"
grep -qx "cc 030000130ed012341234000300080005000000" "$T/f1.out" ||
    il_fail "want RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER for SSL-only"
probe ra "$PORT" >"$T/f2.out"
grep -qx "cc 030000130ed012341234000218080002000000" "$T/f2.out" ||
    il_fail "want rsp flags 0x18 with --allow-restricted-admin --allow-remote-guard"
il_server_wait
il_expect_json "$T/fail.json" 1 outcome=nego_failure requested=0x00000001 protocol=null
il_ok "RDP_NEG_FAILURE, RA / RG flags"

# --- JSON escaping of a hostile cookie --------------------------------------
il_server esc --tls-only --connections 1
probe nasty "$PORT" >/dev/null
il_server_wait
"$PY" - "$T/esc.json" <<'EOF' || il_fail "cookie escaping"
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")                         # strict: the line is valid UTF-8
assert b"\x01" not in raw and b"\x1f" not in raw
obj = json.loads(raw)
assert obj["cookie"] == 'a"b\\c\x01\x1f\ufffd\ufffd(\u20ac', repr(obj["cookie"])
EOF
il_ok "JSON escaping"

# --- IPv6 --------------------------------------------------------------------
if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
    rm -f "$T/port"
    "$SERVER" --json --tls-only --listen '[::1]:0' --port-file "$T/port" --connections 1 \
        >"$T/v6.json" 2>"$T/v6.log" &
    SRV_PID=$!
    IL_PIDS="$IL_PIDS $SRV_PID"
    for _ in $(seq 2400); do [ -s "$T/port" ] && break; sleep 0.05; done
    probe tls "$(cat "$T/port")" ::1 >"$T/v6.out" || il_fail "IPv6 probe"
    il_server_wait
    "$PY" -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["peer"].startswith("[::1]:"), o' \
        "$T/v6.json" || il_fail "IPv6 peer"
    il_ok "IPv6 [::1]"
fi

# --- an idle client does not hold others back; SIGTERM ----------------------
# (admission control, docs/ADMISSION.md: --max-concurrent counts authenticated
# connections only; the listener never pauses)
il_server cap --tls-only --max-concurrent 1 --timeout 5000
probe hold "$PORT" &
HOLD=$!
IL_PIDS="$IL_PIDS $HOLD"
sleep 0.3
t0=$(date +%s%N)
probe tls "$PORT" >"$T/c2.out" || il_fail "second client"
t1=$(date +%s%N)
wait "$HOLD"
il_forget "$HOLD"
[ $(((t1 - t0) / 1000000)) -lt 1500 ] || il_fail "second client waited for the idle one"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "SIGTERM: exit $SRV_RC"
grep -q "shutting down" "$T/cap.log" || il_fail "no shutdown message"
il_ok "an idle client does not hold the next one back; SIGTERM exits 0"
exit 0
