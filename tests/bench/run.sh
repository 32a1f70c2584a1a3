#!/bin/bash
# tests/bench/run.sh - the CredSSP benchmark in one command (docs/PERFORMANCE.md).
#
#   tests/bench/run.sh [--profile] [--keep] [-- credssp-bench options...]
#
# Builds credssp-server and credssp-bench if needed (out of tree, in
# $BUILD_DIR, default build/bench), makes one RSA-2048 certificate and an
# NT-hash key file in a temp dir, starts two credssp-server processes with
# the same key - CredSSP (--ntlm-keyfile) and the --tls-only baseline - on
# 127.0.0.1 with ephemeral ports, runs credssp-bench against both (warm-up,
# interleaved rounds, 10,000-login soak, 1,000-connection burst), checks the
# servers' own JSON reports, stops the servers by PID and prints the table.
#
# --profile  afterwards, one extra round per server under
#            `perf record --call-graph dwarf` and the share of the main
#            cost centres (needs perf; skipped with a note otherwise).
# --keep     keep the temp dir (server logs, perf data).
# --keyscale instead of all that: the key-file-size phases of issue 15
#            (tests/bench/keyscale.sh: 1 / 10,000 / 100,000 entries).
# --kerberos instead of all that: Kerberos logins against a throwaway KDC,
#            replay cache on, interleaved with NTLM (tests/bench/krbphase.sh).
# Environment: BUILD_DIR, N (2000), C (16), ROUNDS (3), SOAK (10000),
# BURST (1000), PROFILE_N (3000), KEY_BITS (2048).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$top/build/bench}
N=${N:-2000}
C=${C:-16}
ROUNDS=${ROUNDS:-3}
SOAK=${SOAK:-10000}
BURST=${BURST:-1000}
PROFILE_N=${PROFILE_N:-3000}
KEY_BITS=${KEY_BITS:-2048}
profile=0
keep=0
keyscale=0
kerberos=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --profile) profile=1 ;;
    --keep) keep=1 ;;
    --keyscale) keyscale=1 ;;
    --kerberos) kerberos=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--profile] [--keep] [--keyscale] [--kerberos] [-- credssp-bench options]" >&2; exit 2 ;;
    esac
    shift
done

work=$(mktemp -d /tmp/credssp-bench.XXXXXX)
pids=()

# Stop what we started, by PID; remove the temp dir unless --keep.
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ "$keep" = 1 ]; then
        echo "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# ---- build (only what is missing or stale) ----
if [ ! -f "$build/Makefile" ]; then
    [ -x "$top/configure" ] || (cd "$top" && ./autogen.sh)
    mkdir -p "$build"
    (cd "$build" && "$top/configure" -q)
fi
make -C "$build" -s -j"$(nproc)" examples/credssp-server tests/bench/credssp-bench >/dev/null
server=$build/examples/credssp-server
bench=$build/tests/bench/credssp-bench

# ---- fixture: one key for both servers, the bench account's NT hash ----
openssl req -x509 -newkey "rsa:$KEY_BITS" -sha256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
"$bench" --make-keyfile "$work/ntlm.keys"

# Descriptors: every burst connection is one socket here and one there.
want=$((2 * BURST + 256))
if [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    [ "$(ulimit -n)" -ge "$want" ] || ulimit -n "$want" || true
fi

# Start one server; its PID goes to pids and last_pid, its port to $work/NAME.port.
start_server() {
    local name=$1
    shift
    "$server" --listen 127.0.0.1:0 --port-file "$work/$name.port" \
        --cert "$work/cert.pem" --key "$work/key.pem" --connections 0 \
        --max-concurrent 4096 --timeout 120000 --json "$@" \
        >"$work/$name.json" 2>"$work/$name.log" &
    last_pid=$!
    pids+=("$last_pid")
    for _ in $(seq 1 100); do
        [ -s "$work/$name.port" ] && return 0
        kill -0 "$last_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "credssp-server ($name) did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}
if [ "$keyscale" = 1 ]; then
    # shellcheck source=tests/bench/keyscale.sh
    . "$top/tests/bench/keyscale.sh"
fi
if [ "$kerberos" = 1 ]; then
    # shellcheck source=tests/bench/krbphase.sh
    . "$top/tests/bench/krbphase.sh"
fi
# --ending dpum: the server ends right after CredSSP (DisconnectProviderUltimatum,
# close_notify, FIN) instead of waiting for the client's MCS Connect Initial.
start_server cssp --ntlm-keyfile "$work/ntlm.keys" --min-version 6 --ending dpum
cssp_pid=$last_pid
start_server tls --tls-only
tls_pid=$last_pid
cssp_port=$(cat "$work/cssp.port")
tls_port=$(cat "$work/tls.port")

# TcpExt counter from /proc/net/netstat (listen queue overflows etc.).
tcpext() {
    awk -v k="$1" '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 }
        else for (i = 2; i <= NF; i++) if (n[i] == k) print $i }' /proc/net/netstat
}

