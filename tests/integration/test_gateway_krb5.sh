#!/bin/sh
# test_gateway_krb5.sh - a Kerberos logon through credssp-gateway in token
# mode (issue 12, "the gateway for domain users"; MS-CSSP over SPNEGO with
# Kerberos, MS-RDPBCGR 2.2.10.2 Early User Authorization Result).
#
# A throwaway MIT realm TEST.LOCAL (tests/integration/mkrealm.sh, KDC on
# loopback) gets a principal for the test's local user with the same
# password; the client (tests/integration/spnego_client.py --mech kerberos,
# python-gssapi after kinit) asks for HYBRID_EX and delegates the password.
# The gateway (--keytab with TERMSRV/localhost, --mode token, Debian's xrdp
# behind it) must answer EUA success and report mech kerberos, the principal
# user@TEST.LOCAL and the local account it mapped that user to.  A second
# client with a principal that has no local account (alice) gets EUA access
# denied, outcome identity_mismatch, reason no_such_user: the mapping is
# checked, not assumed.
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-krb5
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || gw_skip "python3-gssapi / cryptography missing"
gw_need kinit /usr/sbin/krb5kdc /usr/sbin/kdb5_util /usr/sbin/kadmin.local
id alice >/dev/null 2>&1 && gw_skip "a local account alice exists (the refusal case needs none)"
krb_cleanup() {
    _rc=$?
    [ -d "$T/krb" ] && sh "$top_srcdir/tests/integration/stoprealm.sh" "$T/krb" >/dev/null 2>&1
    (exit "$_rc")
    gw_cleanup
}
trap krb_cleanup EXIT
bash "$top_srcdir/tests/integration/mkrealm.sh" "$T/krb" "$(gw_free_port)" >"$T/krb.env" \
    2>"$T/krb.log" || gw_fail "mkrealm.sh: $(cat "$T/krb.log")"
. "$T/krb.env"
export KRB5_CONFIG KRB5_KDC_PROFILE KRB5CCNAME
gw_make_user
/usr/sbin/kadmin.local -q "addprinc -pw $GW_PASS $GW_USER" >"$T/kadmin.log" 2>&1 ||
    gw_fail "kadmin.local addprinc: $(cat "$T/kadmin.log")"
gw_xrdp_configs unix
gw_pam_stack token
gw_start_xrdp
gw_gateway gw --keytab "$T/krb/service.keytab" --mode token

# login USER PASSWORD TAG: kinit, then one CredSSP (Kerberos) logon; CL_RC
login() {
    printf '%s\n' "$2" | KRB5CCNAME="FILE:$T/cc.$3" kinit "$1" >"$T/kinit.$3" 2>&1 ||
        gw_fail "kinit $1: $(cat "$T/kinit.$3")"
    KRB5CCNAME="FILE:$T/cc.$3" CSSP_PASSWORD="$2" timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech kerberos \
        --user "$1" --domain TEST.LOCAL --target TERMSRV@localhost --protocols 0x0B \
        >"$T/$3.out" 2>&1
    CL_RC=$?
}

login "$GW_USER" "$GW_PASS" good
grep -qx 'eua: 00000000' "$T/good.out" || gw_fail "no EUA success (exit $CL_RC): $(cat "$T/good.out")"
gw_wait_audit "$T/gw.json" 1
gw_json "$T/gw.json" 1 mech=kerberos "principal=$GW_USER@TEST.LOCAL" "local_user=$GW_USER" \
    eua=0 mode=token cred_type=password protocol=hybrid_ex
gw_ok "Kerberos ($GW_USER@TEST.LOCAL) through the gateway in token mode: EUA success, local user $GW_USER"

login alice alicepw nouser
grep -qx 'eua: 05000000' "$T/nouser.out" || gw_fail "alice: no EUA access denied: $(cat "$T/nouser.out")"
gw_wait_audit "$T/gw.json" 2
gw_json "$T/gw.json" 2 mech=kerberos principal=alice@TEST.LOCAL local_user=null eua=5 \
    outcome=identity_mismatch reason=no_such_user ending=refused
gw_ok "Kerberos alice@TEST.LOCAL without a local account: EUA access denied (no_such_user)"
gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "SIGTERM: exit $GW_RC"
exit 0
