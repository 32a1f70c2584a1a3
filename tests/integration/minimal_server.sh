#!/bin/sh
# minimal_server.sh - examples/minimal/minimal_server (the public API alone:
# credssp_config_*, credssp_engine_new, credssp_drive_fd) against a real
# client, spnego_client.py (python3-gssapi + gss-ntlmssp), offering SSL and
# HYBRID (0x03):
#  1. right password: HYBRID selected, the client authenticates and delegates
#     its password; the server prints the proven principal;
#  2. wrong password: errorCode 0xC000006D reaches the client, the server
#     reports logon_failure.
. "$(dirname "$0")/interop_lib.sh"
MINIMAL=$top_builddir/examples/minimal/minimal_server
il_init minimal
il_need timeout hostname openssl
il_need_spnego_ntlm
[ -x "$MINIMAL" ] || il_fail "not built: $MINIMAL"
il_keyfile "$T/keys" alice TESTDOM alicepw
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || il_fail "openssl req"
HOST=$(hostname)

# run PASSWORD: one server, one client; sets CL_RC and SRV_RC.
run() {
    rm -f "$T/port"
    timeout 30 "$MINIMAL" "$T/cert.pem" "$T/key.pem" "$T/keys" "$T/port" \
        >"$T/server.out" 2>"$T/server.log" &
    SRV_PID=$!
    IL_PIDS="$IL_PIDS $SRV_PID"
    for _ in $(seq 2400); do [ -s "$T/port" ] && break; sleep 0.05; done
    [ -s "$T/port" ] || il_fail "minimal_server did not start"
    printf 'TESTDOM:alice:%s\n' "$1" >"$T/ntlm_users"
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD="$1" timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$(cat "$T/port")" \
        --mech ntlm --user alice --domain TESTDOM --target "TERMSRV@$HOST" \
        --protocols 0x03 >"$T/client.out" 2>&1
    CL_RC=$?
    wait "$SRV_PID"
    SRV_RC=$?
    il_forget "$SRV_PID"
}

run alicepw
[ "$CL_RC" = 0 ] || il_fail "spnego_client exit $CL_RC"
[ "$SRV_RC" = 0 ] || il_fail "minimal_server exit $SRV_RC"
grep -qx "selected: 0x2" "$T/client.out" || il_fail "HYBRID not selected"
grep -qx 'ok principal=TESTDOM\\alice password=delegated' "$T/server.out" ||
    il_fail "server did not report the proven principal"
il_ok "minimal_server: SPNEGO(NTLM) over HYBRID, password delegated"

run wrong-password
[ "$CL_RC" = 4 ] || il_fail "spnego_client exit $CL_RC, expected 4 (errorCode)"
[ "$SRV_RC" = 1 ] || il_fail "minimal_server exit $SRV_RC, expected 1"
grep -qx "error_code: 0xC000006D" "$T/client.out" || il_fail "client did not get 0xC000006D"
grep -qx "failed logon_failure" "$T/server.out" || il_fail "server did not report logon_failure"
il_ok "minimal_server: wrong password refused with 0xC000006D"
exit 0
