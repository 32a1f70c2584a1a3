#!/bin/sh
# outfiles.sh - the files credssp-server and credssp-gateway write by name
# are never written through a planted file or symbolic link (issue 10.6;
# both daemons run as root, the directories may be shared like /tmp):
#
#  1. --port-file PATH with a symbolic link planted at PATH.tmp (the old
#     temporary name) pointing at a victim file: both daemons start, PATH
#     holds the port, the victim is untouched and the link is still a link;
#  2. --port-file PATH where PATH itself is a link to a victim: PATH is
#     replaced by a regular file, the victim is untouched;
#  3. gateway --capture FILE where FILE is a symbolic link to a victim, or a
#     pre-existing regular file (with content), or a hard link to a victim:
#     the gateway refuses to start, the victim and the file are untouched;
#  4. --capture FILE that does not exist yet: created 0600, empty.
# No root, no client: the daemons are started and stopped by PID.
. "$(dirname "$0")/interop_lib.sh"
il_init outfiles
GATEWAY=$top_builddir/examples/credssp-gateway
[ -x "$GATEWAY" ] || il_fail "gateway not built: $GATEWAY"

VICTIM_TEXT="victim contents, must stay"
victim() {
    printf '%s\n' "$VICTIM_TEXT" >"$T/victim"
}
victim_intact() {
    [ "$(cat "$T/victim")" = "$VICTIM_TEXT" ] || il_fail "$1: the victim file was written"
}

# is_port FILE: FILE is a regular file holding one decimal port number.
is_port() {
    [ -f "$1" ] && [ ! -L "$1" ] && grep -qx '[1-9][0-9]*' "$1"
}
# start_daemon TAG CMD ARGS...: start; wait (at most 15 s) until a port file
# is in place or the victim was written (old code), or the daemon exited.
start_daemon() {
    _tag=$1
    shift
    "$@" >"$T/$_tag.out" 2>"$T/$_tag.log" &
    D_PID=$!
    IL_PIDS="$IL_PIDS $D_PID"
    for _ in $(seq 300); do
        is_port "$T/port" && return 0
        [ "$(cat "$T/victim")" = "$VICTIM_TEXT" ] || return 0
        kill -0 "$D_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
stop_daemon() {
    kill "$D_PID" 2>/dev/null
    wait "$D_PID" 2>/dev/null
    il_forget "$D_PID"
    IL_SERVER_LOG="$T/$_tag.log" il_sanitizer_check
}

# 1 + 2: the port file of both daemons
for d in server gateway; do
    if [ $d = server ]; then
        set -- "$SERVER" --tls-only --listen 127.0.0.1:0 --port-file "$T/port"
    else
        set -- "$GATEWAY" --backend "unix:$T/none.sock" --listen 127.0.0.1:0 \
            --port-file "$T/port"
    fi
    victim
    rm -f "$T/port" "$T/port.tmp"
    ln -s "$T/victim" "$T/port.tmp"
    start_daemon "$d-tmp" "$@" || il_fail "$d did not start with a link at port.tmp"
    victim_intact "$d, link at PATH.tmp"
    is_port "$T/port" || il_fail "$d: $T/port is not a port file"
    [ -L "$T/port.tmp" ] || il_fail "$d: the planted link was replaced"
    stop_daemon
    il_ok "$d --port-file: a link planted at PATH.tmp is not followed"

    victim
    rm -f "$T/port" "$T/port.tmp"
    ln -s "$T/victim" "$T/port"
    start_daemon "$d-link" "$@" || il_fail "$d did not start with a link at the port file"
    victim_intact "$d, link at PATH"
    is_port "$T/port" || il_fail "$d: the link at $T/port was not replaced by a port file"
    stop_daemon
    [ -z "$(find "$T" -maxdepth 1 -name 'port.*' ! -name port.tmp)" ] ||
        il_fail "$d left a temporary port file"
    il_ok "$d --port-file: a link at PATH is replaced, not followed"
done

# 3: --capture onto something that exists
gw_capture() {
    _tag=cap
    rm -f "$T/port"
    "$GATEWAY" --backend "unix:$T/none.sock" --listen 127.0.0.1:0 --port-file "$T/port" \
        --capture "$1" >"$T/cap.out" 2>"$T/cap.log" &
    D_PID=$!
    IL_PIDS="$IL_PIDS $D_PID"
    for _ in $(seq 200); do
        kill -0 "$D_PID" 2>/dev/null || break
        [ -s "$T/port" ] && break
        sleep 0.05
    done
}
refused() {
    kill -0 "$D_PID" 2>/dev/null && { stop_daemon; il_fail "gateway started with --capture $1"; }
    wait "$D_PID"
    _rc=$?
    il_forget "$D_PID"
    IL_SERVER_LOG="$T/cap.log" il_sanitizer_check
    [ "$_rc" = 1 ] || il_fail "gateway exit $_rc with --capture $1, expected 1"
    grep -q -- "--capture" "$T/cap.log" || il_fail "no --capture error message"
}

victim
ln -s "$T/victim" "$T/cap-link"
gw_capture "$T/cap-link"
refused "a symbolic link"
victim_intact "--capture link"
il_ok "--capture onto a symbolic link: refused, victim untouched"

victim
gw_capture "$T/victim"
refused "an existing file"
victim_intact "--capture existing file"
il_ok "--capture onto an existing file: refused, file untouched"

victim
ln "$T/victim" "$T/cap-hard"
gw_capture "$T/cap-hard"
refused "a hard link"
victim_intact "--capture hard link"
il_ok "--capture onto a hard link: refused, victim untouched"

# 4: a new capture file
gw_capture "$T/cap-new"
kill -0 "$D_PID" 2>/dev/null || il_fail "gateway did not start with a new --capture file"
stop_daemon
[ -f "$T/cap-new" ] && [ ! -s "$T/cap-new" ] || il_fail "capture file not created empty"
[ "$(stat -c %a "$T/cap-new")" = 600 ] || il_fail "capture file mode $(stat -c %a "$T/cap-new")"
il_ok "--capture creates a new file, 0600"
exit 0
