#!/bin/sh
# test_conffile.sh - `--config FILE` of credssp-server and credssp-gateway
# (examples/common/conffile.c): a good file is applied and the command line
# overrides it; an unknown key, a bad value, a bad yes/no, a line without
# '=' and an unsafe file are refused with an error naming FILE:LINE; an
# error on the command line is not blamed on the file.  Loopback only; the
# daemons listen on port 0 and are stopped by PID.
set -u
top_builddir=${top_builddir:-.}
server=$top_builddir/examples/credssp-server
gateway=$top_builddir/examples/credssp-gateway
T=$(mktemp -d /tmp/credssp-conffile.XXXXXX)
pid=
fails=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# conf NAME: write stdin to $T/NAME (mode 0600) and print its path.
conf() { cat >"$T/$1" && chmod 600 "$T/$1" && echo "$T/$1"; }

# refused LABEL PATTERN CMD...: CMD exits 2 and its stderr matches PATTERN.
refused() {
    label=$1 pat=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q -- "$pat" "$T/err"; then
        ok "$label"
    else
        bad "$label: rc=$rc, stderr: $(cat "$T/err")"
    fi
}

# logged LABEL PATTERN LOG: LOG holds PATTERN.
logged() {
    if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1: $(cat "$3")"; fi
}

# wait_file FILE: up to 10 s for FILE to appear.
wait_file() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -s "$1" ]
}

# started LABEL LOG WANTED UNWANTED: the daemon in $pid wrote its port to
# WANTED (the command line's port-file), not to UNWANTED (the file's); then
# stop it and expect exit status 0.
started() {
    if wait_file "$3" && [ ! -e "$4" ]; then
        ok "$1: port $(cat "$3") in the command line's file"
    else
        bad "$1: port files: $(ls "$T"), log: $(cat "$2")"
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    pid=
    # 0 after SIGTERM: also no leak of the file's options (LeakSanitizer)
    [ "$rc" = 0 ] || bad "$1: exit status $rc after SIGTERM: $(tail -n 20 "$2")"
}

# 1. server: a good file with comments, blanks, spacing and yes/no; the
#    command line's --port-file overrides the file's.
good=$(conf server.conf <<EOF
# credssp-server settings
listen = 127.0.0.1:0

  tls-only   =   yes
json = no
port-file = $T/from-file.port
timeout=5000
EOF
)
"$server" --config "$good" --port-file "$T/from-cli.port" >/dev/null 2>"$T/server.log" &
pid=$!
started "server good file + override" "$T/server.log" "$T/from-cli.port" "$T/from-file.port"
logged "server: tls-only = yes from the file applied" "TLS-only baseline" "$T/server.log"

# 2. gateway: the same with --config=FILE and the backend from the file.
gw=$(conf gateway.conf <<EOF
listen = 127.0.0.1:0
backend = unix:$T/xrdp.sock
mode = password
port-file = $T/gw-file.port
EOF
)
"$gateway" --config="$gw" --port-file "$T/gw-cli.port" >/dev/null 2>"$T/gw.log" &
pid=$!
started "gateway good file + override" "$T/gw.log" "$T/gw-cli.port" "$T/gw-file.port"
logged "gateway: backend from the file applied" "backend unix:$T/xrdp.sock, mode password" \
    "$T/gw.log"

# 3. errors naming the file and the line.
f=$(printf 'listen = 127.0.0.1:0\n\nbogus-key = 1\n' | conf unknown.conf)
refused "unknown key names file:line" "$f:3: unknown key 'bogus-key'" "$server" --config "$f"
f=$(printf '# c\ntls-only = yes\ntimeout = 0\n' | conf value.conf)
refused "bad value names file:line" "$f:3: invalid setting (--timeout=0)" "$server" --config "$f"
f=$(printf 'backend = unix:/x\nmin-version = 9\n' | conf gwvalue.conf)
refused "gateway bad value names file:line" "$f:2: invalid setting (--min-version=9)" \
    "$gateway" --config "$f"
f=$(printf 'json = maybe\n' | conf bool.conf)
refused "bad yes/no names file:line" "$f:1: 'json' takes yes or no" "$server" --config "$f"
f=$(printf 'listen 127.0.0.1:0\n' | conf noeq.conf)
refused "line without = names file:line" "$f:1: expected 'key = value'" "$server" --config "$f"
f=$(printf 'cert =\n' | conf empty.conf)
refused "empty value names file:line" "$f:1: 'cert' needs a value" "$server" --config "$f"
f=$(printf 'help = yes\n' | conf help.conf)
refused "help is not a setting" "$f:1: unknown key 'help'" "$server" --config "$f"
refused "missing file is named" "$T/absent.conf: No such file" "$server" --config "$T/absent.conf"
refused "--config twice" "given twice" "$server" --config "$good" --config "$good"
f=$(printf 'listen = 127.0.0.1:0\n' | conf unsafe.conf)
chmod 620 "$f"
refused "group-writable file refused" "$f: unsafe" "$server" --config "$f"

# 4. order: the command line comes after the file.  trust needs token mode:
#    the file's mode=token is overridden by --mode password, so it fails...
f=$(printf 'backend = unix:/x\nmode = token\ntrust = yes\n' | conf order.conf)
refused "command line overrides the file" "--trust needs --mode token" \
    "$gateway" --config "$f" --mode password
# ...and a bad value on the command line is not blamed on the file.
refused "command-line error not blamed on the file" "--timeout wants" \
    "$server" --config "$good" --timeout 0
if grep -q "$good:" "$T/err"; then
    bad "command-line error attributed to the file: $(cat "$T/err")"
else
    ok "command-line error names no file line"
fi

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all conffile checks passed"
