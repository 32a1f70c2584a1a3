# tests/integration/gateway_lib.sh - shared helpers of the credssp-gateway
# tests against Debian's real xrdp 0.9.21 (sourced, not run).
#
# What a test gets: a scratch directory $T, a throwaway local user (useradd +
# chpasswd, removed afterwards), copies of xrdp.ini / sesman.ini edited for
# the test (TLS only, autorun=Xvnc, require_credentials, DEBUG logs in $T, a
# window-manager stub that stays up), xrdp-sesman on its default port 3350
# (xrdp 0.9.21 reads that port from /etc/xrdp/sesman.ini, which is never
# edited), xrdp on a Unix socket in $T, a private Xvfb for xfreerdp, and the
# gateway on an ephemeral loopback port.  Nothing under /etc is changed: the
# PAM stack of sesman comes from pam_wrapper (LD_PRELOAD) and a service
# directory in $T.  Every process is stopped by PID: the gateway, Xvfb, and
# the whole process trees of xrdp and xrdp-sesman (xrdp forks per
# connection, sesman per session), plus anything left running as the test
# user.  The tests take a lock so two of them never share port 3350 or
# display numbers.  Exit 77 = skipped (automake convention).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
PY=/usr/bin/python3
GATEWAY=$top_builddir/examples/credssp-gateway
KEYADD=$top_builddir/tests/integration/keyfile_add
PAM_CREDSSP=${GW_PAM_CREDSSP:-$top_builddir/pam_credssp/.libs/pam_credssp.so}
PAMWRAP=/usr/lib/x86_64-linux-gnu/libpam_wrapper.so
# pam_credssp's option for "the hand-off token arrives as PAM_AUTHTOK"
GW_PAM_TOKEN_OPTION=${GW_PAM_TOKEN_OPTION:-authtok}
GW_PIDS=""          # plain processes (gateway, Xvfb)
GW_TREES=""         # process trees (xrdp, xrdp-sesman)
GW_USER=""
GW_LOCKS_BEFORE=""

gw_fail() { echo "FAIL: $*"; exit 1; }
gw_skip() { echo "SKIP: $*"; exit 77; }
gw_ok() { echo "ok: $*"; }

