#!/bin/sh
# ad_gateway.sh - an Active Directory user of the throwaway Samba DC
# (ad_lib.sh) gets an xrdp session through credssp-gateway (token mode) and a
# TGT for the domain in it (issue 12, docs/ACTIVE-DIRECTORY.md):
#   xfreerdp NTLM ADTEST\alice -> gateway --ntlm-passthrough --ad-domain
#   ADTEST --mode token -> Debian's xrdp 0.9.21 -> xrdp-sesman whose PAM stack
#   (pam_wrapper) is the sample examples/pam.d/credssp-winbind (pam_credssp
#   authtok ad_domain=ADTEST krb5 + pam_winbind use_first_pass), and whose
#   NSS is libnss_winbind (nss_wrapper; the host's nsswitch.conf is not
#   touched).  sesman starts the session of
#   ADTEST\alice and pam_credssp leaves a cache with krbtgt/AD.TEST owned by
#   alice (uid 20001).  The gateway's report names the NTLM source
#   (ntlm_source winbind); before the DC runs, --ntlm-passthrough refuses to
#   start (exit 1) because winbindd is not reachable.
. "$(dirname "$0")/interop_lib.sh"
il_init ad-gateway
. "$(dirname "$0")/ad_lib.sh"
. "$(dirname "$0")/gateway_lib.sh"
ad_gw_cleanup() {
    _rc=$?
    for p in $GW_TREES; do gw_stop_tree "$p"; done
    for p in $GW_PIDS; do kill "$p" 2>/dev/null; done
    for p in $GW_PIDS; do wait "$p" 2>/dev/null; done
    for p in $(ps -o pid= -u 20001 2>/dev/null); do gw_stop_tree "$p"; done
    gw_remove_x_locks
    (exit "$_rc")
    ad_cleanup
}
trap ad_gw_cleanup EXIT
[ "$(id -u)" = 0 ] || il_skip "needs root"
gw_need xrdp xrdp-sesman Xvnc xfreerdp Xvfb timeout flock openssl ps "$PAMWRAP"
NSSW=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so
WBNSS=/lib/x86_64-linux-gnu/libnss_winbind.so.2
il_need "$NSSW" "$WBNSS" /lib/x86_64-linux-gnu/security/pam_winbind.so
[ -f /etc/xrdp/xrdp.ini ] && [ -f /etc/xrdp/sesman.ini ] || il_skip "xrdp not configured"
[ -x "$GATEWAY" ] && [ -f "$PAM_CREDSSP" ] || il_fail "gateway / pam_credssp not built"
chmod 755 "$T"
mkdir -p "$T/home"
AD_PROVISION_OPTION="template homedir=$T/home/%U"
ad_lock
exec 8>"${TMPDIR:-/tmp}/credssp-gateway-tests.lock"
flock -w 170 8 || il_fail "could not take the gateway test lock"
gw_port_open 3350 && il_skip "port 3350 (xrdp-sesman) is in use"
GW_LOCKS_BEFORE=$(ls -d /tmp/.X*-lock 2>/dev/null | tr '\n' ' ')
# winbindd down: --ntlm-passthrough refuses to start and names the reason
"$GATEWAY" --ntlm-passthrough --backend "unix:$T/none.sock" --listen 127.0.0.1:0 \
    --connections 1 >"$T/nowb.json" 2>"$T/nowb.log"
rc=$?
[ "$rc" = 1 ] || il_fail "--ntlm-passthrough without winbindd: exit $rc, expected 1"
grep -q -- '--ntlm-passthrough: winbindd is not reachable' "$T/nowb.log" ||
    il_fail "no reason for the refusal: $(cat "$T/nowb.log")"
il_ok "gateway --ntlm-passthrough without winbindd: refused at start-up"
ad_start
ad_tool spn add host/localhost rdpsvc
ad_tool domain exportkeytab "$D/host.keytab" --principal=host/localhost
mkdir -p "$T/home/alice" "$T/cc"
chown 20001:100 "$T/home/alice"
chmod 1777 "$T/cc"

# NSS for sesman (and the gateway): winbind under nss_wrapper
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/passwd"
printf 'root:x:0:\nusers:x:100:\n' >"$T/group"
export NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
    NSS_WRAPPER_MODULE_SO_PATH="$WBNSS" NSS_WRAPPER_MODULE_FN_PREFIX=winbind
GW_SESMAN_PRELOAD=$NSSW
gw_xrdp_configs tcp
mkdir -p "$T/pam.d"
# xrdp-sesman's stack is the shipped sample examples/pam.d/credssp-winbind,
# with only the domain and the paths (module, keytab, ticket cache) changed:
# the sample is what this test runs.
SAMPLE=$top_srcdir/examples/pam.d/credssp-winbind
[ -f "$SAMPLE" ] || il_fail "$SAMPLE missing"
sed -e 's/ad_domain=[^[:space:]]*/ad_domain=ADTEST/' \
    -e "/pam_credssp\.so/ s|\$| keytab=$D/host.keytab ccache=FILE:$T/cc/krb5cc_%{uid}_XXXXXX debug|" \
    -e "s|pam_credssp\.so|$PAM_CREDSSP|" "$SAMPLE" >"$T/pam.d/xrdp-sesman"
grep -qF "$PAM_CREDSSP " "$T/pam.d/xrdp-sesman" || il_fail "no pam_credssp.so line in $SAMPLE"
printf 'auth required pam_deny.so\naccount required pam_deny.so\nsession required pam_deny.so\n' \
    >"$T/pam.d/other"
gw_start_xrdp
gw_xvfb
_pre=$NSSW
il_asan_binary "$GATEWAY" && _pre="$(il_asan_runtime):$NSSW"
printf '#!/bin/sh\nLD_PRELOAD=%s exec %s "$@"\n' "$_pre" "$GATEWAY" >"$T/gateway.sh"
chmod 755 "$T/gateway.sh"
GATEWAY=$T/gateway.sh
gw_gateway gw --ntlm-passthrough --ad-domain ADTEST --mode token
GW_USER='ADTEST\alice'
gw_full_session full /u:alice /d:ADTEST "/p:$AD_ALICE_PW"
gw_wait_audit "$T/gw.json" 1
gw_json "$T/gw.json" 1 outcome=ok mode=token cred_type=password 'local_user=ADTEST\alice' \
    ntlm_source=winbind mech=ntlm
[ "$GW_SESSION" = ok ] || il_fail "xrdp-sesman started no session for ADTEST\\alice ($GW_SESSION)"
il_ok "gateway + xrdp: NTLM ADTEST\\\\alice -> xrdp session of the AD user (token mode)"
_cc=$(ls "$T/cc"/krb5cc_20001_* 2>/dev/null | head -n 1)
[ -n "$_cc" ] || il_fail "no ticket cache for uid 20001 in $T/cc"
[ "$(stat -c %u "$_cc")" = 20001 ] || il_fail "the cache is not owned by alice"
klist -c "FILE:$_cc" >"$T/klist.out" 2>&1 || il_fail "klist $_cc"
grep -q "Default principal: alice@AD.TEST" "$T/klist.out" || il_fail "wrong principal in $_cc"
grep -q "krbtgt/AD.TEST@AD.TEST" "$T/klist.out" || il_fail "no TGT for AD.TEST in $_cc"
il_ok "the session's cache holds alice@AD.TEST's TGT (pam_credssp krb5, mapped principal)"
exit 0
