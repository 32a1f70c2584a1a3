#!/bin/sh
# ad_logon.sh - domain users of a throwaway Samba AD DC (ad_lib.sh) log in
# to credssp-server over NLA with no NT hash on the host (issue 12,
# docs/ACTIVE-DIRECTORY.md).
#
#  0. --ntlm-passthrough with winbindd down: the server refuses to start
#     (exit 1) and names the socket and the fix;
#  1. NTLM pass-through (gss-ntlmssp -> winbindd -> the DC), xfreerdp 2.11:
#     ADTEST\alice right password: 131, JSON ok, ntlm_source winbind;
#  2. wrong password: 134, logon_failure 0xC000006D;
#  3. the domain in other cases and as the DNS name (adtest\ALICE, AD.TEST);
#  4. the UPN alice@ad.test with no domain: ok (was identity_mismatch, 147);
#  5. a disabled account and a password that must change: refused (134,
#     0xC000006D: gss-ntlmssp 1.2 drops winbind's NTSTATUS), and the DC's
#     audit log names NT_STATUS_ACCOUNT_DISABLED / NT_STATUS_PASSWORD_MUST_CHANGE;
#  6. Kerberos: a SPNEGO client with alice's kinit ticket, HYBRID_EX, against
#     the exported AES keytab of TERMSRV/localhost: ok, principal alice@AD.TEST;
#     the same for the host's second SPN TERMSRV/<fqdn> (one keytab, two SPNs);
#  7. (run first) the account mapping of acceptor/keys/account_map.c resolved
#     through libnss_winbind under nss_wrapper; kinit with the mapped principal;
#  8. an RC4-only keytab (the SPN's account without AES enctypes) is named at
#     start-up with the fix (msDS-SupportedEncryptionTypes, re-export);
#  9. a TGT for AD.TEST in the session for an NTLM pass-through logon (conv)
#     and a Kerberos logon (keyring hand-off to pam_credssp), via pam_krb5;
# 10. NSS = libnss_winbind (the DC names users ADTEST\alice): credssp-server
#     --ad-domain ADTEST --handoff keyring + pam_credssp ad_domain=ADTEST krb5
#     + pam_winbind use_first_pass (pam_krb5 cannot take a qualified PAM_USER):
#     NTLM as ADTEST\alice, adtest\ALICE and alice@ad.test each log in as the
#     PAM user ADTEST\alice and get a TGT for alice@AD.TEST (before the one
#     mapping: identity_mismatch, and a qualified PAM_USER had no principal);
#     a domain that is not the member's (OTHER\alice) gets no PAM login; a
#     Kerberos logon as alice@AD.TEST maps to the same PAM user;
# 11. credssp-gateway --ad-domain ADTEST (NSS winbind): the xrdp user of the
#     three NTLM name forms is ADTEST\alice; domain OTHER is refused.
. "$(dirname "$0")/interop_lib.sh"
il_init ad-logon
. "$(dirname "$0")/ad_lib.sh"
trap ad_cleanup EXIT
il_need xfreerdp timeout
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
ad_lock

# 0. winbindd not running yet
"$SERVER" --ntlm-passthrough --listen 127.0.0.1:0 --connections 1 >"$T/nowb.json" 2>"$T/nowb.log"
rc=$?
[ "$rc" = 1 ] || il_fail "--ntlm-passthrough without winbindd: exit $rc, expected 1"
grep -q "winbindd is not reachable at /run/samba/winbindd/pipe.*--ntlm-keyfile" "$T/nowb.log" ||
    il_fail "no clear start-up error: $(cat "$T/nowb.log")"
il_ok "--ntlm-passthrough without winbindd: refused at start-up"

ad_start

