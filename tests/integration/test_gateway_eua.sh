#!/bin/sh
# test_gateway_eua.sh - credssp-gateway with HYBRID_EX clients and its
# admission policy, in front of Debian's xrdp 0.9.21 (docs/XRDP.md).  The
# client is the project's SPNEGO(NTLM) CredSSP client (spnego_client.py,
# requestedProtocols 0x0B), which reads the Early User Authorization Result
# (MS-RDPBCGR 2.2.10.2) and stops there:
#
#  1. a local account: EUA 00000000, and only then does the gateway contact
#     xrdp (the audit names the backend, xrdp logs a connection);
#  2. an NTLM identity with no local account: EUA 00000005, xrdp untouched;
#  3. a domain outside --domain: EUA 00000005, xrdp untouched;
#  4. NTLM authenticated as OTHERDOM\user, delegated user with an empty
#     domain, --domain TESTDOM: refused (issue 10.5: the authenticated
#     domain is checked, not only the delegated one), xrdp untouched.
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-eua
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || gw_skip "python3-gssapi / cryptography missing"
[ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
    gw_skip "gss-ntlmssp not installed"
gw_need hostname
gw_make_user
NOBODY_USER="gwnone$$"
id "$NOBODY_USER" >/dev/null 2>&1 && gw_fail "$NOBODY_USER exists"
printf '%s\n' "$GW_PASS" | "$KEYADD" "$T/keys" "$GW_USER" TESTDOM || gw_fail "keyfile_add"
printf '%s\n' "other-pw" | "$KEYADD" "$T/keys" "$NOBODY_USER" TESTDOM || gw_fail "keyfile_add"
printf '%s\n' "$GW_PASS" | "$KEYADD" "$T/keys-other" "$GW_USER" OTHERDOM || gw_fail "keyfile_add"
gw_xrdp_configs unix
gw_pam_stack plain
gw_start_xrdp
HOST=$(hostname)

# client USER PASSWORD [NTLM-DOMAIN [DELEGATED-DOMAIN]]: SPNEGO(NTLM) as
# NTLM-DOMAIN\USER (default TESTDOM), delegating USER with DELEGATED-DOMAIN
# (default: the NTLM domain), HYBRID_EX requested.
client() {
    printf '%s:%s:%s\n' "${3-TESTDOM}" "$1" "$2" >"$T/ntlm_users"
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD="$2" timeout 30 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user "$1" --domain "${4-${3-TESTDOM}}" --target "TERMSRV@$HOST" --protocols 0x0B \
        >"$T/client.out" 2>&1
    CL_RC=$?
}

gw_gateway gw --ntlm-keyfile "$T/keys"

# 1. admitted: EUA success, then xrdp is contacted
xrdp_lines=$(gw_lines "$T/xrdp.log")
client "$GW_USER" "$GW_PASS"
[ "$CL_RC" = 0 ] || gw_fail "spnego_client exit $CL_RC, expected 0"
grep -qx "selected: 0x8" "$T/client.out" || gw_fail "HYBRID_EX not selected"
grep -qx "eua: 00000000" "$T/client.out" || gw_fail "no EUA success PDU"
gw_wait_audit "$T/gw.json" 1
gw_json "$T/gw.json" 1 protocol=hybrid_ex requested=0x0000000b eua=0 mech=ntlm \
    "user=$GW_USER" domain=TESTDOM "local_user=$GW_USER" "backend=$GW_BACKEND"
gw_wait_for sh -c "[ \$(wc -l <'$T/xrdp.log') -gt $xrdp_lines ]" ||
    gw_fail "xrdp was not contacted after EUA success"
gw_ok "HYBRID_EX admitted: EUA 00000000, then xrdp contacted"

# 2. no such local account
sleep 1
xrdp_lines=$(gw_lines "$T/xrdp.log")
client "$NOBODY_USER" other-pw
[ "$CL_RC" = 2 ] || gw_fail "spnego_client exit $CL_RC, expected 2 (EUA denied)"
grep -qx "eua: 05000000" "$T/client.out" || gw_fail "no EUA access-denied PDU"
gw_wait_audit "$T/gw.json" 2
gw_json "$T/gw.json" 2 outcome=identity_mismatch reason=no_such_user eua=5 backend=null
gw_gateway_stop

# 3. a domain outside --domain
gw_gateway dom --ntlm-keyfile "$T/keys" --domain CORP
client "$GW_USER" "$GW_PASS"
[ "$CL_RC" = 2 ] || gw_fail "spnego_client exit $CL_RC, expected 2 (EUA denied)"
gw_wait_audit "$T/dom.json" 1
gw_json "$T/dom.json" 1 outcome=identity_mismatch reason=domain eua=5 backend=null
gw_gateway_stop
sleep 1
[ "$(gw_lines "$T/xrdp.log")" = "$xrdp_lines" ] || gw_fail "xrdp was contacted for a refused logon"
gw_ok "refused logons: EUA 00000005, xrdp not contacted"

# 4. authenticated as OTHERDOM\user, delegated domain empty, --domain TESTDOM
gw_gateway other --ntlm-keyfile "$T/keys-other" --domain TESTDOM
client "$GW_USER" "$GW_PASS" OTHERDOM ""
[ "$CL_RC" = 2 ] || gw_fail "spnego_client exit $CL_RC, expected 2 (EUA denied)"
grep -qx "eua: 05000000" "$T/client.out" || gw_fail "no EUA access-denied PDU"
gw_wait_audit "$T/other.json" 1
gw_json "$T/other.json" 1 "principal=OTHERDOM\\$GW_USER" "user=$GW_USER" domain= \
    outcome=identity_mismatch reason=domain eua=5 backend=null
gw_gateway_stop
sleep 1
[ "$(gw_lines "$T/xrdp.log")" = "$xrdp_lines" ] || gw_fail "xrdp was contacted for OTHERDOM"
gw_ok "NTLM OTHERDOM\\user with an empty delegated domain: refused under --domain TESTDOM"
exit 0
