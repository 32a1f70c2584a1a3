#!/bin/sh
# interop_spnego_krb5.sh - SPNEGO(Kerberos) CredSSP v6 client
# (spnego_client.py, MIT krb5 after kinit alice against a throwaway KDC)
# requesting HYBRID_EX against credssp-server --keytab.
# JSON: ok, kerberos, spnego, principal alice@TEST.LOCAL; client: EUA 00000000.
. "$(dirname "$0")/interop_lib.sh"
il_init spnego-krb5
il_need timeout
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
il_kdc
echo alicepw | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"

il_server krb --keytab "$KEYTAB" --connections 2
login() {
    CSSP_PASSWORD=alicepw timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
        --port "$PORT" --mech kerberos --user alice --domain TEST.LOCAL \
        --target TERMSRV@localhost --protocols 0x0B >"$T/$1.out" 2>&1
    CL_RC=$?
}
login client
[ "$CL_RC" = 0 ] || il_fail "spnego_client exit $CL_RC"
grep -qx "eua: 00000000" "$T/client.out" || il_fail "no EUA success PDU"
il_expect_json "$T/krb.json" 1 outcome=ok protocol=hybrid_ex credssp_version=6 mech=kerberos \
    spnego=true binding=hash principal=alice@TEST.LOCAL cred_type=password delivered=true eua=0
il_ok "SPNEGO(Kerberos) + HYBRID_EX: ok"

# Fault: the KDC goes down.  The acceptor needs only its keytab (it never
# contacts the KDC), so a client holding its service ticket still logs in.
kill "$IL_KDC_PID"
for _ in $(seq 50); do kill -0 "$IL_KDC_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$IL_KDC_PID" 2>/dev/null && il_fail "the KDC did not stop"
IL_KDC_PID=""
"$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
    "$KDC_PORT" 2>/dev/null && il_fail "the KDC still answers"
login kdcdown
il_server_wait
[ "$CL_RC" = 0 ] || il_fail "with the KDC down: spnego_client exit $CL_RC"
il_expect_json "$T/krb.json" 2 outcome=ok mech=kerberos principal=alice@TEST.LOCAL eua=0
il_ok "KDC down: Kerberos logins with a held service ticket still succeed"
exit 0
