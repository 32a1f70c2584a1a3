#!/bin/sh
# tests/integration/pam_credssp.sh: pam_credssp.so and credssp_pam_login in real
# PAM stacks, run by tests/integration/pam_stack (cmocka).
#
# Sets up, in a scratch directory: a throwaway MIT realm TEST.LOCAL (mkrealm.sh,
# alice/alicepw, keytab host/localhost + TERMSRV/localhost), an nss_wrapper
# passwd with alice and bob, a pam_matrix password file and the service files
# below; runs the driver under pam_wrapper + nss_wrapper inside a fresh session
# keyring (`keyctl session -`) with the KDC up, then again with the KDC stopped
# (by its pid).  Then it checks the audit lines pam_credssp wrote and that no
# password appears in any log.  Skips (77) only when the PAM test tools are
# not installed or we are not root (ccache ownership needs chown).
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$(pwd)}
bin=$builddir/tests/integration/pam_stack
module=$builddir/pam_credssp/.libs/pam_credssp.so
askmod=$builddir/tests/integration/.libs/pam_ask.so
mkrealm=${CSSP_MKREALM:-$srcdir/tests/integration/mkrealm.sh}
libdir=/usr/lib/x86_64-linux-gnu
pwdir=$libdir/pam_wrapper
WRONG=Wr0ng-pw

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (chown of ticket caches)"
for f in "$libdir/libpam_wrapper.so" "$libdir/libnss_wrapper.so" "$pwdir/pam_matrix.so" \
         "$pwdir/pam_get_items.so"; do
    [ -e "$f" ] || skip "$f missing (apt-get install libpam-wrapper libnss-wrapper)"
done
pamkrb5=$(ls /lib/x86_64-linux-gnu/security/pam_krb5.so /usr/lib/x86_64-linux-gnu/security/pam_krb5.so 2>/dev/null | head -n1)
[ -n "$pamkrb5" ] || skip "pam_krb5.so missing (apt-get install libpam-krb5)"
command -v keyctl >/dev/null || skip "keyctl missing (apt-get install keyutils)"
[ -x /usr/sbin/krb5kdc ] || skip "krb5kdc missing (apt-get install krb5-kdc krb5-admin-server)"
[ -x "$bin" ] && [ -f "$module" ] && [ -f "$askmod" ] || fail "build the test programs first"