# 7. acceptor/keys/account_map.c against the real NSS: libnss_winbind under
#    nss_wrapper (the host's nsswitch.conf is not involved).  On the DC,
#    winbind names users ADTEST\alice ("use default domain" is ignored there).
MAPNSS=$top_builddir/tests/integration/account_map_nss
[ -x "$MAPNSS" ] || il_fail "helper not built: $MAPNSS"
NSSW=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so
il_need "$NSSW" /lib/x86_64-linux-gnu/libnss_winbind.so.2
_pre=$NSSW
il_asan_binary "$MAPNSS" && _pre="$(il_asan_runtime):$NSSW"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/passwd"
printf 'root:x:0:\n' >"$T/group"
map_nss() {
    env LD_PRELOAD="$_pre" NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
        NSS_WRAPPER_MODULE_SO_PATH=/lib/x86_64-linux-gnu/libnss_winbind.so.2 \
        NSS_WRAPPER_MODULE_FN_PREFIX=winbind "$MAPNSS" ADTEST ad.test "$@"
}
for n in 'ADTEST\alice' 'adtest\ALICE' alice@ad.test ALICE@AD.TEST '\alice@ad.test'; do
    for form in netbios auto; do
        out=$(map_nss $form "$n") || il_fail "map $n ($form): $out"
        [ "$out" = 'local=ADTEST\alice principal=alice@AD.TEST' ] || il_fail "map $n ($form): $out"
    done
