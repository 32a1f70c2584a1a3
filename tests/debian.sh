#!/bin/bash
# tests/debian.sh - the Debian packages end to end (a stage of tests/run.sh):
#   1. copy the tree (tracked and new files, not build output) to a scratch
#      directory and build there: dpkg-buildpackage -us -uc -b;
#   2. lintian on the .changes: any E: fails;
#   3. install the packages (apt-get, dependencies from the archive); the
#      system PAM stacks (/etc/pam.d/common-*) must be unchanged (the
#      pam-auth-update profile is not enabled by default);
#   4. run every test of debian/tests/control from the copied source tree,
#      against the installed programs.  This is what autopkgtest does, minus
#      the separate testbed: the tests run on this machine directly;
#   5. purge the packages and check nothing of them is left (/etc/credssp,
#      the pam-auth-update profile, the module) and the PAM stacks are as
#      before.  A changed stack is restored from the snapshot (other tests
#      on this machine depend on it) and fails the stage.
# Needs root.  Exit 0 only if every step passed; the scratch directory is
# removed unless CREDSSP_KEEP_DEB=1.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
PKGS="libcredssp0 libcredssp-pam0 libcredssp-dev libpam-credssp credssp-gateway credssp-tools"
[ "$(id -u)" = 0 ] || { echo "debian.sh: needs root (dpkg, apt-get)"; exit 77; }
W=$(mktemp -d /tmp/credssp-deb.XXXXXX)
installed=0
rc=1

step() { printf '\n--- %s ---\n' "$*"; }

# The system PAM configuration pam-auth-update manages.
pam_snapshot() {
    mkdir -p "$1/pam.d" "$1/lib"
    cp -a /etc/pam.d/common-* "$1/pam.d/" && cp -a /var/lib/pam/. "$1/lib/"
}

# pam_unchanged WHEN: the stacks are as in the snapshot, else restore them.
pam_unchanged() {
    local d
    d=$(for f in "$W"/pam-before/pam.d/*; do diff -u "$f" "/etc/pam.d/${f##*/}"; done)
    [ -z "$d" ] && return 0
    echo "$1: the system PAM stacks changed:"
    echo "$d"
    cp -a "$W"/pam-before/pam.d/. /etc/pam.d/ && cp -a "$W/pam-before/lib/." /var/lib/pam/
    echo "restored them from the snapshot"
    return 1
}

purge() {
    [ "$installed" = 1 ] || return 0
    step "purge"
    # shellcheck disable=SC2086  # a word list
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $PKGS >"$W/purge.log" 2>&1 ||
        { tail -n 20 "$W/purge.log"; return 1; }
    installed=0
    local left=""
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed" && left="$left $p"
    done
    for f in /etc/credssp /usr/share/pam-configs/credssp /usr/sbin/credssp-gateway; do
        [ -e "$f" ] && left="$left $f"
    done
    ls /usr/lib/*/security/pam_credssp.so >/dev/null 2>&1 && left="$left pam_credssp.so"
    grep -qs pam_credssp /etc/pam.d/common-auth && left="$left common-auth"
    pam_unchanged "after purge" || left="$left PAM-stacks"
    [ -z "$left" ] || { echo "left after purge:$left"; return 1; }
    echo "purged, nothing left"
}

cleanup() {
    purge || rc=1
    if [ "${CREDSSP_KEEP_DEB:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
    exit "$rc"
}
trap cleanup EXIT

step "copy the tree to $W/credssp"
mkdir -p "$W/credssp"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -co --exclude-standard -z) |
        (cd "$top" && tar --null -T - -cf -) | tar -C "$W/credssp" -xf - || exit 1
else                        # not a git checkout: everything but build output
    tar -C "$top" --exclude=./build --exclude=./autom4te.cache -cf - . |
        tar -C "$W/credssp" -xf - || exit 1
fi

step "dpkg-buildpackage -us -uc -b"
if ! (cd "$W/credssp" && dpkg-buildpackage -us -uc -b >"$W/build.log" 2>&1); then
    tail -n 40 "$W/build.log"
    exit 1
fi
ls "$W"/*.deb

step "lintian"
lintian --fail-on none "$W"/*.changes >"$W/lintian.log" 2>&1
cat "$W/lintian.log"
if grep -q '^E:' "$W/lintian.log"; then
    echo "lintian reported errors"
    exit 1
fi

step "install"
pam_snapshot "$W/pam-before" || exit 1
debs=()
for p in $PKGS; do debs+=("$W/${p}_"*.deb); done
installed=1
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${debs[@]}" >"$W/install.log" 2>&1; then
    tail -n 30 "$W/install.log"
    exit 1
fi
# shellcheck disable=SC2086  # a word list
dpkg -l $PKGS | tail -n +6
pam_unchanged "after install" || exit 1

step "debian/tests (autopkgtest's tests, run here after installing)"
failed=0
for t in $(sed -n 's/^Tests: *//p' "$W/credssp/debian/tests/control"); do
    echo "== $t"
    (cd "$W/credssp" && "debian/tests/$t") >"$W/test-$t.log" 2>&1
    r=$?
    tail -n 25 "$W/test-$t.log"
    if [ "$r" = 0 ]; then echo "$t: PASS"; else echo "$t: FAIL ($r)"; failed=1; fi
done
[ "$failed" = 0 ] || exit 1

purge || exit 1
rc=0
