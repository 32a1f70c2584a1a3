#!/bin/sh
# tests/deps.sh: install every Debian 12 package the build, the tests and the demo need.
# Idempotent: apt-get update runs once per machine (a stamp file marks it), installs are
# no-ops when the packages are present.  Must run as root.
set -eu

PKGS_BUILD="autoconf automake libtool pkg-config make gcc clang libclang-rt-14-dev
  libssl-dev openssl libkrb5-dev libpam0g-dev libkeyutils-dev keyutils libcmocka-dev
  gss-ntlmssp gss-ntlmssp-dev"
PKGS_KDC="krb5-kdc krb5-admin-server krb5-user"
PKGS_PAM="libpam-wrapper libpamtest0-dev libnss-wrapper libpam-krb5 libpam-modules
  softhsm2 libpam-p11 opensc libp11-kit-dev"
PKGS_XRDP="xrdp tigervnc-standalone-server"
PKGS_CLIENTS="freerdp2-x11 xvfb xauth python3-impacket python3-openssl rdesktop
  python3-gssapi python3-cryptography procps psmisc fail2ban"

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: must run as root (apt-get)" >&2
    exit 1
fi

missing=""
for p in $PKGS_BUILD $PKGS_KDC $PKGS_PAM $PKGS_CLIENTS $PKGS_XRDP; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "deps.sh: all packages present"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/credssp-deps-updated
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
    apt-get update -q
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# Package scripts must not start services (xrdp would take 3389 and 3350, the
# KDC packages their own realm): a temporary policy-rc.d forbids it.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
rc=$?
[ "$made_policy" = 1 ] && rm -f "$policy"
[ "$rc" = 0 ] || exit "$rc"
# Never leave xrdp enabled on the machine: the tests start private copies.
if command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d xrdp disable >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now xrdp xrdp-sesman >/dev/null 2>&1 || true
fi

# libpam-krb5's postinst adds pam_krb5 to /etc/pam.d/common-*; the tests use private
# stacks only, so take it out of the system stack again.
if command -v pam-auth-update >/dev/null 2>&1; then
    pam-auth-update --package --remove krb5 || true
fi
# The packaged KDC services must not run: the tests start their own throwaway KDC.
for s in krb5-kdc krb5-admin-server; do
    if [ -x "/etc/init.d/$s" ]; then "/etc/init.d/$s" stop >/dev/null 2>&1 || true; fi
done
echo "deps.sh: installed:$missing"