done
out=$(map_nss netbios alice ADTEST) || il_fail "map alice + domain ADTEST: $out"
map_nss netbios 'OTHER\alice' >/dev/null && il_fail "a user of domain OTHER was mapped"
map_nss netbios 'ADTEST\nobody' >/dev/null
[ $? = 2 ] || il_fail "an unknown domain user was not reported unknown"
princ=${out##*principal=}
[ "$princ" = alice@AD.TEST ] || il_fail "alice + ADTEST mapped to the principal $princ"
printf '%s\n' "$AD_ALICE_PW" | kinit "$princ" >"$T/kinit.log" 2>&1 ||
    il_fail "kinit with the mapped principal $princ"
kdestroy >/dev/null 2>&1
il_ok "account map + real NSS (winbind): NetBIOS-qualified, UPN, user@REALM names -> the name winbind spells, alice@AD.TEST"

il_xvfb
il_server ntlm --ntlm-passthrough
N=0
# xf EXPECTED_RC ARGS...: one xfreerdp logon; waits for its report line.
xf() {
    _want=$1
    shift
    timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only "$@" \
        >"$T/xfreerdp.out" 2>&1
    _rc=$?
    N=$((N + 1))
    for _ in $(seq 1200); do [ "$(il_lines "$T/ntlm.json")" -ge "$N" ] && break; sleep 0.1; done
    [ "$_rc" = "$_want" ] || il_fail "xfreerdp $* exit $_rc, expected $_want"
}
grep -q "NTLM: pass-through to winbindd" "$IL_SERVER_LOG" || il_fail "no pass-through line"

xf 131 /u:alice /d:ADTEST "/p:$AD_ALICE_PW"
il_expect_json "$T/ntlm.json" $N outcome=ok mech=ntlm ntlm_source=winbind user=alice \
    domain=ADTEST 'principal=ADTEST\alice' cred_type=password delivered=true
il_ok "NTLM pass-through, user alice domain ADTEST: ok (131)"

xf 134 /u:alice /d:ADTEST /p:wrong-password
il_expect_json "$T/ntlm.json" $N outcome=logon_failure error_code=0xC000006D ntlm_source=winbind
il_ok "wrong password: logon_failure 0xC000006D (134)"

xf 131 '/u:adtest\ALICE' "/p:$AD_ALICE_PW"
il_expect_json "$T/ntlm.json" $N outcome=ok 'principal=adtest\ALICE'
xf 131 /u:alice /d:AD.TEST "/p:$AD_ALICE_PW"
il_expect_json "$T/ntlm.json" $N outcome=ok 'principal=AD.TEST\alice'
il_ok "domain in other cases / as the DNS name: ok"

xf 131 /u:alice@ad.test "/p:$AD_ALICE_PW"
il_expect_json "$T/ntlm.json" $N outcome=ok 'principal=\alice@ad.test' user=alice@ad.test
il_ok "UPN alice@ad.test, no domain: ok"

xf 134 /u:carol /d:ADTEST "/p:$AD_CAROL_PW"
il_expect_json "$T/ntlm.json" $N outcome=logon_failure error_code=0xC000006D
xf 134 /u:dave /d:ADTEST "/p:$AD_DAVE_PW"
il_expect_json "$T/ntlm.json" $N outcome=logon_failure error_code=0xC000006D
grep -rq "\[carol\].*NT_STATUS_ACCOUNT_DISABLED" "$D/log" ||
    il_fail "the DC did not refuse carol as disabled"
grep -rq "\[dave\].*NT_STATUS_PASSWORD_MUST_CHANGE" "$D/log" ||
    il_fail "the DC did not refuse dave for a password that must change"
il_ok "disabled account / must-change password: refused (134), DC names the reason"
il_server_stop

printf '%s\n' "$AD_ALICE_PW" | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"
# krb_logon TAG HOST: SPNEGO(Kerberos) + HYBRID_EX to TERMSRV@HOST, one server.
krb_logon() {
    il_server "$1" --keytab "$AD_KEYTAB" --connections 1
    CSSP_PASSWORD="$AD_ALICE_PW" timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech kerberos \
        --user alice --domain AD.TEST --target "TERMSRV@$2" --protocols 0x0B \
        >"$T/$1.out" 2>&1
    _rc=$?
    il_server_wait
    [ "$_rc" = 0 ] || il_fail "spnego_client to TERMSRV@$2: exit $_rc"
    grep -qx "eua: 00000000" "$T/$1.out" || il_fail "no EUA success PDU ($2)"
    il_expect_json "$T/$1.json" 1 outcome=ok protocol=hybrid_ex mech=kerberos spnego=true \
        principal=alice@AD.TEST cred_type=password delivered=true eua=0
}
krb_logon krb localhost
grep -q "warning: keytab" "$T/krb.log" && il_fail "a warning about the AES keytab"
il_ok "Kerberos (kinit ticket, AD keytab, TERMSRV/localhost): ok"
if [ "$AD_FQDN" != localhost ]; then
    krb_logon krbfqdn "$AD_FQDN"
    il_ok "Kerberos to the second SPN TERMSRV/$AD_FQDN (same keytab): ok"
fi

# 9. a TGT for the domain in the session, for an NTLM pass-through logon and
#    a Kerberos logon: pam_krb5 against the DC's KDC with the delegated
#    password; NSS names the user "alice" (a passwd file under nss_wrapper, as
#    on a member with "winbind use default domain = yes" or SSSD short names).
MODULE=$top_builddir/pam_credssp/.libs/pam_credssp.so
il_need /usr/lib/x86_64-linux-gnu/libpam_wrapper.so /lib/x86_64-linux-gnu/security/pam_krb5.so
[ -f "$MODULE" ] || il_fail "pam_credssp.so not built: $MODULE"
printf 'alice:x:20001:20001:Alice:%s/home/alice:/bin/false\n' "$T" >"$T/sess-passwd"
printf 'alice:x:20001:\n' >"$T/sess-group"
mkdir -p "$T/cc" "$T/pam"
chmod 1777 "$T/cc"
cat >"$T/pam/ad-conv" <<EOS
auth required pam_krb5.so ccache_dir=$T/cc keytab=$AD_KEYTAB retain_after_close
account required pam_permit.so
session required pam_permit.so
EOS
# the same with the keyring hand-off: pam_credssp first, pam_krb5 takes its password
{
    echo "auth required $MODULE keyring=process"
    sed 's/pam_krb5.so /pam_krb5.so use_first_pass /' "$T/pam/ad-conv"
} >"$T/pam/ad-keyring"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam/other"
SESS_WRAP="env LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so PAM_WRAPPER=1"
SESS_WRAP="$SESS_WRAP PAM_WRAPPER_SERVICE_DIR=$T/pam NSS_WRAPPER_PASSWD=$T/sess-passwd"
SESS_WRAP="$SESS_WRAP NSS_WRAPPER_GROUP=$T/sess-group"
# tgt_in_session TAG: the report's exported cache holds alice's TGT for AD.TEST.
tgt_in_session() {
    il_expect_json "$T/$1.json" 1 outcome=ok pam=ok
    _cc=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("krb5ccname") or "")' "$T/$1.json")
    [ -n "$_cc" ] || il_fail "$1: no KRB5CCNAME exported"
    [ "$(stat -c %u "${_cc#FILE:}")" = 20001 ] || il_fail "$1: cache not owned by alice"
    klist -c "$_cc" >"$T/$1.klist" 2>&1 || il_fail "$1: klist $_cc"
    grep -q "Default principal: alice@AD.TEST" "$T/$1.klist" || il_fail "$1: wrong principal"
    grep -q "krbtgt/AD.TEST@AD.TEST" "$T/$1.klist" || il_fail "$1: no TGT for AD.TEST"
}
IL_SERVER_WRAP=$SESS_WRAP
il_server ntlmsess --ntlm-passthrough --connections 1 --pam-service ad-conv --pam-session
IL_SERVER_WRAP=
timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only /u:alice /d:ADTEST \
    "/p:$AD_ALICE_PW" >"$T/ntlmsess.out" 2>&1
il_server_wait
tgt_in_session ntlmsess
il_ok "NTLM pass-through logon: TGT krbtgt/AD.TEST in the session (pam_krb5)"
printf '%s\n' "$AD_ALICE_PW" | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"
IL_SERVER_WRAP=$SESS_WRAP
il_server krbsess --keytab "$AD_KEYTAB" --connections 1 --pam-service ad-keyring --pam-session \
    --handoff keyring
IL_SERVER_WRAP=
CSSP_PASSWORD="$AD_ALICE_PW" timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
    --port "$PORT" --mech kerberos --user alice --domain AD.TEST --target TERMSRV@localhost \
    --protocols 0x0B >"$T/krbsess.out" 2>&1
il_server_wait
tgt_in_session krbsess
il_ok "Kerberos logon + keyring hand-off: TGT krbtgt/AD.TEST in the session (pam_credssp + pam_krb5)"

# 10. the server and pam_credssp map domain users with the one rule
#     (acceptor/keys/account_map.c); NSS is winbind itself, as on a member with
#     the default "use default domain = no": PAM_USER is ADTEST\alice.
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/wb-passwd"
# pam_credssp verifies the TGT against a host/ key (krb5_verify_init_creds)
ad_tool spn add host/localhost rdpsvc
ad_tool domain exportkeytab "$D/host.keytab" --principal=host/localhost
cat >"$T/pam/ad-wb" <<EOS
auth required $MODULE keyring=process ad_domain=ADTEST krb5 keytab=$D/host.keytab ccache=FILE:$T/cc/krb5cc_%{uid}_XXXXXX
auth required pam_winbind.so use_first_pass
account required pam_permit.so
session required pam_permit.so
EOS
IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so PAM_WRAPPER=1"
IL_SERVER_WRAP="$IL_SERVER_WRAP PAM_WRAPPER_SERVICE_DIR=$T/pam NSS_WRAPPER_PASSWD=$T/wb-passwd"
IL_SERVER_WRAP="$IL_SERVER_WRAP NSS_WRAPPER_GROUP=$T/group"
IL_SERVER_WRAP="$IL_SERVER_WRAP NSS_WRAPPER_MODULE_SO_PATH=/lib/x86_64-linux-gnu/libnss_winbind.so.2"
IL_SERVER_WRAP="$IL_SERVER_WRAP NSS_WRAPPER_MODULE_FN_PREFIX=winbind"
il_server wbsess --ntlm-passthrough --keytab "$AD_KEYTAB" --connections 5 --pam-service ad-wb \
    --pam-session --handoff keyring --ad-domain ADTEST
IL_SERVER_WRAP=
N=0
wbxf() {
    timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only "$@" \
        >"$T/wbsess.out" 2>&1
    N=$((N + 1))
    for _ in $(seq 1200); do [ "$(il_lines "$T/wbsess.json")" -ge "$N" ] && break; sleep 0.1; done
}
wbxf /u:alice /d:ADTEST "/p:$AD_ALICE_PW"
tgt_in_session wbsess
wbxf '/u:adtest\ALICE' "/p:$AD_ALICE_PW"
il_expect_json "$T/wbsess.json" 2 outcome=ok pam=ok
wbxf /u:alice@ad.test "/p:$AD_ALICE_PW"
il_expect_json "$T/wbsess.json" 3 outcome=ok pam=ok
wbxf /u:alice /d:OTHER "/p:$AD_ALICE_PW"
# Kerberos (alice's kinit ticket): the principal alice@AD.TEST maps to ADTEST\alice too
printf '%s\n' "$AD_ALICE_PW" | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"
CSSP_PASSWORD="$AD_ALICE_PW" timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
    --port "$PORT" --mech kerberos --user alice --domain AD.TEST --target TERMSRV@localhost \
    --protocols 0x0B >"$T/wbkrb.out" 2>&1 || il_fail "spnego_client (Kerberos) to wbsess"
il_server_wait
[ "$(il_lines "$T/wbsess.json")" = 5 ] || il_fail "wbsess: $(il_lines "$T/wbsess.json") reports, want 5"
il_expect_json "$T/wbsess.json" 5 outcome=ok mech=kerberos pam=ok
sed -n 4p "$T/wbsess.json" | grep -q '"pam":"ok"' && il_fail "a user of domain OTHER got a PAM login"
grep -q "domain users: NetBIOS ADTEST, DNS ad.test, realm AD.TEST" "$IL_SERVER_LOG" ||
    il_fail "the server did not report its domain settings"
il_ok "NSS winbind, --ad-domain + pam_credssp ad_domain: NetBIOS-qualified (any case) and UPN NTLM logons, Kerberos alice@AD.TEST -> PAM user as winbind spells it + TGT alice@AD.TEST; domain OTHER refused"

# 11. credssp-gateway --ad: the xrdp user of an AD logon is the account as NSS
#     (winbind) spells it, for NTLM in any of the three name forms; another
#     domain is refused.  No xrdp here: the back end is a socket nobody
#     listens on; the audit line names the mapped user first.
GATEWAY=$top_builddir/examples/credssp-gateway
[ -x "$GATEWAY" ] || il_fail "gateway not built: $GATEWAY"
_gwpre=$NSSW
il_asan_binary "$GATEWAY" && _gwpre="$(il_asan_runtime):$NSSW"
env LD_PRELOAD="$_gwpre" NSS_WRAPPER_PASSWD="$T/wb-passwd" NSS_WRAPPER_GROUP="$T/group" \
    NSS_WRAPPER_MODULE_SO_PATH=/lib/x86_64-linux-gnu/libnss_winbind.so.2 \
    NSS_WRAPPER_MODULE_FN_PREFIX=winbind "$GATEWAY" --json --listen 127.0.0.1:0 \
    --port-file "$T/gw.port" --backend "unix:$T/no-xrdp.sock" --ad-domain ADTEST \
    --connections 4 >"$T/gw.json" 2>"$T/gw.log" &
GWPID=$!
for _ in $(seq 1200); do [ -s "$T/gw.port" ] && break; sleep 0.1; done
[ -s "$T/gw.port" ] || il_fail "the gateway did not start: $(cat "$T/gw.log")"
GWPORT=$(cat "$T/gw.port")
N=0
gwxf() {
    timeout 30 xfreerdp "/v:127.0.0.1:$GWPORT" /sec:nla /cert:ignore +auth-only "$@" \
        >"$T/gwxf.out" 2>&1
    N=$((N + 1))
    for _ in $(seq 1200); do [ "$(il_lines "$T/gw.json")" -ge "$N" ] && break; sleep 0.1; done
}
gwxf /u:alice /d:ADTEST "/p:$AD_ALICE_PW"
gwxf '/u:adtest\ALICE' "/p:$AD_ALICE_PW"
gwxf /u:alice@ad.test "/p:$AD_ALICE_PW"
gwxf /u:alice /d:OTHER "/p:$AD_ALICE_PW"
for _ in $(seq 100); do kill -0 "$GWPID" 2>/dev/null || break; sleep 0.1; done
kill "$GWPID" 2>/dev/null
wait "$GWPID"
"$PY" - "$T/gw.json" <<'EOF' || il_fail "gateway audit for AD users: $(cat "$T/gw.json")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(lines) == 4, lines
for a in lines[:3]:
    assert a.get("local_user") == "ADTEST\\alice", a
o = lines[3]
assert o.get("local_user") in (None, ""), o
assert o.get("outcome") in ("identity_mismatch", "logon_failure"), o
EOF
il_ok "gateway --ad: NetBIOS-qualified (any case) and UPN NTLM logons -> xrdp user as winbind spells it; domain OTHER refused"

# 8. an RC4-only keytab is named at start-up, with the fix
il_server rc4 --keytab "$AD_RC4_KEYTAB" --connections 1
il_server_stop
grep -q "warning: keytab .* only non-AES (RC4/DES) keys for TERMSRV/rc4.ad.test@AD.TEST.*msDS-SupportedEncryptionTypes" \
    "$T/rc4.log" || il_fail "no clear warning for an RC4-only keytab"
il_ok "RC4-only keytab: start-up warning names msDS-SupportedEncryptionTypes"
exit 0