# ---- machine facts ----
echo "# credssp-bench $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- commit: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "(working tree may carry uncommitted changes)"
echo "- CPU: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "- kernel $(uname -r); $(openssl version | cut -d' ' -f1-2);" \
    "gss-ntlmssp $(dpkg-query -W -f='${Version}' gss-ntlmssp 2>/dev/null || echo ?);" \
    "MIT krb5 $(dpkg-query -W -f='${Version}' libkrb5-3 2>/dev/null || echo ?);" \
    "$(gcc --version | head -n1)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- servers: RSA-$KEY_BITS self-signed, one key; CredSSP pid $cssp_pid port $cssp_port," \
    "TLS-only pid $tls_pid port $tls_port; fd limit $(ulimit -n)"
echo "- command: credssp-bench -n $N -c $C --rounds $ROUNDS --soak $SOAK --burst $BURST ${extra[*]}"
echo

overflow0=$(tcpext ListenOverflows)
rc=0
"$bench" --cssp "127.0.0.1:$cssp_port" --cssp-pid "$cssp_pid" \
    --tls "127.0.0.1:$tls_port" --tls-pid "$tls_pid" \
    -n "$N" -c "$C" --rounds "$ROUNDS" --soak "$SOAK" --burst "$BURST" \
    "${extra[@]}" || rc=$?
overflow1=$(tcpext ListenOverflows)

echo
echo "- listen queue overflows during the run (TcpExt ListenOverflows): $((overflow1 - overflow0))"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- server reports: CredSSP $(grep -c '"outcome":"ok"' "$work/cssp.json" || true) ok" \
    "of $(wc -l <"$work/cssp.json"); TLS-only $(grep -c '"outcome":"ok"' "$work/tls.json" || true)" \
    "ok of $(wc -l <"$work/tls.json")"

# ---- optional profile ----
# Inclusive share of a few cost centres: the fraction of perf samples whose
# call chain contains the symbol (counted once per sample), read from
# `perf script`, and the same in ms per connection (cpu_ms of the round).
shares() {
    local data=$1 cpu_ms=$2
    shift 2
    perf script -i "$data" -F ip,sym 2>/dev/null | python3 -c '
import sys
cpu, want = float(sys.argv[1]), sys.argv[2:]
hits, n, cur = dict.fromkeys(want, 0), 0, set()
def flush():
    global n
    if cur:
        n += 1
        for w in want:
            if w in cur:
                hits[w] += 1
        cur.clear()
for line in sys.stdin:
    f = line.split()
    if not f:
        flush()
    elif len(f) > 1:
        cur.add(f[1].split("+")[0])
flush()
for w in want:
    p = 100.0 * hits[w] / n if n else 0.0
    print("    %-32s %5.1f%%  ~%.3f ms/conn" % (w, p, p * cpu / 100))
print("    (%d samples)" % n)
' "$cpu_ms" "$@"
}

# One round against one server under perf; prints the row and the shares.
profile_one() {
    local mode=$1 pid=$2 port=$3 data=$work/$1.perf.data perf_pid row cpu
    shift 3
    perf record -q -e cpu-clock -F 2000 --call-graph dwarf,16384 -p "$pid" -o "$data" \
        >/dev/null 2>&1 &
    perf_pid=$!
    sleep 1
    row=$("$bench" "--$mode" "127.0.0.1:$port" "--$mode-pid" "$pid" -n "$PROFILE_N" -c "$C" \
        --rounds 1 --warmup 0 --soak 0 --burst 0 | grep '^| round' || true)
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    cpu=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $15); print $15 }')
    echo "  $mode server, $PROFILE_N connections, $cpu ms CPU/conn under perf:"
    shares "$data" "$cpu" "$@"
}

if [ "$profile" = 1 ]; then
    echo
    if ! command -v perf >/dev/null || ! perf record -q -e cpu-clock -o /dev/null true \
        >/dev/null 2>&1; then
        echo "profile: perf is not usable here, skipped"
    else
        echo "Profile (perf cpu-clock, inclusive share of server CPU):"
        profile_one tls "$tls_pid" "$tls_port" tlsonly_feed EVP_DigestSignFinal \
            EVP_PKEY_generate report_emit conn_free entry_SYSCALL_64_after_hwframe
        profile_one cssp "$cssp_pid" "$cssp_port" cssp_tls_handshake EVP_DigestSignFinal \
            EVP_PKEY_generate cssp_engine_handle cssp_gss_accept gss_accept_sec_context \
            gss_localname cssp_gss_wrap cssp_gss_unwrap cssp_ts_request_decode \
            cssp_ts_credentials_decode cssp_tls_read cssp_tls_write cssp_audit report_emit \
            credssp_engine_new credssp_engine_free entry_SYSCALL_64_after_hwframe
    fi
fi
exit "$rc"