# gw_need CMD|/path...: skip unless each exists.
gw_need() {
    for c in "$@"; do
        case $c in
        /*) [ -e "$c" ] || gw_skip "missing $c" ;;
        *) command -v "$c" >/dev/null 2>&1 || gw_skip "missing $c" ;;
        esac
    done
}

# gw_init NAME: checks, lock, scratch directory, cleanup trap.
gw_init() {
    [ "$(id -u)" = 0 ] || gw_skip "needs root (useradd, xrdp-sesman, PAM)"
    gw_need xrdp xrdp-sesman Xvnc xfreerdp Xvfb timeout flock useradd userdel chpasswd \
        openssl ps "$PAMWRAP"
    [ -x "$GATEWAY" ] || gw_fail "gateway not built: $GATEWAY"
    [ -x "$KEYADD" ] || gw_fail "helper not built: $KEYADD (make check builds it)"
    [ -f /etc/xrdp/xrdp.ini ] && [ -f /etc/xrdp/sesman.ini ] || gw_skip "xrdp not configured"
    exec 9>"${TMPDIR:-/tmp}/credssp-gateway-tests.lock"
    flock -w 900 9 || gw_fail "could not take the gateway test lock"
    T=$(mktemp -d "${TMPDIR:-/tmp}/credssp-$1.XXXXXX") || exit 1
    chmod 755 "$T"                      # the test user runs $T/wm.sh
    export HOME="$T/client-home"
    mkdir -p "$HOME"
    GW_LOCKS_BEFORE=$(ls -d /tmp/.X*-lock 2>/dev/null | tr '\n' ' ')
    trap gw_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    gw_port_open 3350 && gw_skip "port 3350 (xrdp-sesman) is in use"
}

# gw_descendants PID: PID and all its descendants, leaves first.
gw_descendants() {
    "$PY" - "$1" <<'EOF'
import os, sys
kids = {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            st = f.read()
    except OSError:
        continue
    ppid = int(st[st.rindex(")") + 2:].split()[1])
    kids.setdefault(ppid, []).append(int(d))
out = []
def walk(p):
    for k in kids.get(p, []):
        walk(k)
    out.append(p)
walk(int(sys.argv[1]))
print(" ".join(map(str, out)))
EOF
}

# gw_stop_tree PID: TERM the tree (leaves first), then KILL what is left.
gw_stop_tree() {
    _pids=$(gw_descendants "$1")
    for p in $_pids; do kill "$p" 2>/dev/null; done
    for _ in $(seq 30); do
        _alive=""
        for p in $_pids; do kill -0 "$p" 2>/dev/null && _alive="$_alive $p"; done
        [ -z "$_alive" ] && break
        sleep 0.1
    done
    for p in $_alive; do kill -9 "$p" 2>/dev/null; done
    wait "$1" 2>/dev/null
    return 0
}

# gw_user_procs: PIDs of processes running as the test user.
gw_user_procs() {
    [ -n "$GW_USER" ] && ps -o pid= -u "$GW_USER" 2>/dev/null | tr -d ' '
}

# gw_remove_x_locks: the X display locks (and sockets) made since gw_init.
gw_remove_x_locks() {
    for l in /tmp/.X*-lock; do
        [ -e "$l" ] || continue
        case " $GW_LOCKS_BEFORE " in *" $l "*) ;; *)
            _d=${l#/tmp/.X}; _d=${_d%-lock}
            rm -f "$l" "/tmp/.X11-unix/X$_d" ;;
        esac
    done
}

# Stop everything we started, remove the user, show logs on failure, remove $T.
gw_cleanup() {
    rc=$?
    for p in $GW_TREES; do gw_stop_tree "$p"; done
    for p in $GW_PIDS; do kill "$p" 2>/dev/null; done
    for p in $GW_PIDS; do wait "$p" 2>/dev/null; done
    if [ -n "$GW_USER" ]; then
        for p in $(gw_user_procs); do gw_stop_tree "$p"; done
        userdel -r "$GW_USER" >/dev/null 2>&1 || userdel "$GW_USER" 2>/dev/null
        id "$GW_USER" >/dev/null 2>&1 && echo "warning: could not remove user $GW_USER"
    fi
    gw_remove_x_locks
    if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
        for f in "$T"/*.log "$T"/*.json "$T"/*.out; do
            [ -f "$f" ] || continue
            echo "----- $f"
            tail -n 40 "$f"
        done
    fi
    if [ -z "${GW_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T"; fi
    exit "$rc"
}

# gw_make_user: a throwaway local user with a random password; sets GW_USER, GW_PASS.
gw_make_user() {
    GW_USER="gwt$$"
    GW_PASS="Gw-$(openssl rand -hex 6)-Pw1"
    id "$GW_USER" >/dev/null 2>&1 && gw_fail "user $GW_USER exists already"
    useradd -m -d "$T/home-$GW_USER" -s /bin/sh "$GW_USER" || gw_fail "useradd"
    printf '%s:%s\n' "$GW_USER" "$GW_PASS" | chpasswd || gw_fail "chpasswd"
}

# gw_keyfile FILE USER PASSWORD: NTLM key for the gateway.
gw_keyfile() {
    printf '%s\n' "$3" | "$KEYADD" "$1" "$2" || gw_fail "keyfile_add"
}

# gw_ini FILE SECTION KEY VALUE...: set keys in an ini file (section-aware).
gw_ini() {
    "$PY" - "$@" <<'EOF' || gw_fail "editing $1"
import sys
path, args = sys.argv[1], sys.argv[2:]
lines = open(path).read().split("\n")
for i in range(0, len(args), 3):
    sec, key, val = args[i:i + 3]
    cur, start, done = None, None, False
    for n, l in enumerate(lines):
        s = l.strip()
        if s.startswith("[") and s.endswith("]"):
            if cur == sec and not done:
                break
            cur = s[1:-1]
            if cur == sec:
                start = n
            continue
        if cur == sec and s.split("=", 1)[0].strip().lstrip("#;") == key and "=" in s:
            lines[n] = "%s=%s" % (key, val)
            done = True
            break
    if not done:
        if start is None:
            sys.exit("no section [%s] in %s" % (sec, path))
        lines.insert(start + 1, "%s=%s" % (key, val))
open(path, "w").write("\n".join(lines))
EOF
}

# gw_free_port: an unused loopback port below the ephemeral range (free_port.py).
gw_free_port() {
    "$PY" "$top_srcdir/tests/integration/free_port.py"
}

# gw_xrdp_configs [unix|tcp]: xrdp.ini, sesman.ini, certificate,
# window-manager stub.  xrdp listens on $T/xrdp.sock (default) or on a free
# loopback port (XRDP_PORT); GW_BACKEND is the gateway's --backend for it.
gw_xrdp_configs() {
    cp /etc/xrdp/xrdp.ini "$T/xrdp.ini"
    cp /etc/xrdp/sesman.ini "$T/sesman.ini"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=xrdp-test \
        -keyout "$T/xrdp-key.pem" -out "$T/xrdp-cert.pem" >/dev/null 2>&1 || gw_fail "openssl req"
    XRDP_SOCK=""
    XRDP_PORT=""
    if [ "${1:-unix}" = tcp ]; then
        XRDP_PORT=$(gw_free_port)
        _listen="tcp://.:$XRDP_PORT"            # xrdp syntax for 127.0.0.1:PORT
        GW_BACKEND="tcp://127.0.0.1:$XRDP_PORT"
    else
        XRDP_SOCK="$T/xrdp.sock"
        _listen="unix://.$XRDP_SOCK"
        GW_BACKEND="unix:$XRDP_SOCK"
    fi
    gw_ini "$T/xrdp.ini" Globals port "$_listen" Globals security_layer tls \
        Globals certificate "$T/xrdp-cert.pem" Globals key_file "$T/xrdp-key.pem" \
        Globals autorun Xvnc Globals require_credentials true \
        Logging LogFile "$T/xrdp.log" Logging LogLevel DEBUG Logging EnableSyslog false
    cat >"$T/wm.sh" <<'EOF'
#!/bin/sh
# window-manager stub: stays up until the session is stopped
exec sleep 3600
EOF
    chmod 755 "$T/wm.sh"
    gw_ini "$T/sesman.ini" Globals EnableUserWindowManager false \
        Globals DefaultWindowManager "$T/wm.sh" \
        Logging LogFile "$T/sesman.log" Logging LogLevel DEBUG Logging EnableSyslog false \
        ChansrvLogging EnableSyslog false
}

# gw_pam_stack MODE [DIR]: the xrdp-sesman PAM service for pam_wrapper in
# DIR (default $T/pam.d).
#   plain  pam_unix only (Debian's common-auth, without nullok)
#   token  pam_credssp first (token as the password), then pam_unix use_first_pass
#   trust  the same, pam_credssp with `trust` (no password needed)
gw_pam_stack() {
    _d=${2:-$T/pam.d}
    mkdir -p "$_d"
    case $1 in
    plain)
        cat >"$_d/xrdp-sesman" <<EOF
auth     required  pam_unix.so
account  required  pam_unix.so
session  required  pam_unix.so
password required  pam_unix.so
EOF
        ;;
    token|trust)
        _opts=$GW_PAM_TOKEN_OPTION
        [ "$1" = trust ] && _opts="$_opts trust"
        cat >"$_d/xrdp-sesman" <<EOF
auth     [success=done ignore=ignore default=die]  $PAM_CREDSSP $_opts debug
auth     required  pam_unix.so use_first_pass
account  required  pam_unix.so
session  required  pam_unix.so
password required  pam_unix.so
EOF
        ;;
    esac
    cat >"$_d/other" <<EOF
auth     required  pam_deny.so
account  required  pam_deny.so
session  required  pam_deny.so
password required  pam_deny.so
EOF
}

# gw_wait_for COND-COMMAND...: up to 10 s.
gw_wait_for() {
    for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done
    return 1
}

# gw_port_open PORT: something listens on loopback, IPv4 or IPv6 (xrdp-sesman
# 0.9.21, built with IPv6, binds its "127.0.0.1" as [::1]).
gw_port_open() {
    "$PY" -c '
import socket, sys
for host in ("127.0.0.1", "::1"):
    try:
        socket.create_connection((host, int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)' "$1" 2>/dev/null
}

# gw_start_sesman [PAMDIR]: xrdp-sesman under pam_wrapper with the service
# directory PAMDIR (default $T/pam.d), in its own session (setsid).
gw_start_sesman() {
    _asan=""
    # An ASan build of pam_credssp inside the uninstrumented sesman: the
    # runtime comes in with the module (sesman's own leaks are not ours).
    if [ -f "$PAM_CREDSSP" ] && ldd "$PAM_CREDSSP" 2>/dev/null | grep -q libasan; then
        _asan=1
    fi
    (
        # GW_SESMAN_PRELOAD: more libraries for sesman (nss_wrapper for AD users)
        export LD_PRELOAD="$PAMWRAP${GW_SESMAN_PRELOAD:+:$GW_SESMAN_PRELOAD}" PAM_WRAPPER=1 \
            PAM_WRAPPER_SERVICE_DIR="${1:-$T/pam.d}"
        [ -z "$_asan" ] || export ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0
        exec setsid xrdp-sesman --nodaemon -c "$T/sesman.ini"
    ) >>"$T/sesman.out" 2>&1 &
    GW_SESMAN_PID=$!
    GW_TREES="$GW_TREES $GW_SESMAN_PID"
    gw_wait_for gw_port_open 3350 || gw_fail "xrdp-sesman did not start"
}

# gw_restart_sesman PAMDIR: stop sesman's tree (its sessions too), start it
# again with another PAM service directory (pam_wrapper reads it only once).
gw_restart_sesman() {
    gw_stop_tree "$GW_SESMAN_PID"
    for _ in $(seq 100); do gw_port_open 3350 || break; sleep 0.1; done
    gw_start_sesman "$1"
}

# gw_start_xrdp: sesman and xrdp, each in its own session (setsid) so their
# trees can be found and stopped.
gw_start_xrdp() {
    gw_start_sesman
    setsid xrdp --nodaemon -c "$T/xrdp.ini" >"$T/xrdp.out" 2>&1 &
    GW_XRDP_PID=$!
    GW_TREES="$GW_TREES $GW_XRDP_PID"
    if [ -n "$XRDP_SOCK" ]; then
        gw_wait_for test -S "$XRDP_SOCK" || gw_fail "xrdp did not create $XRDP_SOCK"
    else
        gw_wait_for gw_port_open "$XRDP_PORT" || gw_fail "xrdp did not listen on $XRDP_PORT"
    fi
}

# gw_xvfb: a private X display for xfreerdp.
gw_xvfb() {
    Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 3>"$T/xvfb.dpy" >"$T/xvfb.out" 2>&1 &
    GW_PIDS="$GW_PIDS $!"
    gw_wait_for test -s "$T/xvfb.dpy" || gw_fail "Xvfb did not start"
    DISPLAY=":$(cat "$T/xvfb.dpy")"
    export DISPLAY
}

# gw_gateway TAG ARGS...: start the gateway (JSON audit to $T/TAG.json,
# stderr to $T/TAG.log) on an ephemeral port; sets GW_PID and PORT.
gw_gateway() {
    _tag=$1
    shift
    rm -f "$T/port"
    # GW_GATEWAY_WRAP: an optional command prefix, e.g. "env LD_PRELOAD=..."
    # (an ASan build needs its runtime first in the preload list)
    _wrap=${GW_GATEWAY_WRAP:-}
    if [ -n "$_wrap" ] && ldd "$GATEWAY" 2>/dev/null | grep -q libasan; then
        _wrap=$(printf '%s' "$_wrap" |
            sed "s|LD_PRELOAD=|LD_PRELOAD=$(${CC:-gcc} -print-file-name=libasan.so):|")
    fi
    # shellcheck disable=SC2086
    $_wrap "$GATEWAY" --json --listen 127.0.0.1:0 --port-file "$T/port" --backend "$GW_BACKEND" \
        "$@" >"$T/$_tag.json" 2>"$T/$_tag.log" &
    GW_PID=$!
    GW_PIDS="$GW_PIDS $GW_PID"
    gw_wait_for test -s "$T/port" || gw_fail "gateway did not start ($_tag)"
    PORT=$(cat "$T/port")
}

# gw_gateway_stop: SIGTERM, wait; GW_RC.
gw_gateway_stop() {
    kill "$GW_PID" 2>/dev/null
    wait "$GW_PID"
    GW_RC=$?
}

# gw_xf OUT ARGS...: xfreerdp /sec:nla +auth-only to the gateway; XF_RC.
gw_xf() {
    _out=$1
    shift
    timeout 180 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only "$@" \
        >"$T/$_out.out" 2>&1
    XF_RC=$?
}

# gw_new_lines FILE FROM: the lines of FILE after line FROM.
gw_new_lines() { tail -n +"$(($2 + 1))" "$1" 2>/dev/null; }

# gw_full_session OUT ARGS...: a real session (no +auth-only): start
# xfreerdp, wait up to 40 s for xrdp-sesman to log the PAM outcome for the
# test user (a created or reconnected session, or AUTHFAIL), then stop the
# client by PID.
# Sets GW_SESSION=ok|authfail|none.
gw_full_session() {
    _out=$1
    shift
    # An earlier connection's backend may still be logging (slow under ASan):
    # count only what comes after sesman has been quiet for a moment.
    gw_settle "$T/sesman.log"
    _from=$(gw_lines "$T/sesman.log")
    timeout 180 xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore /size:800x600 "$@" \
        >"$T/$_out.out" 2>&1 &
    _xf=$!
    GW_PIDS="$GW_PIDS $_xf"
    GW_SESSION=none
    for _ in $(seq 400); do
        _new=$(gw_new_lines "$T/sesman.log" "$_from")
        case $_new in
        *"created session (access granted): username $GW_USER,"*)
            case $_new in *"Session started successfully for user $GW_USER "*)
                GW_SESSION=ok; break ;;
            esac ;;
        *"reconnected session: username $GW_USER,"*)
            # Under load the earlier +auth-only run may already have reached
            # sesman and left a session: sesman authenticates (PAM) before
            # it reconnects to it, so this is a PAM login too.
            GW_SESSION=ok; break ;;
        *"AUTHFAIL: user=$GW_USER "*) GW_SESSION=authfail; break ;;
        esac
        kill -0 "$_xf" 2>/dev/null || break
        sleep 0.1
    done
    kill "$_xf" 2>/dev/null
    wait "$_xf" 2>/dev/null
    return 0
}

# gw_settle FILE: wait (at most 20 s) until FILE stopped growing for 1.5 s.
gw_settle() {
    _last=-1
    _same=0
    for _ in $(seq 200); do
        _now=$(wc -c <"$1" 2>/dev/null || echo 0)
        if [ "$_now" = "$_last" ]; then
            _same=$((_same + 1))
            [ "$_same" -ge 15 ] && return 0
        else
            _same=0
            _last=$_now
        fi
        sleep 0.1
    done
}

# gw_wait_audit FILE N: wait until FILE has N audit lines.
gw_wait_audit() {
    for _ in $(seq 300); do [ "$(gw_lines "$1")" -ge "$2" ] && return 0; sleep 0.1; done
    gw_fail "expected $2 audit line(s) in $1, got $(gw_lines "$1")"
}

# gw_capture_info FILE: decode the Client Info PDU in a --capture file (the
# X.224 Connection Request, then TPKT frames: MS-RDPBCGR 2.2.1.11); prints
# one JSON object {flags, domain, user, password, count} - count = Client
# Info PDUs found (the password is printed: only for test assertions).
gw_capture_info() {
    "$PY" - "$1" <<'EOF'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\x03\x00\x00\x13" and data[5] == 0xE0, "no Connection Request"
off, found = 19, []
while off + 4 <= len(data) and data[off] == 3:
    n = struct.unpack(">H", data[off + 2:off + 4])[0]
    f = data[off:off + n]
    off += n
    if len(f) < 14 or f[4:7] != b"\x02\xf0\x80" or f[7] >> 2 != 25:
        continue
    p = 13 + (2 if f[13] & 0x80 else 1)
    if not struct.unpack("<H", f[p:p + 2])[0] & 0x40:
        continue
    p += 8
    flags = struct.unpack("<I", f[p:p + 4])[0]
    cb = struct.unpack("<5H", f[p + 4:p + 14])
    p += 14
    s = []
    for c in cb:
        s.append(f[p:p + c].decode("utf-16-le"))
        p += c + 2
    found.append({"flags": flags, "domain": s[0], "user": s[1], "password": s[2]})
out = dict(found[0]) if found else {}
out["count"] = len(found)
print(json.dumps(out))
EOF
}

# gw_contains FILE TEXT: FILE holds TEXT in UTF-8 or in UTF-16LE.
gw_contains() {
    "$PY" - "$1" "$2" <<'EOF'
import sys
data, text = open(sys.argv[1], "rb").read(), sys.argv[2]
sys.exit(0 if text.encode() in data or text.encode("utf-16-le") in data else 1)
EOF
}

# gw_lines FILE: number of lines (0 for a missing file).
gw_lines() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }

# gw_json FILE LINE KEY=VALUE...: line LINE of FILE is a JSON object with these values.
gw_json() {
    "$PY" - "$@" <<'EOF' || gw_fail "JSON audit mismatch ($1 line $2)"
import json, sys
path, line, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
lines = open(path, encoding="utf-8").read().splitlines()
if len(lines) < line:
    sys.exit("only %d audit line(s) in %s" % (len(lines), path))
obj = json.loads(lines[line - 1])
bad = 0
for kv in pairs:
    k, v = kv.split("=", 1)
    want = {"null": None, "true": True, "false": False}.get(v, v)
    if isinstance(want, str) and want.lstrip("-").isdigit():
        want = int(want)
    if obj.get(k, "<missing>") != want:
        print("  %s: want %r, got %r" % (k, want, obj.get(k, "<missing>")))
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# gw_slow_setup SHIM: the set-up of the slow back-end tests
# (test_gateway_slow_*.sh): an NTLM key file with the test user and bob
# (password bobpw), xrdp on a Unix socket with pam_unix, NTLM_USER_FILE-style
# files $T/ntlm_user and $T/ntlm_bob; sets SHIM (the LD_PRELOAD shim built
# by make check, e.g. slownss.so), LOAD and HOST.
gw_slow_setup() {
    "$PY" -c 'import gssapi, cryptography' 2>/dev/null || gw_skip "python3-gssapi / cryptography missing"
    [ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
        gw_skip "gss-ntlmssp not installed"
    gw_need hostname
    SHIM=$top_builddir/tests/integration/.libs/$1
    [ -e "$SHIM" ] || gw_fail "shim not built: $SHIM (make check builds it)"
    LOAD=$top_srcdir/tests/integration/admission_load.py
    gw_make_user
    printf '%s\n' "$GW_PASS" | "$KEYADD" "$T/keys" "$GW_USER" TESTDOM || gw_fail "keyfile_add"
    printf '%s\n' bobpw | "$KEYADD" "$T/keys" bob TESTDOM || gw_fail "keyfile_add"
    gw_xrdp_configs unix
    gw_pam_stack plain
    gw_start_xrdp
    HOST=$(hostname)
    printf 'TESTDOM:%s:%s\n' "$GW_USER" "$GW_PASS" >"$T/ntlm_user"
    printf 'TESTDOM:bob:bobpw\n' >"$T/ntlm_bob"
}

# gw_bob_bg WHAT: bob's NLA login (HYBRID_EX) in the background to $T/bob.out,
# BOB_PID; waits until the shim marks that his slow WHAT started.
gw_bob_bg() {
    NTLM_USER_FILE="$T/ntlm_bob" CSSP_PASSWORD=bobpw timeout 180 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm --user bob \
        --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B >"$T/bob.out" 2>&1 &
    BOB_PID=$!
    GW_PIDS="$GW_PIDS $BOB_PID"
    gw_wait_for test -e "$T/mark" || gw_fail "bob's $1 never started: $(cat "$T/bob.out")"
}
