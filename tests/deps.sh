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
PKGS_PACKAGING="build-essential debhelper fakeroot lintian scdoc"
PKGS_DEMO="imagemagick x11-apps x11-utils x11-xserver-utils"
# A throwaway Samba AD DC for tests/integration/ad_*.sh (docs/ACTIVE-DIRECTORY.md).
PKGS_AD="samba samba-ad-dc samba-ad-provision winbind libnss-winbind libpam-winbind
  smbclient samba-dsdb-modules samba-vfs-modules python3-samba util-linux"

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: must run as root (apt-get)" >&2
    exit 1
fi

missing=""
for p in $PKGS_BUILD $PKGS_KDC $PKGS_PAM $PKGS_CLIENTS $PKGS_XRDP $PKGS_PACKAGING $PKGS_DEMO $PKGS_AD; do
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
# libnss-winbind's postinst adds winbind to /etc/nsswitch.conf: keep the
# host's copy and put it back right after the install (other jobs on the
# machine resolve names meanwhile).
nss_keep=$(mktemp /etc/.nsswitch.credssp.XXXXXX)
cp -p /etc/nsswitch.conf "$nss_keep" 2>/dev/null || : >"$nss_keep"
set +e
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
rc=$?
set -e
[ "$made_policy" = 1 ] && rm -f "$policy"
if [ -s "$nss_keep" ]; then cat "$nss_keep" >/etc/nsswitch.conf; fi
rm -f "$nss_keep"
[ "$rc" = 0 ] || exit "$rc"
# Never leave xrdp enabled on the machine: the tests start private copies.
if command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d xrdp disable >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now xrdp xrdp-sesman >/dev/null 2>&1 || true
fi

# libpam-krb5's and libpam-winbind's postinsts add pam_krb5 / pam_winbind to
# /etc/pam.d/common-*; the tests use private stacks only, so take them out of
# the system stack again.  --disable (not --remove) records the choice, so a
# later pam-auth-update run (any PAM package's install or purge) keeps them out.
if command -v pam-auth-update >/dev/null 2>&1; then
    pam-auth-update --disable krb5 winbind || true
fi
# The packaged KDC and Samba services must not run nor start at boot: the tests
# start their own throwaway KDC and DC.  (policy-rc.d kept the Samba ones from
# starting; no init-script stop for them, so a test's DC is never touched.)
for s in krb5-kdc krb5-admin-server; do
    if [ -x "/etc/init.d/$s" ]; then "/etc/init.d/$s" stop >/dev/null 2>&1 || true; fi
done
if command -v update-rc.d >/dev/null 2>&1; then
    for s in samba-ad-dc smbd nmbd winbind fail2ban; do
        update-rc.d "$s" disable >/dev/null 2>&1 || true
    done
fi
if command -v systemctl >/dev/null 2>&1; then
    systemctl disable samba-ad-dc smbd nmbd winbind fail2ban >/dev/null 2>&1 || true
fi
echo "deps.sh: installed:$missing"
