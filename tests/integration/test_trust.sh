#!/bin/sh
# tests/integration/test_trust.sh: the trust boundaries of issue 10 attacked
# the way a local user would, with a real setuid-root PAM application
# (tests/integration/suid_pam, copied into a scratch directory and made
# setuid root) and real /etc/pam.d service files (pam_wrapper cannot be used:
# the loader ignores LD_PRELOAD for setuid programs).  The unprivileged user
# is `nobody`, run through setpriv in a fresh session keyring.
#
#   1. forged hand-off: nobody seals a record for root with the library's own
#      credssp_handoff_store (tests/integration/handoff_forge) in its own user
#      keyring and types its token at the setuid program's password prompt,
#      under "pam_credssp.so authtok trust"; with and without allow_setuid it
#      must not get in.  A token root stored in a session keyring the caller
#      inherited is refused too, unless allow_setuid (the module's own
#      setuid guard).  The legitimate path (root stores, root claims) works.
#   2. password change under setuid: nobody changes its password through the
#      setuid program (pam_matrix, then pam_credssp as the optional password
#      module, as pam_credssp(8) recommends); the key file must then hold the
#      new NT hash, not the old one; when the key file cannot take the new
#      hash, the old entry must be gone.
#      The same with the real /usr/bin/passwd (part 4, in a private mount
#      namespace over a scratch copy of /etc).
#   3. case collisions: credssp-keyfile add Secrevu beside secrevu is refused
#      (exit 2, a clear message) and leaves the file alone; remove is exact.
#
# Service files are named /etc/pam.d/cssp-trust-<pid>-* and removed on exit.
# Runs as root only (setuid install, /etc/pam.d); skips (77) otherwise.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=$(cd "${top_builddir:-.}" && pwd)
suid=$builddir/tests/integration/suid_pam
forge=$builddir/tests/integration/handoff_forge
keyfile_tool=$builddir/examples/credssp-keyfile
module=$builddir/pam_credssp/.libs/pam_credssp.so
matrix=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (setuid install, /etc/pam.d service files)"
for c in setpriv keyctl findmnt; do
    command -v $c >/dev/null || skip "$c missing (apt-get install util-linux keyutils)"
done
[ -d /etc/pam.d ] || skip "no /etc/pam.d"
[ -e "$matrix" ] || skip "$matrix missing (apt-get install libpam-wrapper)"
nobody_uid=$(id -u nobody 2>/dev/null) || skip "no user nobody"
nogroup_gid=$(id -g nobody)
[ -x "$suid" ] && [ -x "$forge" ] && [ -x "$keyfile_tool" ] && [ -f "$module" ] ||
    fail "build the test programs first"

# The setuid program needs a scratch directory on a mount without nosuid that
# user nobody can traverse: /tmp, else /var/tmp, else the build tree.
T=""
for base in /tmp /var/tmp "${top_builddir:-.}"; do
    findmnt -no OPTIONS --target "$base" 2>/dev/null | grep -qw nosuid && continue
    T=$(mktemp -d "$base/cssp-trust-XXXXXX") || exit 99
    break
done
[ -n "$T" ] || skip "/tmp, /var/tmp and the build tree are all mounted nosuid"
svc=cssp-trust-$$
cleanup() {
    rm -f /etc/pam.d/"$svc"-*
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
chmod 0755 "$T"
cp "$suid" "$T/suid_pam" && chown root:root "$T/suid_pam" && chmod 4755 "$T/suid_pam" ||
    fail "cannot install the setuid program"
# An ASan build: the setuid program carries its own runtime; no leak checker (ptrace).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

gate='[success=done ignore=ignore default=die]'
service() { printf '%s\n' "$2" > "/etc/pam.d/$svc-$1" || fail "cannot write /etc/pam.d/$svc-$1"; }
: 2>/dev/null > "/etc/pam.d/$svc-probe" || skip "/etc/pam.d is not writable"
service trust "auth $gate $module authtok trust
auth required pam_deny.so
account required pam_permit.so"
service trust_setuid "auth $gate $module authtok trust allow_setuid
auth required pam_deny.so
account required pam_permit.so"
service session "auth $gate $module authtok trust keyring=session
auth required pam_deny.so
account required pam_permit.so"
service session_setuid "auth $gate $module authtok trust keyring=session allow_setuid
auth required pam_deny.so
account required pam_permit.so"

as_nobody() {
    setpriv --reuid="$nobody_uid" --regid="$nogroup_gid" --clear-groups "$@"
}
# $1 = who runs it ("nobody" or "root"), $2 = service, $3 = target user:
# forge a record for the target in the runner's own keyrings and feed its token.
# The fresh session keyring links the user keyring, as the default session
# keyring of a login (_uid_ses.N) does: so the setuid program possesses @u.
handoff_login() {
    who=$1; shift
    set -- keyctl session - sh -c \
        'keyctl link @u @s || exit 3; tok=$("$1" "$4") || exit 3
         printf "%s\n" "$tok" | "$2" auth "$3" "$4"' \
        sh "$forge" "$T/suid_pam" "$@"
    if [ "$who" = nobody ]; then as_nobody "$@"; else "$@"; fi
}

# ---- 1. a forged hand-off must not log anyone in ----
for s in trust trust_setuid; do
    out=$(handoff_login nobody "$svc-$s" root 2>&1); st=$?
    echo "forged hand-off for root via $s: exit $st: $out"
    case $out in *uid=0*) fail "$s: nobody logged in as root with a forged hand-off" ;; esac
    [ $st = 1 ] || fail "$s: expected a PAM refusal (exit 1), got $st"
