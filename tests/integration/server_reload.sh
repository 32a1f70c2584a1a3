#!/bin/sh
# server_reload.sh - SIGHUP reloads the certificate and key (and keytab, key
# file) of credssp-server without dropping live sessions (issue 13):
#  1. a client holds a connection after its TLS handshake with certificate A
#     (spnego_client.py --pause-until); the files are replaced with B and the
#     server (--workers 2: the parent forwards SIGHUP) gets SIGHUP;
#  2. new connections see certificate B (SHA-256 of the DER), and log in;
#  3. the held connection then completes its CredSSP login, its pubKeyAuth
#     bound to A: it kept the configuration it started with;
#  4. SIGHUP with a broken certificate file: one log line names the file,
#     the server keeps serving B.
# RELOAD_DAEMON=gateway (gateway_reload.sh): the same against credssp-gateway
# (one process; its backend is never reached: alice has no local account, so
# a login ends after CredSSP with EUA denied, exit 2 of spnego_client.py).
. "$(dirname "$0")/interop_lib.sh"
DAEMON=${RELOAD_DAEMON:-server}
if [ "$DAEMON" = gateway ]; then
    SERVER=$top_builddir/examples/credssp-gateway
    set -- --backend tcp://127.0.0.1:1
    NPROC=1
else
    set -- --step-timeout 20000 --workers 2
    NPROC=2
fi
il_init "reload-$DAEMON"
il_need timeout hostname openssl sha256sum
il_spnego_setup
export PYTHONUNBUFFERED=1

for n in a b; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=reload-$n" \
        -keyout "$T/$n.key" -out "$T/$n.pem" >/dev/null 2>&1 || il_fail "openssl req ($n)"
done
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
FP_A=$(fp "$T/a.pem")
FP_B=$(fp "$T/b.pem")
cp "$T/a.pem" "$T/cert.pem" && cp "$T/a.key" "$T/key.pem" || il_fail "cp"

il_server reload --cert "$T/cert.pem" --key "$T/key.pem" --ntlm-keyfile "$T/keys" \
    --timeout 25000 "$@"

# seen TAG: the SHA-256 of the certificate a fresh TLS handshake gets.
seen() {
    "$PY" - "$PORT" "$top_srcdir/tests/integration" <<'PYEOF'
import hashlib, ssl, sys
sys.path.insert(0, sys.argv[2])
import spnego_client

sock, _ = spnego_client.x224_connect("127.0.0.1", int(sys.argv[1]), 0x0B, "probe")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
tls = ctx.wrap_socket(sock)
print(hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest())
tls.close()
PYEOF
}
# all_seen FP: four fresh connections (either worker) all see FP.
all_seen() {
    for _ in 1 2 3 4; do
        _got=$(seen | grep -v '^selected\|^rsp_flags') || il_fail "probe connection failed"
        [ "$_got" = "$1" ] || return 1
    done
}
# log_count TEXT: lines of the server's log holding TEXT.
log_count() { grep -c "$1" "$IL_SERVER_LOG"; }
# login_ok OUT: CredSSP completed (binding checked, credentials sent); the
# server logs alice in (exit 0), the gateway has no such local user (exit 2).
login_ok() {
    grep -qx "server_binding: ok" "$1" && grep -qx "authinfo: sent" "$1" &&
        { [ "$RC" = 0 ] || { [ "$DAEMON" = gateway ] && [ "$RC" = 2 ]; }; }
}

all_seen "$FP_A" || il_fail "before SIGHUP: not certificate A"

NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 40 "$PY" \
    "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
    --user alice --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
    --pause-until "$T/go" >"$T/held.out" 2>&1 &
HELD=$!
IL_PIDS="$IL_PIDS $HELD"
for _ in $(seq 1200); do grep -q "^cert_sha256:" "$T/held.out" && break; sleep 0.1; done
grep -qx "cert_sha256: $FP_A" "$T/held.out" || il_fail "held connection: no handshake with A"
il_ok "a connection holds its TLS session with certificate A"

cp "$T/b.pem" "$T/cert.pem" && cp "$T/b.key" "$T/key.pem" || il_fail "cp"
kill -HUP "$SRV_PID"
for _ in $(seq 1200); do [ "$(log_count "SIGHUP: certificate, key")" -ge "$NPROC" ] && break; sleep 0.1; done
kill -0 "$SRV_PID" || il_fail "server gone after SIGHUP"
all_seen "$FP_B" || il_fail "after SIGHUP: new connections do not see certificate B"
[ "$(log_count "SIGHUP: certificate, key")" = "$NPROC" ] || il_fail "not reloaded once per process"
il_spnego newb
login_ok "$T/newb.out" || il_fail "login after the reload: exit $RC"
grep -qx "cert_sha256: $FP_B" "$T/newb.out" || il_fail "login after the reload: not B"
il_ok "after SIGHUP ($NPROC process(es)): new connections get certificate B and log in"

: >"$T/go"
wait "$HELD"
RC=$?
il_forget "$HELD"
login_ok "$T/held.out" || il_fail "held connection: exit $RC (5 = binding mismatch)"
il_ok "the held connection completes its login bound to certificate A"

printf 'not a certificate\n' >"$T/cert.pem"
kill -HUP "$SRV_PID"
for _ in $(seq 1200); do [ "$(log_count "reload failed.*$T/cert.pem: no PEM certificate")" -ge "$NPROC" ] && break; sleep 0.1; done
[ "$(log_count "reload failed.*$T/cert.pem: no PEM certificate")" -ge "$NPROC" ] || il_fail "no log line naming the bad file"
grep "reload failed" "$IL_SERVER_LOG" | head -1
kill -0 "$SRV_PID" || il_fail "server gone after a bad SIGHUP"
all_seen "$FP_B" || il_fail "after a failed reload: not certificate B"
il_spnego keepb
login_ok "$T/keepb.out" || il_fail "login after the failed reload: exit $RC"
il_ok "SIGHUP with a broken certificate: logged, certificate B kept, logins work"

il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC"
[ "$DAEMON" = gateway ] || [ "$(grep -c '"outcome":"ok"' "$T/reload.json")" -ge 3 ] ||
    il_fail "fewer than 3 ok reports"
exit 0
