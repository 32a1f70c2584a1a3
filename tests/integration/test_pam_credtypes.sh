#!/bin/sh
# tests/integration/test_pam_credtypes.sh: issue #6 in real PAM stacks, run by
# tests/integration/pam_credtypes (cmocka) under pam_wrapper + nss_wrapper.
#
# Sets up in a scratch directory: a SoftHSM2 token "cssp-alice" (user PIN,
# RSA-2048 key and a self-signed certificate for alice, imported with
# softhsm2-util and pkcs11-tool), alice's ~/.eid/authorized_certificates for
# pam_p11, the PKCS#11 lock shim (tests/integration/p11_lockshim.c) over
# SoftHSM2, an nss_wrapper passwd, a pam_matrix password file, the NTLM key
# file (root, 0600) and the service files below.  Then it checks that no PIN
# or password reached any log and that no temporary key file was left.
# Skips (77) only when a component is not installed or we are not root.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$(pwd)}
bin=$builddir/tests/integration/pam_credtypes
module=$builddir/pam_credssp/.libs/pam_credssp.so
shim=$builddir/tests/integration/.libs/p11_lockshim.so
libdir=/usr/lib/x86_64-linux-gnu
pwdir=$libdir/pam_wrapper
p11mod=/usr/lib/softhsm/libsofthsm2.so
PIN=482913

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (key file ownership checks)"
for f in "$libdir/libpam_wrapper.so" "$libdir/libnss_wrapper.so" "$pwdir/pam_matrix.so" \
         "$p11mod"; do
    [ -e "$f" ] || skip "$f missing (apt-get install libpam-wrapper libnss-wrapper softhsm2)"
done
pamp11=$(ls /lib/x86_64-linux-gnu/security/pam_p11.so /usr/lib/x86_64-linux-gnu/security/pam_p11.so 2>/dev/null | head -n1)
[ -n "$pamp11" ] || skip "pam_p11.so missing (apt-get install libpam-p11)"
for c in softhsm2-util pkcs11-tool openssl; do
    command -v $c >/dev/null || skip "$c missing (apt-get install softhsm2 opensc openssl)"
done
[ -x "$bin" ] && [ -f "$module" ] && [ -f "$shim" ] || fail "build the test programs first"

