#!/bin/sh
# e2e_pam_krb5.sh - issue #5 end to end: a real client (xfreerdp 2.11, CredSSP
# v6, NTLM) logs in to credssp-server --pam-service; the delegated password
# goes to a PAM stack (pam_wrapper + nss_wrapper) of pam_credssp + pam_krb5
# use_first_pass against a throwaway MIT KDC, and pam_krb5 stores a TGT.
#   keyring path (--handoff keyring): the server stores the credential in the
#     kernel keyring, pam_credssp claims it by the CREDSSP_HANDOFF token and
#     sets PAM_AUTHTOK; in-process path (--handoff conv): pam_credssp finds no
#     hand-off (PAM_IGNORE), pam_krb5 asks and the conversation helper answers.
# Each asserts: JSON pam "ok" and the exported KRB5CCNAME; that ccache exists,
# is owned by the user (uid 20001), holds krbtgt/TEST.LOCAL; the hand-off key
# was claimed (one-time: unlinked and revoked) by pam_credssp; no password in
# any log.
#   negative: the NT hash matches (CredSSP ok) but the KDC password differs:
#     JSON pam "authenticate:7" (PAM_AUTH_ERR), no ticket cache.
. "$(dirname "$0")/interop_lib.sh"
il_init e2e-pam
il_need timeout xfreerdp klist /usr/lib/x86_64-linux-gnu/libpam_wrapper.so \
    /usr/lib/x86_64-linux-gnu/libnss_wrapper.so
MODULE=$top_builddir/pam_credssp/.libs/pam_credssp.so
[ -f "$MODULE" ] || il_fail "pam_credssp.so not built: $MODULE"
il_kdc
il_xvfb
unset KRB5CCNAME

printf 'alice:x:20001:20001:Alice:%s/home/alice:/bin/false\nbob:x:20002:20002:Bob:%s/home/bob:/bin/false\n' \
    "$T" "$T" >"$T/passwd"
printf 'alice:x:20001:\nbob:x:20002:\n' >"$T/group"
mkdir -p "$T/cc" "$T/pam"
chmod 1777 "$T/cc"
cat >"$T/pam/credssp-e2e" <<EOS
auth required $MODULE keyring=process
auth required pam_krb5.so use_first_pass ccache_dir=$T/cc keytab=$KEYTAB retain_after_close
account required pam_permit.so
session required pam_permit.so
EOS
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam/other"
il_keyfile "$T/keys" alice "" alicepw
# bob's NT hash is of "bob-nt-pw", but his Kerberos password is "bobpw".
il_keyfile "$T/keys" bob "" bob-nt-pw
WRAP="env LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so PAM_WRAPPER=1"
WRAP="$WRAP PAM_WRAPPER_SERVICE_DIR=$T/pam NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group"
# Level 2 shows the modules' syslog lines on stderr (only level 3 would print
# PAM_AUTHTOK): the test reads pam_credssp's audit line from there.
WRAP="$WRAP PAM_WRAPPER_DEBUGLEVEL=2"

# login TAG USER PASSWORD HANDOFF: one xfreerdp login through the server.
login() {
    IL_SERVER_WRAP=$WRAP
    il_server "$1" --ntlm-keyfile "$T/keys" --connections 1 --pam-service credssp-e2e \
        --pam-session --handoff "$4"
    IL_SERVER_WRAP=
    timeout 30 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only "/u:$2" \
        "/p:$3" >"$T/$1.client" 2>&1
    XF_RC=$?
    il_server_wait
}

# check_ticket TAG: the exported cache holds alice's TGT and belongs to her.
check_ticket() {
    cc=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline()).get("krb5ccname") or "")' "$T/$1.json")
    [ -n "$cc" ] || il_fail "$1: no KRB5CCNAME exported"
    file=${cc#FILE:}
    [ -f "$file" ] || il_fail "$1: ticket cache $file missing"
    [ "$(stat -c %u "$file")" = 20001 ] || il_fail "$1: $file not owned by uid 20001"
    klist -c "$cc" >"$T/$1.klist" 2>&1 || il_fail "$1: klist failed"
    grep -q "krbtgt/TEST.LOCAL@TEST.LOCAL" "$T/$1.klist" || il_fail "$1: no TGT in $cc"
    grep -q "Default principal: alice@TEST.LOCAL" "$T/$1.klist" || il_fail "$1: wrong principal"
}

for mode in keyring conv; do
    rm -f "$T"/cc/*
    login "$mode" alice alicepw "$mode"
    [ "$XF_RC" = 131 ] || il_fail "$mode: xfreerdp exit $XF_RC, expected 131 (logged off)"
    il_expect_json "$T/$mode.json" 1 outcome=ok pam=ok user=alice mech=ntlm cred_type=password
    check_ticket "$mode"
    il_ok "$mode hand-off: PAM ok, TGT in $(cat "$T/$mode.klist" | sed -n 's/^Ticket cache: //p')"
done
# pam_credssp claimed the keyring hand-off (unlink + revoke: one-time) only in
# keyring mode, and found none in conv mode.
grep -q "identity=alice delegated=alice mech=ntlm credssp=6 cred=password outcome=forwarded" \
    "$T/keyring.log" || il_fail "keyring: pam_credssp did not claim the hand-off"
grep -q "outcome=forwarded" "$T/conv.log" && il_fail "conv: unexpected hand-off claim"
grep -q "claim_failed" "$T/keyring.log" "$T/conv.log" && il_fail "a hand-off claim failed"
il_ok "keyring hand-off claimed once by pam_credssp; none in conv mode"

rm -f "$T"/cc/*
login wrongkrb bob bob-nt-pw keyring
il_expect_json "$T/wrongkrb.json" 1 outcome=pam_denied pam=authenticate:7 user=bob delivered=true
[ -z "$(ls "$T/cc")" ] || il_fail "a ticket cache was created for a refused login"
il_ok "NT hash right, Kerberos password wrong: PAM refuses (authenticate:7)"

for f in "$T"/*.json "$T"/*.log "$T"/*.client; do
    if grep -q -e alicepw -e bob-nt-pw "$f"; then
        il_fail "password found in $f"
    fi
done
il_ok "no password in any log"
exit 0