done
out=$(handoff_login nobody "$svc-trust_setuid" nobody 2>&1); st=$?
echo "forged hand-off for nobody itself via trust_setuid: exit $st: $out"
[ $st = 1 ] || fail "a hand-off stored by an unprivileged user was accepted"
# Root stores in its session keyring, which nobody inherits across setpriv
# (no pam_keyinit), and the token leaks: only the module's setuid guard stands.
leaked_login() {
    keyctl session - sh -c 'tok=$("$1" root session) || exit 3
        printf "%s\n" "$tok" | setpriv --reuid="$4" --regid="$5" --clear-groups "$2" auth "$3" root' \
        sh "$forge" "$T/suid_pam" "$svc-$1" "$nobody_uid" "$nogroup_gid"
}
out=$(leaked_login session 2>&1); st=$?
echo "root's leaked session hand-off used by nobody: exit $st: $out"
case $out in *uid=0*) fail "the setuid guard let a leaked root hand-off through" ;; esac
[ $st = 1 ] || fail "leaked session hand-off: expected a PAM refusal (exit 1), got $st"
out=$(leaked_login session_setuid 2>&1); st=$?
echo "the same with allow_setuid: exit $st: $out"
[ $st = 0 ] || fail "allow_setuid did not lift the setuid guard"
# The legitimate path: a root server stores, a root login claims.
out=$(handoff_login root "$svc-trust" nobody 2>&1); st=$?
echo "hand-off stored and claimed by root: exit $st: $out"
[ $st = 0 ] && case $out in *"uid=$nobody_uid"*) true ;; *) false ;; esac ||
    fail "the legitimate hand-off no longer works"

# ---- 2. a password change under setuid replaces the NT hash ----
mkdir -m 0700 "$T/keys"
keys=$T/keys/ntlm.keys
printf 'Old-pw-1\n' | "$keyfile_tool" -f "$keys" add nobody || fail "cannot enrol nobody"
printf 'New-pw-2\n' | "$keyfile_tool" -f "$T/ref.keys" add nobody || fail "cannot make the reference"
printf 'nobody:Old-pw-1:any\n' > "$T/passdb"
chmod 0600 "$T/passdb"
service passwd "password requisite $matrix passdb=$T/passdb
password optional $module keyfile=$keys"
nt_of() { grep '^nobody:' "$1" | cut -d: -f4; }
old=$(nt_of "$keys")
out=$(printf 'Old-pw-1\nNew-pw-2\nNew-pw-2\n' | as_nobody "$T/suid_pam" chauthtok "$svc-passwd" nobody 2>&1)
st=$?
echo "password change by nobody: exit $st: $out"
[ $st = 0 ] || fail "the password change itself failed"
grep -q '^nobody:New-pw-2:' "$T/passdb" || fail "pam_matrix did not change the password"
now=$(nt_of "$keys")
[ "$now" != "$old" ] || fail "the old NT hash is still in the key file after the change"
[ "$now" = "$(nt_of "$T/ref.keys")" ] || fail "the key file does not hold the new NT hash"
[ "$(stat -c '%u %a' "$keys")" = "0 600" ] || fail "key file owner/mode changed: $(stat -c '%u %a' "$keys")"
# A key file the module refuses to write (group-readable): the change goes
# through, the new hash is not written, and the stale one must go.
chmod 0640 "$keys"
out=$(printf 'New-pw-2\nNew-pw-3\nNew-pw-3\n' | as_nobody "$T/suid_pam" chauthtok "$svc-passwd" nobody 2>&1)
echo "password change with a refused key file: exit $?: $out"
grep -q '^nobody:New-pw-3:' "$T/passdb" || fail "pam_matrix did not change the password"
[ -z "$(nt_of "$keys")" ] || fail "the stale NT hash was kept when the update was refused"