work=$(mktemp -d /tmp/cssp-pam-XXXXXX) || exit 99
KDC_PID=
stop_kdc() {
    if [ -z "$KDC_PID" ] && [ -s "$work/realm/kdc.pid" ]; then KDC_PID=$(cat "$work/realm/kdc.pid"); fi
    if [ -n "$KDC_PID" ]; then
        kill "$KDC_PID" 2>/dev/null
        i=0
        while kill -0 "$KDC_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        KDC_PID=
    fi
}
cleanup() {
    stop_kdc
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- users, passwords, services ----
keytab=$work/realm/service.keytab
pw=alicepw
mkdir -p "$work/cc" "$work/svc" "$work/home/alice"
printf 'alice:x:20001:20001:Alice:%s/home/alice:/bin/false\nbob:x:20002:20002:Bob:/nonexistent:/bin/false\n' \
    "$work" > "$work/passwd"
printf 'alice:x:20001:\nbob:x:20002:\n' > "$work/group"
printf 'alice:M4trix-pw:matrix\nalice:M4trix-pw:matrix_then_other\nbob:bobpw:another_service\n' > "$work/passdb"
chmod 0600 "$work/passdb"

M=$module
CC="ccache=FILE:$work/cc/krb5cc_%{uid}_XXXXXX"
probe_tail="auth required $pwdir/pam_get_items.so
account required pam_permit.so
session required pam_permit.so"
gate='[success=done ignore=ignore default=die]'
svc() { printf '%s\n' "$2" > "$work/svc/$1"; }

svc probe "auth $gate $M debug bogus_option
$probe_tail"
svc probe_trust "auth $gate $M trust
$probe_tail"
svc probe_domain "auth $gate $M domain=TESTDOM
$probe_tail"
svc krb5 "auth $gate $M
auth required $pamkrb5 use_first_pass keytab=$keytab ccache_dir=$work/cc retain_after_close
account required pam_permit.so
session required pam_permit.so"
svc credssp_krb5 "auth $gate $M krb5 destroy keytab=$keytab $CC
auth required $pamkrb5 use_first_pass no_ccache keytab=$keytab
account required pam_permit.so
session required pam_permit.so"
svc trust_krb5 "auth $gate $M trust krb5 keytab=$keytab $CC
auth required pam_deny.so
account required pam_permit.so"
svc trust_krb5_nokeytab "auth $gate $M trust krb5 keytab=$work/no.keytab $CC
auth required pam_deny.so
account required pam_permit.so"
svc matrix "auth required $pwdir/pam_matrix.so passdb=$work/passdb verbose
auth required $pwdir/pam_matrix.so passdb=$work/passdb
auth required $askmod info
account required $pwdir/pam_matrix.so passdb=$work/passdb
session required $pwdir/pam_matrix.so passdb=$work/passdb"
svc matrix_then_other "auth required $pwdir/pam_matrix.so passdb=$work/passdb
auth required $askmod
account required pam_permit.so"
svc login_krb5 "auth $gate $M krb5 destroy keyring=process keytab=$keytab $CC
auth required $pamkrb5 force_first_pass no_ccache keytab=$keytab
account required pam_permit.so
session required $M destroy
session required pam_permit.so"
svc other "auth required pam_deny.so
account required pam_deny.so
session required pam_deny.so"

# ---- run ----
preload="$libdir/libpam_wrapper.so $libdir/libnss_wrapper.so"
if ldd "$bin" 2>/dev/null | grep -q libasan; then
    # ASan must come first; pam_wrapper's RTLD_DEEPBIND does not mix with ASan.
    preload="$(gcc -print-file-name=libasan.so) $preload"
    export PAM_WRAPPER_DISABLE_DEEPBIND=1
    supp=$srcdir/tests/integration/pam_lsan.supp
    export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$supp"
fi
run_driver() {
    # PAM_WRAPPER_DEBUGLEVEL=2 shows the modules' pam_syslog lines (3 would print PAM_AUTHTOK).
    (cd "$work" && keyctl session - env LD_PRELOAD="$preload" PAM_WRAPPER=1 \
        PAM_WRAPPER_SERVICE_DIR="$work/svc" PAM_WRAPPER_DEBUGLEVEL=2 \
        NSS_WRAPPER_PASSWD="$work/passwd" NSS_WRAPPER_GROUP="$work/group" \
        PAM_STACK_USER_UID=20001 PAM_STACK_CCDIR="$work/cc" PAM_STACK_PW="$pw" \
        "$bin" "$1") > "$work/$1.log" 2>&1
}
# Show a log with the passwords masked (the check below fails if any was there).
show() { sed -e "s/$pw/<PASSWORD>/g" -e "s/$WRONG/<PASSWORD>/g" -e 's/M4trix-pw/<PASSWORD>/g' -e 's/bobpw/<PASSWORD>/g' "$1"; }

# Fail if a password appears in any log written so far.
check_logs() {
    for f in "$work"/*.log "$work/realm/kdc.log"; do
        [ -f "$f" ] || continue
        if grep -a -q -e "$pw" -e "$WRONG" -e M4trix-pw -e bobpw "$f"; then
            fail "a password appears in $(basename "$f")"
        fi
    done
}
# Fail unless every pattern appears in the log file $1.
want_lines() {
    f=$1; shift
    for want in "$@"; do
        grep -q -- "$want" "$f" || fail "no log line matching: $want"
    done
}

# ---- 1. stacks without a KDC ----
run_driver pam; st=$?
show "$work/pam.log"
[ $st = 0 ] || fail "pam_stack pam failed"
want_lines "$work/pam.log" \
    'user=alice rhost=192.0.2.7 identity=TESTDOM\\alice delegated=alice mech=ntlm credssp=6 cred=password outcome=forwarded' \
    'outcome=trusted' \
    'identity=TESTDOM\\bob delegated=bob mech=ntlm credssp=6 cred=password outcome=identity_mismatch' \
    'outcome=claim_failed error=logon_failure' \
    'unknown option bogus_option'
check_logs

# ---- 2. with the KDC, then with the KDC stopped ----
# ---- the realm ----
if [ ! -f "$mkrealm" ]; then
    # The KDC cases need tests/integration/mkrealm.sh (docs/TESTING.md §2.1).
    skip "KDC cases: $mkrealm missing (the cases without a KDC passed)"
fi
mkrealm_run=sh
[ -x "$mkrealm" ] && mkrealm_run=env
tries=0
while :; do
    port=$((20000 + ($$ * 13 + tries * 977) % 30000))
    if $mkrealm_run "$mkrealm" "$work/realm" "$port" > "$work/env.sh" 2> "$work/mkrealm.err"; then
        break
    fi
    [ -s "$work/realm/kdc.pid" ] && kill "$(cat "$work/realm/kdc.pid")" 2>/dev/null
    tries=$((tries + 1))
    [ $tries -lt 6 ] || { cat "$work/mkrealm.err"; fail "cannot start a KDC"; }
done
. "$work/env.sh"
export KRB5_CONFIG
unset KRB5_KDC_PROFILE KRB5CCNAME

run_driver up; st=$?
show "$work/up.log"
[ $st = 0 ] || fail "pam_stack up failed"
stop_kdc
run_driver down; st=$?
show "$work/down.log"
[ $st = 0 ] || fail "pam_stack down failed"
want_lines "$work/up.log" 'krb5=ticket ccache=FILE:' 'krb5=failed error=logon_failure' \
    'krb5=failed error=no_acceptor_cred'
want_lines "$work/down.log" 'krb5=failed error=io'
check_logs
# (each driver group ends with test_no_handoff_left: its own keys were all consumed)
echo "pam_credssp.sh: all checks passed"
exit 0
