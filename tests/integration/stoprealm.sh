#!/bin/sh
# stoprealm.sh DIR - stop the KDC that mkrealm.sh DIR started (by DIR/kdc.pid).
#
# Sends SIGTERM only if that pid still is a krb5kdc (a recycled pid is left
# alone), waits up to 5 s for it to exit, then removes DIR/kdc.pid.  The realm
# files stay (rm -rf DIR when done).  Exit 0 also when no KDC was running.
set -eu

[ $# -eq 1 ] || { echo "usage: stoprealm.sh DIR" >&2; exit 2; }
pidfile=$1/kdc.pid
[ -s "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
case $pid in
'' | *[!0-9]*) echo "stoprealm.sh: bad pid in $pidfile" >&2; exit 1 ;;
esac
# running PID: it exists, is a krb5kdc, and is not a zombie waiting to be reaped.
running() {
    [ "$(cat "/proc/$1/comm" 2>/dev/null || true)" = krb5kdc ] || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ]
}

if running "$pid"; then
    kill "$pid" 2>/dev/null || true
    i=0
    while running "$pid"; do
        i=$((i + 1))
        if [ $i -gt 50 ]; then
            echo "stoprealm.sh: krb5kdc $pid did not exit after 5 s" >&2
            exit 1
        fi
        sleep 0.1
    done
fi
rm -f "$pidfile"