T=$(mktemp -d /tmp/cssp-credtypes-pam-XXXXXX) || exit 99
cleanup() { rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- the token ----
. "$srcdir/tests/integration/softhsm_lib.sh"
sc_make_token "$T/sc" alice "$PIN" || fail "cannot make the SoftHSM2 token"

# ---- users ----
mkdir -p "$T/home/alice/.eid" "$T/keys" "$T/svc"
cp "$T/sc/cert.pem" "$T/home/alice/.eid/authorized_certificates"
chmod 0644 "$T/home/alice/.eid/authorized_certificates"
{
    echo "alice:x:20001:20001:Alice:$T/home/alice:/bin/false"
    echo "bob:x:20002:20002:Bob:/nonexistent:/bin/false"
    echo "carol:x:20003:20003:Carol:/nonexistent:/bin/false"
    echo "sysacct:x:500:500:System:/nonexistent:/bin/false"
    for i in 1 2 3 4 5 6 7 8; do echo "u$i:x:2010$i:2010$i:U$i:/nonexistent:/bin/false"; done
} > "$T/passwd"
sed 's/^\([^:]*\):x:\([0-9]*\):.*/\1:x:\2:/' "$T/passwd" > "$T/group"
{
    echo "alice:Old-alice-1:any"
    echo "bob:bob-pw-1:any"
    echo "carol:carol-pw-1:any"
    echo "sysacct:sys-pw-1:any"
    for i in 1 2 3 4 5 6 7 8; do echo "u$i:pw-u$i:any"; done
} > "$T/passdb"
chmod 0600 "$T/passdb"
chmod 0700 "$T/keys"
keyfile=$T/keys/ntlm.keys

# ---- services ----
M=$module
gate='[success=done ignore=ignore default=die]'
svc() { printf '%s\n' "$2" > "$T/svc/$1"; }
printf '#!/bin/sh\nenv > %s/envdump\n' "$T" > "$T/envdump.sh"
chmod 0755 "$T/envdump.sh"
svc sc_handoff "auth $gate $M keyring=process enroll keyfile=$keyfile
auth required pam_exec.so quiet type=auth $T/envdump.sh
auth required $pamp11 $p11mod
account required pam_permit.so"
svc sc_shim "auth $gate $M keyring=process
auth required $pamp11 $shim
account required pam_permit.so"
svc sc_plain "auth required $pamp11 $p11mod
account required pam_permit.so"
svc ra_trust "auth $gate $M trust keyring=process
auth required pam_deny.so
account required pam_permit.so"
svc ra_notrust "auth $gate $M keyring=process
auth required pam_deny.so
account required pam_permit.so"
svc trust_enroll "auth $gate $M trust keyring=process enroll keyfile=$keyfile
auth required pam_deny.so
account required pam_permit.so"
svc passwd_enroll "password requisite $pwdir/pam_matrix.so passdb=$T/passdb
password required $M keyfile=$keyfile"
svc passwd_badkey "password requisite $pwdir/pam_matrix.so passdb=$T/passdb
password required $M keyfile=$T/no/such/dir/ntlm.keys"
# The verifier of the console/SSH logins: pam_exec expose_authtok (it sets
# PAM_AUTHTOK like pam_unix does; pam_matrix's auth does not) checking the
# same password file pam_matrix changes.
printf '#!/bin/sh\nread -r pw\ngrep -qxF "$PAM_USER:$pw:any" %s/passdb\n' "$T" > "$T/checkpw.sh"
chmod 0755 "$T/checkpw.sh"
svc login_enroll "auth requisite pam_exec.so expose_authtok quiet type=auth $T/checkpw.sh
auth optional $M enroll keyfile=$keyfile
auth optional pam_permit.so
account required pam_permit.so"
svc login_enroll_required "auth required pam_exec.so expose_authtok quiet type=auth $T/checkpw.sh
auth optional $M enroll keyfile=$keyfile
auth optional pam_permit.so
account required pam_permit.so"
svc other "auth required pam_deny.so
account required pam_deny.so
password required pam_deny.so
session required pam_deny.so"

# ---- run ----
preload="$libdir/libpam_wrapper.so $libdir/libnss_wrapper.so"
if ldd "$bin" 2>/dev/null | grep -q libasan; then
    preload="$(gcc -print-file-name=libasan.so) $preload"
    export PAM_WRAPPER_DISABLE_DEEPBIND=1
    export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$srcdir/tests/integration/pam_lsan.supp"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
(cd "$T" && env LD_PRELOAD="$preload" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/svc" \
    PAM_WRAPPER_DEBUGLEVEL=2 NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
    SOFTHSM2_CONF="$T/sc/softhsm2.conf" CSSP_P11_SHIM_TARGET="$p11mod" \
    CSSP_P11_SHIM_STATE="$T/shim.state" CREDTYPES_DIR="$T" CREDTYPES_PIN="$PIN" \
    CREDTYPES_KEYFILE="$keyfile" CREDTYPES_SHIM_STATE="$T/shim.state" \
    timeout 300 "$bin" suite) > "$T/suite.log" 2>&1
st=$?
sed -e "s/$PIN/<PIN>/g" "$T/suite.log"
[ $st = 0 ] || fail "pam_credtypes suite failed"

# ---- what the logs say, and what they must not ----
for want in 'cred=smartcard outcome=forwarded' 'cred=restricted_admin outcome=trusted' \
            'cred=remote_guard outcome=trusted' 'user=alice enroll=ok phase=password' \
            'enroll=refused phase=prelim' 'reason=owned by another user' \
            'reason=accessible by group or other' 'user=bob enroll=ok phase=setcred'; do
    grep -q -- "$want" "$T/suite.log" || fail "no log line matching: $want"
done
for secret in "$PIN" Attacker-pw-9 Old-alice-1 New-alice-2 bob-pw-1 carol-pw-1 pw-u1; do
    if grep -a -q -- "$secret" "$T/suite.log"; then fail "a secret appears in the log"; fi
done
ls "$T/keys" | grep -v '\.lock$' | grep -q 'ntlm\.keys\.' && fail "a temporary key file was left: $(ls "$T/keys")"
echo "test_pam_credtypes.sh: all checks passed"
exit 0
