#!/bin/sh
# mkrealm.sh DIR [PORT] - a throwaway MIT Kerberos realm for tests (docs/TESTING.md §2.1).
#
# Realm TEST.LOCAL, KDC on 127.0.0.1:PORT (TCP and UDP), everything inside DIR:
#   principals  alice (password alicepw), bob (password bobpw),
#               TERMSRV/localhost, host/localhost (random keys)
#   keytab      DIR/service.keytab (TERMSRV/localhost, host/localhost)
#   files       DIR/krb5.conf DIR/kdc.conf DIR/principal* DIR/stash DIR/kdc.log
#               DIR/kdc.pid (the daemon's pid; stop it with stoprealm.sh DIR)
# Without PORT a free port is chosen (and another one tried if it is taken
# meanwhile).  On success prints, for ". file" or eval:
#   export KRB5_CONFIG=... KRB5_KDC_PROFILE=... KRB5CCNAME=FILE:DIR/cc KDC_PID=n KDC_PORT=p
# KRB5_CONFIG must reach every Kerberos user; KRB5_KDC_PROFILE is only for
# kdb5_util / kadmin.local / krb5kdc.  Exit 1 on failure (messages on stderr),
# 2 on a usage error.  POSIX sh; needs krb5-kdc, krb5-admin-server (kadmin.local).
# Only the files listed above are removed or replaced in DIR.
set -eu

usage() {
    echo "usage: mkrealm.sh DIR [PORT]" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
case $1 in
'' | *"'"* | *'"'* | *'\'* | *'$'* | *'`'* | *' '*)
    echo "mkrealm.sh: DIR must not contain quotes, '\\', '\$', '\`' or spaces" >&2
    exit 2 ;;
esac
REALM=TEST.LOCAL
SBIN=/usr/sbin
for prog in kdb5_util kadmin.local krb5kdc; do
    [ -x "$SBIN/$prog" ] || { echo "mkrealm.sh: $SBIN/$prog missing (apt-get install krb5-kdc krb5-admin-server)" >&2; exit 1; }
done
mkdir -p "$1"
D=$(cd "$1" && pwd -P)
PORT=${2:-}
case $PORT in
'') ;;
*[!0-9]*) usage ;;
*) [ "$PORT" -ge 1 ] && [ "$PORT" -le 65534 ] || usage ;;
esac

# port_busy P: a TCP or UDP socket is bound to local port P (any address).
port_busy() {
    hex=$(printf '%04X' "$1")
    awk -v h="$hex" 'FNR > 1 { n = split($2, a, ":"); if (a[n] == h) f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/udp /proc/net/tcp6 /proc/net/udp6 2>/dev/null
}

# tcp_listeners P: how many sockets listen on TCP port P.  krb5kdc binds with
# SO_REUSEPORT, so a second KDC on a taken port starts "fine" and the two
# share the requests; this is how that is caught.
tcp_listeners() {
    hex=$(printf '%04X' "$1")
    awk -v h="$hex" 'FNR > 1 && $4 == "0A" { n = split($2, a, ":"); if (a[n] == h) c++ }
        END { print c + 0 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# pick_port: a port P with P and P + 1 free for TCP and UDP, below the
# kernel's ephemeral range (free_port.py: a port from inside that range could
# be taken by any test's client socket before krb5kdc binds it).
pick_port() {
    python3 "$(dirname "$0")/free_port.py" 2
}

# write_conf P: krb5.conf and kdc.conf for a KDC on port P.
write_conf() {
    cat > "$D/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    dns_canonicalize_hostname = false
    udp_preference_limit = 1
    ignore_acceptor_hostname = true
    default_ccache_name = FILE:$D/cc
[realms]
    $REALM = {
        kdc = 127.0.0.1:$1
        admin_server = 127.0.0.1:$(($1 + 1))
    }
[domain_realm]
    localhost = $REALM
    .test.local = $REALM
[logging]
    kdc = FILE:$D/kdc.log
EOF
    cat > "$D/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$1
    kdc_tcp_listen = 127.0.0.1:$1
[realms]
    $REALM = {
        database_name = $D/principal
        key_stash_file = $D/stash
        acl_file = $D/kadm5.acl
        kdc_listen = 127.0.0.1:$1
        kdc_tcp_listen = 127.0.0.1:$1
        max_life = 10h
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$D/kdc.log
EOF
}

# A KDC left by an earlier run in this DIR would keep the old database open.
if [ -s "$D/kdc.pid" ]; then
    old=$(cat "$D/kdc.pid")
    if [ "$(cat "/proc/$old/comm" 2>/dev/null || true)" = krb5kdc ]; then
        echo "mkrealm.sh: a KDC (pid $old) still runs for $D; stoprealm.sh it first" >&2
        exit 1
    fi
fi
rm -f "$D/principal" "$D/principal.ok" "$D/principal.kadm5" "$D/principal.kadm5.lock" \
    "$D/stash" "$D/kadm5.acl" "$D/service.keytab" "$D/kdc.log" "$D/kdc.pid" "$D/cc" \
    "$D/krb5.conf" "$D/kdc.conf" "$D/setup.log"

export KRB5_CONFIG="$D/krb5.conf" KRB5_KDC_PROFILE="$D/kdc.conf"
write_conf "${PORT:-0}"
: > "$D/kadm5.acl"
"$SBIN/kdb5_util" create -s -r "$REALM" -P masterpw > "$D/setup.log" 2>&1 ||
    { cat "$D/setup.log" >&2; exit 1; }
# One kadmin.local reading its commands from stdin (one process, not five).
"$SBIN/kadmin.local" >> "$D/setup.log" 2>&1 <<EOF || { cat "$D/setup.log" >&2; exit 1; }
addprinc -pw alicepw alice
addprinc -pw bobpw bob
addprinc -randkey TERMSRV/localhost
addprinc -randkey host/localhost
ktadd -k $D/service.keytab TERMSRV/localhost host/localhost
EOF

# wait_pidfile: the daemon child writes kdc.pid just after krb5kdc returns.
wait_pidfile() {
    i=0
    while [ ! -s "$D/kdc.pid" ]; do
        i=$((i + 1))
        [ $i -le 200 ] || return 1
        sleep 0.01
    done
}

# krb5kdc returns (status 0) only once its sockets are bound, then daemonizes.
tries=0
while :; do
    p=${PORT:-$(pick_port)}
    write_conf "$p"
    if ! port_busy "$p" && "$SBIN/krb5kdc" -P "$D/kdc.pid" >> "$D/setup.log" 2>&1 &&
        wait_pidfile; then
        [ "$(tcp_listeners "$p")" = 1 ] && break
        # lost a race for the port: stop ours, it would share requests
        kill "$(cat "$D/kdc.pid")" 2>/dev/null || true
    fi
    rm -f "$D/kdc.pid"
    tries=$((tries + 1))
    if [ -n "$PORT" ] || [ $tries -ge 5 ]; then
        if port_busy "$p"; then
            echo "mkrealm.sh: port $p is in use" >&2
            exit 1
        fi
        echo "mkrealm.sh: krb5kdc did not start on 127.0.0.1:$p" >&2
        tail -n 5 "$D/kdc.log" "$D/setup.log" >&2 2>/dev/null || true
        exit 1
    fi
done
echo "export KRB5_CONFIG=$D/krb5.conf KRB5_KDC_PROFILE=$D/kdc.conf KRB5CCNAME=FILE:$D/cc KDC_PID=$(cat "$D/kdc.pid") KDC_PORT=$p"