# ---- 3. names that differ only in case ----
# gss-ntlmssp matches key-file names ignoring case: adding Secrevu beside
# secrevu replaced secrevu's hash, and Secrevu's password logged in as secrevu.
cases=$T/keys/case.keys
printf 'Secrevu-pw-1\n' | "$keyfile_tool" -f "$cases" add secrevu >/dev/null || fail "add secrevu"
cp "$cases" "$T/case.before"
out=$(printf 'Attacker-pw-2\n' | "$keyfile_tool" -f "$cases" add Secrevu 2>&1); st=$?
echo "credssp-keyfile add Secrevu beside secrevu: exit $st: $out"
[ $st = 2 ] || fail "adding Secrevu beside secrevu was not refused as a usage error"
case $out in *"only in letter case"*) true ;; *) fail "no clear error for the collision" ;; esac
cmp -s "$cases" "$T/case.before" || fail "the refused add changed the key file"
"$keyfile_tool" -f "$cases" remove Secrevu >/dev/null || fail "remove Secrevu"
cmp -s "$cases" "$T/case.before" || fail "removing Secrevu removed secrevu"

# ---- 4. the real setuid passwd ----
# /usr/bin/passwd (setuid root) run by a throwaway user, in a private mount
# namespace whose /etc is a scratch copy (the user, its password and a
# common-password ending in pam_credssp are added there): the system's own
# files are never touched.
# An ASan-built module cannot load into the uninstrumented passwd (no preload
# for setuid programs): the plain build runs this part.
if ldd "$module" 2>/dev/null | grep -q libasan; then
    echo "part 4 skipped: the module is built with ASan"
elif [ -u /usr/bin/passwd ] && command -v openssl >/dev/null &&
    unshare -m --propagation private true 2>/dev/null; then
    etc=$T/etc
    cp -a /etc "$etc" || fail "cannot copy /etc"
    uid=$((21000 + $$ % 5000))
    while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
    user=csspt$uid
    hash=$(openssl passwd -6 'Old-Passw0rd-1') || fail "openssl passwd"
    echo "$user:x:$uid:$uid::/nonexistent:/bin/sh" >> "$etc/passwd"
    echo "$user:$hash:19000:0:99999:7:::" >> "$etc/shadow"
    echo "$user:x:$uid:" >> "$etc/group"
    realkeys=$T/keys/real.keys
    printf 'Old-Passw0rd-1\n' | "$keyfile_tool" -f "$realkeys" add "$user" >/dev/null || fail "enrol $user"
    printf 'Nw-Kx9-Passw0rd-2\n' | "$keyfile_tool" -f "$T/ref2.keys" add "$user" >/dev/null || fail "reference"
    printf '%s\n' "password [success=1 default=ignore] pam_unix.so obscure yescrypt" \
        "password requisite pam_deny.so" "password required pam_permit.so" \
        "password optional $module keyfile=$realkeys" > "$etc/pam.d/common-password"
    old=$(grep "^$user:" "$realkeys" | cut -d: -f4)
    out=$(unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc || exit 3
         printf "Old-Passw0rd-1\nNw-Kx9-Passw0rd-2\nNw-Kx9-Passw0rd-2\n" |
             setpriv --reuid="$2" --regid="$2" --clear-groups /usr/bin/passwd' sh "$etc" "$uid" 2>&1)
    st=$?
    echo "real passwd run by $user: exit $st: $out"
    [ $st = 0 ] || fail "passwd failed"
    grep -q "^$user:" /etc/passwd && fail "the system /etc/passwd was changed"
    now=$(grep "^$user:" "$realkeys" | cut -d: -f4)
    [ "$now" != "$old" ] || fail "setuid passwd left the old NT hash in the key file"
    [ "$now" = "$(grep "^$user:" "$T/ref2.keys" | cut -d: -f4)" ] ||
        fail "the key file does not hold the new NT hash after setuid passwd"
else
    echo "part 4 skipped: no setuid /usr/bin/passwd, openssl or mount namespace"
fi

echo "test_trust.sh: all checks passed"
exit 0
