#!/bin/sh
# interop_xfreerdp.sh - xfreerdp 2.11 (/sec:nla, CredSSP v6, raw NTLMSSP,
# SHA-256 binding) against credssp-server (docs/TESTING.md §3, docs/INTEROP.md).
#
#  1. right password, +auth-only: JSON ok/password/ntlm/hash/v6, user alice;
#     the client passes NLA and the MCS set-up, is logged off in licensing
#     (ERRINFO_LOGOFF_BY_USER from the DisconnectProviderUltimatum), exits 131
#     and does not reconnect;
#  2. wrong password: JSON logon_failure, errorCode 0xC000006D; client 134;
#  3. domain user TESTDOM\alice: JSON ok, domain TESTDOM;
#  4. without +auth-only (an interactive client): the default ending (mcs)
#     gets one connection only, while --ending dpum makes xfreerdp reconnect
#     once (two reports): the measurement behind the default.
. "$(dirname "$0")/interop_lib.sh"
il_init xfreerdp
il_need xfreerdp timeout
il_keyfile "$T/keys" alice "" alicepw
il_keyfile "$T/keys" alice TESTDOM alicepw
il_xvfb

xf() {
    timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only "$@" \
        >"$T/xfreerdp.out" 2>&1
    XF_RC=$?
}

# 1. right password; --connections 0 so that a reconnect would be seen
il_server good --ntlm-keyfile "$T/keys"
xf /u:alice /p:alicepw
sleep 1
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "server exit status $SRV_RC after SIGTERM"
[ "$XF_RC" = 131 ] || il_fail "xfreerdp exit $XF_RC, expected 131 (logged off after NLA)"
grep -q "ERRINFO_LOGOFF_BY_USER" "$T/xfreerdp.out" ||
    il_fail "xfreerdp was not logged off (did it get through NLA and MCS?)"
grep -q "ERRCONNECT_LOGON_FAILURE" "$T/xfreerdp.out" && il_fail "client saw a logon failure"
[ "$(il_lines "$T/good.json")" = 1 ] || il_fail "expected exactly one connection (no reconnect)"
il_expect_json "$T/good.json" 1 outcome=ok protocol=hybrid credssp_version=6 mech=ntlm \
    spnego=false binding=hash cred_type=password delivered=true user=alice domain= \
    principal=alice error_code=null pam=skipped eua=null ending=mcs cookie=alice
il_ok "right password: ok, client logged off (131) after NLA, no reconnect"

# 2. wrong password
il_server bad --ntlm-keyfile "$T/keys" --connections 1
xf /u:alice /p:wrong-password
il_server_wait
[ "$XF_RC" = 134 ] || il_fail "xfreerdp exit $XF_RC, expected 134 (LOGON_FAILURE)"
grep -q "ERRCONNECT_LOGON_FAILURE" "$T/xfreerdp.out" || il_fail "client did not see LOGON_FAILURE"
il_expect_json "$T/bad.json" 1 outcome=logon_failure error_code=0xC000006D credssp_version=6 \
    user=null cred_type=null delivered=null
il_ok "wrong password: logon_failure 0xC000006D, client 134"

# 3. domain user
il_server dom --ntlm-keyfile "$T/keys" --connections 1
xf '/u:TESTDOM\alice' /p:alicepw
il_server_wait
[ "$XF_RC" = 131 ] || il_fail "xfreerdp exit $XF_RC, expected 131"
il_expect_json "$T/dom.json" 1 outcome=ok mech=ntlm user=alice domain=TESTDOM \
    'principal=TESTDOM\alice' cred_type=password
il_ok "domain user: ok"

# 4. interactive client (no +auth-only): reconnect or not, per ending
interactive() {
    il_server "$1" --ntlm-keyfile "$T/keys" --ending "$1"
    timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore /u:alice /p:alicepw \
        >"$T/xfreerdp-$1.out" 2>&1
    sleep 1
    il_server_stop
    N=$(il_lines "$T/$1.json")
}
interactive mcs
[ "$N" = 1 ] || il_fail "--ending mcs: $N connections, expected 1 (no reconnect)"
grep -q "ERRINFO_LOGOFF_BY_USER" "$T/xfreerdp-mcs.out" || il_fail "--ending mcs: no logoff"
interactive dpum
[ "$N" = 2 ] || il_fail "--ending dpum: $N connections; FreeRDP 2.11 used to reconnect once"
il_expect_json "$T/dpum.json" 2 outcome=ok user=alice
il_ok "interactive: mcs ending, no reconnect; dpum ending, one reconnect"
exit 0
