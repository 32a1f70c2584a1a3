#!/bin/sh
# gateway_revoke.sh - credssp-gateway in token mode revokes a hand-off key
# that never reached xrdp (issue 10.6c), instead of leaving it claimable
# until its timeout.  A real SPNEGO(NTLM) client (spnego_client.py, HYBRID_EX)
# is admitted (EUA 00000000: the key is stored), then the xrdp leg fails:
#
#  1. the backend Unix socket does not exist (outcome backend_unreachable);
#  2. the backend accepts and closes at once (outcome backend_closed).
#
# Right after the audit line the gateway's keyring holds no key.  The whole
# test runs in its own anonymous session keyring (keyctl session) and the
# gateway uses --keyring session, so hand-offs of other tests or users are
# never seen.  --handoff-timeout 60: no key can have expired by itself.
# Root only (the gateway's hand-off runs as root in production, and the claim
# rules of the library expect a root-owned key); no xrdp needed.
. "$(dirname "$0")/interop_lib.sh"
il_init gateway-revoke
GATEWAY=$top_builddir/examples/credssp-gateway
[ "$(id -u)" = 0 ] || il_skip "needs root (the hand-off keys are root's)"
il_need keyctl timeout hostname
il_need_spnego_ntlm
[ -x "$GATEWAY" ] || il_fail "gateway not built: $GATEWAY"
keyctl session - true >/dev/null 2>&1 || il_skip "keyctl session does not work here"
# a local account for the identity mapping (it only has to exist)
id nobody >/dev/null 2>&1 || il_skip "no account nobody"
il_keyfile "$T/keys" nobody TESTDOM nobody-Pw1
printf 'TESTDOM:nobody:nobody-Pw1\n' >"$T/ntlm_users"

cat >"$T/inner.sh" <<'EOF'
# Runs inside a fresh session keyring: one gateway, one client, the keyring.
# $1 = backend spec, $2 = tag.  Prints "keys: N" (keys linked to @s after
# the failure) or "error: ..."; exit 0 unless something did not run.
set -u
rm -f "$T/port"
"$GATEWAY" --json --listen 127.0.0.1:0 --port-file "$T/port" --backend "$1" \
    --ntlm-keyfile "$T/keys" --mode token --keyring session --handoff-timeout 60 \
    --connections 1 >"$T/$2.json" 2>"$T/$2.log" &
gw=$!
for _ in $(seq 2400); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || { echo "error: gateway did not start"; kill $gw; exit 1; }
NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=nobody-Pw1 timeout 30 "$PY" \
    "$top_srcdir/tests/integration/spnego_client.py" --port "$(cat "$T/port")" --mech ntlm \
    --user nobody --domain TESTDOM --target "TERMSRV@$(hostname)" --protocols 0x0B --read-ending \
    >"$T/$2.client" 2>&1
for _ in $(seq 2400); do [ -s "$T/$2.json" ] && break; sleep 0.05; done
echo "keys: $(keyctl rlist @s 2>/dev/null | wc -w)"
keyctl show @s >"$T/$2.keys" 2>&1
kill $gw 2>/dev/null
wait $gw
exit 0
EOF

# check TAG BACKEND OUTCOME: run inner.sh in a new session keyring.
check() {
    T="$T" GATEWAY="$GATEWAY" PY="$PY" top_srcdir="$top_srcdir" \
        keyctl session - sh "$T/inner.sh" "$2" "$1" >"$T/$1.out" 2>&1 ||
        il_fail "$1: $(cat "$T/$1.out")"
    IL_SERVER_LOG="$T/$1.log" il_sanitizer_check
    grep -qx "eua: 00000000" "$T/$1.client" || il_fail "$1: the client was not admitted"
    il_expect_json "$T/$1.json" 1 mode=token eua=0 outcome="$3" "backend=$2"
    grep -q "cannot revoke" "$T/$1.log" && il_fail "$1: $(grep "cannot revoke" "$T/$1.log")"
    grep -qx "keys: 0" "$T/$1.out" ||
        il_fail "$1: the unused hand-off is still in the keyring: $(cat "$T/$1.keys")"
}

check unreachable "unix:$T/none.sock" backend_unreachable
il_ok "backend unreachable: the hand-off key is revoked at once"

# a backend that accepts the connection and closes it
BPORT=$(il_free_port)
"$PY" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(4)
s.settimeout(60)
end = time.time() + 60
while time.time() < end:
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.close()
' "$BPORT" >"$T/closer.log" 2>&1 &
IL_PIDS="$IL_PIDS $!"
for _ in $(seq 100); do
    "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
        "$BPORT" 2>/dev/null && break
    sleep 0.05
done
check closed "tcp://127.0.0.1:$BPORT" backend_closed
il_ok "backend closes at once: the hand-off key is revoked at once"
exit 0
