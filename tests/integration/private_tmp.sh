#!/bin/sh
# private_tmp.sh DIR CMD...: run CMD with a private, empty /tmp (a tmpfs) and
# the test directory DIR bound back at its own path.  il_server starts servers
# under pam_wrapper this way (through unshare --mount --propagation private,
# root only): pam_wrapper 1.1.4 copies the service directory to /tmp/pam.X,
# X picked by "lstat says free, then mkdir", so two pam_wrapper processes of
# concurrent tests can land in the same directory; the first to exit removes
# it, and the other's next pam_start fails (PAM 26, EUA denied).  In a
# private /tmp no other process can share or remove the server's directory.
set -eu
keep=
case $1 in /tmp/?*) keep=$1 ;; esac
shift
if [ -n "$keep" ]; then
    real=$(mktemp -d /run/credssp-tmp.XXXXXX)
    mount --bind /tmp "$real"
fi
mount -t tmpfs -o mode=1777,size=64m credssp-tmp /tmp
if [ -n "$keep" ]; then
    mkdir -p "$keep"
    mount --bind "$real/${keep#/tmp/}" "$keep"
    umount "$real"
    rmdir "$real"
fi
exec "$@"
