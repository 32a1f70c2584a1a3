# tests/integration/interop_lib.sh - shared helpers of the credssp-server
# interop tests (sourced, not run).
#
# Each test gets a scratch directory ($T), HOME inside it, its own Xvfb
# (-displayfd, docs/TESTING.md §3.1), its own server on an ephemeral loopback port
# (--port-file) and, when it needs one, its own throwaway KDC (mkrealm.sh).
# Every process started here is stopped by its PID on exit; nothing is killed
# by name.  Exit 77 = skipped (automake convention).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
PY=/usr/bin/python3
SERVER=$top_builddir/examples/credssp-server
KEYADD=$top_builddir/tests/integration/keyfile_add
IL_PIDS=""
IL_KDC_PID=""

# il_init NAME: scratch directory, HOME, cleanup trap.
il_init() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/credssp-$1.XXXXXX") || exit 1
    IL_T0=$(date +%s)
    export HOME="$T/home"
    mkdir -p "$HOME"
    trap il_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    [ -x "$SERVER" ] || il_fail "server not built: $SERVER"
}

# Stop everything we started (by PID), show logs on failure, remove $T.
il_cleanup() {
    rc=$?
    for p in $IL_PIDS; do kill "$p" 2>/dev/null; done
    for p in $IL_PIDS; do wait "$p" 2>/dev/null; done
    if [ -n "$IL_KDC_PID" ]; then
        kill "$IL_KDC_PID" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$IL_KDC_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
        # How long the test ran and how loaded the machine was: a failure seen
        # once in many runs is then told apart from a deadline missed under load.
        echo "----- context: $(($(date +%s) - ${IL_T0:-0})) s since il_init, load average" \
            "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
        for f in "$T"/*.log "$T"/*.json "$T"/*.out; do
            [ -f "$f" ] || continue
            echo "----- $f"
            tail -n 40 "$f"
        done
    fi
    if [ -z "${IL_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T"; fi
    exit "$rc"
}

il_fail() { echo "FAIL: $*"; exit 1; }
il_skip() { echo "SKIP: $*"; exit 77; }
il_ok() { echo "ok: $*"; }

# il_need CMD...: skip unless every command / file exists.
il_need() {
    for c in "$@"; do
        case $c in
        /*) [ -e "$c" ] || il_skip "missing $c" ;;
        *) command -v "$c" >/dev/null 2>&1 || il_skip "missing $c" ;;
        esac
    done
}

# il_forget PID: drop a PID from the cleanup list once it was waited for.
il_forget() {
    _n=""
    for p in $IL_PIDS; do [ "$p" = "$1" ] || _n="$_n $p"; done
    IL_PIDS=$_n
}

# il_xvfb: a private X display (Xvfb picks a free one and tells us).
il_xvfb() {
    il_need Xvfb
    Xvfb -displayfd 3 -nolisten tcp -screen 0 800x600x24 3>"$T/xvfb.dpy" >"$T/xvfb.log" 2>&1 &
    IL_PIDS="$IL_PIDS $!"
    for _ in $(seq 2400); do [ -s "$T/xvfb.dpy" ] && break; sleep 0.05; done
    [ -s "$T/xvfb.dpy" ] || il_fail "Xvfb did not start"
    DISPLAY=":$(cat "$T/xvfb.dpy")"
    export DISPLAY
}

# il_need_spnego_ntlm: skip unless spnego_client.py can do SPNEGO(NTLM)
# (python3-gssapi, python3-cryptography, gss-ntlmssp).
il_need_spnego_ntlm() {
    "$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
    [ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
        il_skip "gss-ntlmssp not installed"
}

# il_keyfile FILE USER DOMAIN PASSWORD: add an NTLM key (DOMAIN may be "")
# with the credssp-keyfile tool, or the keyfile_add helper if it is missing.
il_keyfile() {
    _tool="$top_builddir/examples/credssp-keyfile"
    if [ -x "$_tool" ]; then
        # shellcheck disable=SC2086
        printf '%s\n' "$4" | "$_tool" -f "$1" add "$2" $3 || il_fail "credssp-keyfile add"
        return
    fi
    [ -x "$KEYADD" ] || il_fail "helper not built: $KEYADD (make check builds it)"
    if [ -n "$3" ]; then
        printf '%s\n' "$4" | "$KEYADD" "$1" "$2" "$3" || il_fail "keyfile_add"
    else
        printf '%s\n' "$4" | "$KEYADD" "$1" "$2" || il_fail "keyfile_add"
    fi
}

# il_asan_binary FILE: is FILE linked with AddressSanitizer?
il_asan_binary() { ldd "$1" 2>/dev/null | grep -q libasan; }
# il_asan_runtime: the path of the ASan runtime the compiler links.
il_asan_runtime() { ${CC:-gcc} -print-file-name=libasan.so; }

# il_server TAG ARGS...: start the server (JSON to $T/TAG.json, stderr to
# $T/TAG.log) on an ephemeral port; sets SRV_PID and PORT.
il_server() {
    _tag=$1
    shift
    rm -f "$T/port"
    # IL_SERVER_WRAP: an optional command prefix, e.g. "env LD_PRELOAD=..."
    _wrap=${IL_SERVER_WRAP:-}
    if [ -n "$_wrap" ] && il_asan_binary "$SERVER"; then
        # An ASan build must have its runtime first in a preload list, and
        # pam_wrapper must not use RTLD_DEEPBIND then (docs/TESTING.md §1.4).
        _wrap=$(printf '%s' "$_wrap" | sed "s|LD_PRELOAD=|PAM_WRAPPER_DISABLE_DEEPBIND=1 LD_PRELOAD=$(il_asan_runtime):|")
    fi
    case $_wrap in
    *PAM_WRAPPER=1*)
        # pam_wrapper's /tmp/pam.X must not be shared with (and removed by)
        # another test's pam_wrapper process: a private /tmp when possible.
        if il_private_tmp_works; then
            _wrap="unshare --mount --propagation private -- sh $top_srcdir/tests/integration/private_tmp.sh $T $_wrap"
        fi
        ;;
    esac
    # Deadlines are hang guards here (120 s), not what a test measures: under
    # ASan at load 20+ one CredSSP exchange took 5.9 s against a 10 s default.
    # A test that measures a deadline passes its own (later options win);
    # IL_SERVER_DEADLINES=default keeps the server's defaults (test_admission.sh).
    _dl="--timeout 120000 --x224-timeout 120000 --step-timeout 120000"
    case $SERVER in
    *credssp-server) _dl="$_dl --pam-timeout 120000" ;;   # the gateway runs no PAM
    esac
    [ "${IL_SERVER_DEADLINES:-}" = default ] && _dl=""
    # shellcheck disable=SC2086
    # IL_SERVER_JSON= (set, empty): no --json, the report is the human line in TAG.log
    $_wrap "$SERVER" ${IL_SERVER_JSON---json} $_dl --listen 127.0.0.1:0 --port-file "$T/port" "$@" \
        >"$T/$_tag.json" 2>"$T/$_tag.log" &
    SRV_PID=$!
    IL_SERVER_LOG="$T/$_tag.log"
    IL_PIDS="$IL_PIDS $SRV_PID"
    # A dead server ends the wait at once; a live one may take long under
    # load (an ephemeral RSA key: 7 s seen at load 25), so up to 2400 polls.
    for _ in $(seq 2400); do
        [ -s "$T/port" ] && break
        kill -0 "$SRV_PID" 2>/dev/null || il_fail "server exited at start ($_tag)"
        sleep 0.05
    done
    [ -s "$T/port" ] || il_fail "server did not start ($_tag)"
    PORT=$(cat "$T/port")
}

# il_server_wait: the server runs with --connections N and exits by itself;
# give it 120 s (a hang guard), then stop it.  Sets SRV_RC.
il_server_wait() {
    for _ in $(seq 1200); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$SRV_PID" 2>/dev/null
    wait "$SRV_PID"
    SRV_RC=$?
    il_forget "$SRV_PID"
    il_sanitizer_check
}

# il_private_tmp_works: root with mount namespaces (private_tmp.sh can run).
il_private_tmp_works() {
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
        unshare --mount --propagation private true 2>/dev/null
}

# il_sanitizer_check: an ASan/UBSan/LSan report in the server's log fails the test.
il_sanitizer_check() {
    if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' \
        "${IL_SERVER_LOG:-/dev/null}" 2>/dev/null; then
        il_fail "sanitizer report in $IL_SERVER_LOG"
    fi
}

# il_server_stop: SIGTERM (clean shutdown), sets SRV_RC.
il_server_stop() {
    kill "$SRV_PID" 2>/dev/null
    wait "$SRV_PID"
    SRV_RC=$?
    il_forget "$SRV_PID"
    il_sanitizer_check
}

# il_lines FILE: number of lines.
il_lines() { wc -l <"$1" | tr -d ' '; }

# il_expect_json FILE LINE KEY=VALUE...: line LINE (1-based) of FILE is a JSON
# object whose KEYs have these values (null/true/false/numbers as JSON).
il_expect_json() {
    il_json_check "$@" || il_fail "JSON report mismatch ($1 line $2)"
}

# il_json_match FILE LINE KEY=VALUE...: the same test, as a status (quiet).
il_json_match() {
    (IL_QUIET=1 && export IL_QUIET && il_json_check "$@")
}

il_json_check() {
    _file=$1
    _line=$2
    shift 2
    "$PY" - "$_file" "$_line" "$@" <<'EOF'
import json, os, sys
path, line, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
lines = open(path, encoding="utf-8").read().splitlines()
if len(lines) < line:
    sys.exit("only %d report line(s) in %s" % (len(lines), path))
obj = json.loads(lines[line - 1])
bad = 0
for kv in pairs:
    k, v = kv.split("=", 1)
    want = {"null": None, "true": True, "false": False}.get(v, v)
    if isinstance(want, str) and want.lstrip("-").isdigit():
        want = int(want)
    if obj.get(k, "<missing>") != want:
        if not os.environ.get("IL_QUIET"):
            print("  %s: want %r, got %r" % (k, want, obj.get(k, "<missing>")))
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# il_free_port: an unused loopback port (TCP and UDP), below the ephemeral
# range so that no other test's client socket takes it before our server
# binds it (free_port.py).
il_free_port() {
    "$PY" "$top_srcdir/tests/integration/free_port.py"
}

# il_kdc: throwaway realm TEST.LOCAL (alice/alicepw, keytab with
# TERMSRV/localhost) from the project's mkrealm.sh; exports KRB5_* and
# sets KEYTAB.  Skips when mkrealm.sh or the KDC is missing.  MKREALM=path
# overrides the script.
il_kdc() {
    _mk=${MKREALM:-$top_srcdir/tests/integration/mkrealm.sh}
    [ -f "$_mk" ] || il_skip "tests/integration/mkrealm.sh not available yet"
    il_need /usr/sbin/krb5kdc /usr/sbin/kdb5_util kinit
    # no port given: mkrealm.sh picks one below the ephemeral range and
    # retries when it loses a race for it
    bash "$_mk" "$T/krb" >"$T/krb.env" 2>"$T/krb.log" || il_fail "mkrealm.sh: $(cat "$T/krb.log")"
    . "$T/krb.env"
    IL_KDC_PID=${KDC_PID:-}
    export KRB5_CONFIG KRB5_KDC_PROFILE KRB5CCNAME
    KEYTAB="$T/krb/service.keytab"
    [ -f "$KEYTAB" ] || il_fail "mkrealm.sh made no $KEYTAB"
}

# il_spnego_setup: python3-gssapi present (else skip), NTLM key TESTDOM\alice
# (alicepw) in $T/keys, the client's $T/ntlm_users, HOST.
il_spnego_setup() {
    "$PY" -c 'import gssapi, cryptography' 2>/dev/null ||
        il_skip "python3-gssapi / cryptography missing"
    il_keyfile "$T/keys" alice TESTDOM alicepw
    printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_users"
    HOST=$(hostname)
}

# il_spnego TAG [ARGS...]: one spnego_client.py login of TESTDOM\alice (NTLM,
# HYBRID_EX) against $PORT, output in $T/TAG.out; sets RC.
il_spnego() {
    _tag=$1
    shift
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 180 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user alice --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
        "$@" >"$T/$_tag.out" 2>&1
    RC=$?
}

# il_users_alice_bob: NTLM keys TESTDOM\alice (alicepw) and TESTDOM\bob
# (bobpw) in $T/keys, each client's gss-ntlmssp file $T/ntlm_USER, HOST.
il_users_alice_bob() {
    il_keyfile "$T/keys" alice TESTDOM alicepw
    il_keyfile "$T/keys" bob TESTDOM bobpw
    printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_alice"
    printf 'TESTDOM:bob:bobpw\n' >"$T/ntlm_bob"
    HOST=$(hostname)
}

# il_login_bg TAG USER PASSWORD: one spnego_client.py login of TESTDOM\USER
# (NTLM, HYBRID_EX) against $PORT in the background, output in $T/TAG.out,
# its PID in LPID (bounded: 30 s).
il_login_bg() {
    NTLM_USER_FILE="$T/ntlm_$2" CSSP_PASSWORD=$3 timeout 180 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user "$2" --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
        >"$T/$1.out" 2>&1 &
    LPID=$!
}
