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

il_server krb --keytab "$KEYTAB" --connections 1
CSSP_PASSWORD=alicepw timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
    --port "$PORT" --mech kerberos --user alice --domain TEST.LOCAL \
    --target TERMSRV@localhost --protocols 0x0B >"$T/client.out" 2>&1
CL_RC=$?
il_server_wait
[ "$CL_RC" = 0 ] || il_fail "spnego_client exit $CL_RC"
grep -qx "eua: 00000000" "$T/client.out" || il_fail "no EUA success PDU"
il_expect_json "$T/krb.json" 1 outcome=ok protocol=hybrid_ex credssp_version=6 mech=kerberos \
    spnego=true binding=hash principal=alice@TEST.LOCAL cred_type=password delivered=true eua=0
il_ok "SPNEGO(Kerberos) + HYBRID_EX: ok"
exit 0
