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
# Then two more phases (docs/PERFORMANCE.md, docs/ADMISSION.md):
#   under attack  a CredSSP server with default admission options: ATTACK_N
#                 logins quiet, then the same while ATTACK idle and slow
#                 connections come from 127.0.0.2-5 (admission_load.py attack
#                 --mode mixed, re-opened as soon as dropped): success rate and
#                 p99 side by side (ATTACK=0 skips it)
#   login storm   STORM_N logins from two credssp-bench processes against
#                 --workers 1 and then --workers 2 (processes sharing the
#                 listening socket): logins/s, server CPU, speed-up
#                 (STORM_N=0 skips it).  Its servers use an RSA-STORM_KEY_BITS
#                 key (4096): the server's signature then outweighs the
#                 client's work, so two cores shared with the clients can show
#                 what the second worker adds.
#
# --profile  afterwards, one extra round per server under
#            `perf record --call-graph dwarf` and the share of the main
#            cost centres (needs perf; skipped with a note otherwise).
# --keep     keep the temp dir (server logs, perf data).
# --keyscale instead of all that: the key-file-size phases of issue 15
#            (tests/bench/keyscale.sh: 1 / 10,000 / 100,000 entries).
# --slowbe   instead of all that: one identity back end sleeps 2 s while
#            other users log in (tests/bench/slowbe.sh; issue 15).
# --kerberos instead of all that: Kerberos logins against a throwaway KDC,
#            replay cache on, interleaved with NTLM (tests/bench/krbphase.sh).
# Environment: BUILD_DIR, N (2000), C (16), ROUNDS (3), SOAK (10000),
# BURST (1000), PROFILE_N (3000), KEY_BITS (2048), ATTACK (400), ATTACK_N
# (1000), STORM_N (6000), STORM_C (16 per client process), STORM_KEY_BITS (4096).
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
ATTACK=${ATTACK:-400}
ATTACK_N=${ATTACK_N:-1000}
STORM_N=${STORM_N:-6000}
STORM_C=${STORM_C:-16}
STORM_KEY_BITS=${STORM_KEY_BITS:-4096}
profile=0
keep=0
keyscale=0
kerberos=0
slowbe=0
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --profile) profile=1 ;;
    --keep) keep=1 ;;
    --keyscale) keyscale=1 ;;
    --kerberos) kerberos=1 ;;
    --slowbe) slowbe=1 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--profile] [--keep] [--keyscale] [--kerberos] [--slowbe] [-- credssp-bench options]" >&2; exit 2 ;;
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

# Descriptors: every burst connection is one socket here and one there
# (and the attack's sockets, 2 x ATTACK, with the servers' timers).
want=$((2 * BURST + 4 * ATTACK + 256))
if [ "$(ulimit -n)" -lt "$want" ]; then
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    [ "$(ulimit -n)" -ge "$want" ] || ulimit -n "$want" || true
fi

# Start one server; its PID goes to pids and last_pid, its port to $work/NAME.port.
# The limits of the main run (the phases below set their own).
limits=(--max-concurrent 4096 --max-startups 4096 --timeout 120000)
start_server() {
    local name=$1
    shift
    "$server" --listen 127.0.0.1:0 --port-file "$work/$name.port" \
        --cert "$work/cert.pem" --key "$work/key.pem" --connections 0 \
        "${limits[@]}" --json "$@" \
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
if [ "$slowbe" = 1 ]; then
    # shellcheck source=tests/bench/slowbe.sh
    . "$top/tests/bench/slowbe.sh"
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

# ---- under attack: default admission options, quiet vs. attacked ----
# One measured row of credssp-bench (CredSSP only, no warm-up / soak / burst).
bench_row() {
    "$bench" --cssp "127.0.0.1:$1" --cssp-pid "$2" -n "$3" -c "$4" --rounds 1 --warmup 0 \
        --soak 0 --burst 0 --conn-timeout 30000 2>/dev/null | grep '^| round' || true
}
stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
if [ "$ATTACK" -gt 0 ] && python3 -c 'import socket; socket.socket().bind(("127.0.0.5", 0))'; then
    limits=()
    start_server adm --ntlm-keyfile "$work/ntlm.keys" --min-version 6 --ending dpum
    adm_pid=$last_pid
    adm_port=$(cat "$work/adm.port")
    echo
    echo "Under attack (server with default admission options; $ATTACK_N logins at" \
        "concurrency 8 from 127.0.0.1; attack: $ATTACK connections from 127.0.0.2-5," \
        "half idle, half sending one byte a second, re-opened as soon as dropped):"
    echo "| phase | mode | N | C | ok | fail | wall s | logins/s | p50 ms | p99 ms |" \
        "min ms | max ms | peak | srv CPU ms/conn | cli CPU ms/conn | srv RSS KiB before -> after |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    bench_row "$adm_port" "$adm_pid" "$ATTACK_N" 8 | sed 's/^| round 1 /| quiet /'
    python3 "$top/tests/integration/admission_load.py" attack --port "$adm_port" \
        --per-addr $((ATTACK / 4)) --seconds 300 --mode mixed --stats "$work/attack.stats" \
        >"$work/attack.log" 2>&1 &
    atk_pid=$!
    pids+=("$atk_pid")
    sleep 3
    bench_row "$adm_port" "$adm_pid" "$ATTACK_N" 8 | sed 's/^| round 1 /| under attack /'
    stop_pid "$atk_pid"
    echo "- attack: $(cat "$work/attack.stats" 2>/dev/null || echo '?');" \
        "server reports: $(grep -o '"outcome":"[a-z_]*"' "$work/adm.json" | sort | uniq -c |
        awk '{ printf "%s %s ", $2, $1 }')"
    stop_pid "$adm_pid"
fi

# ---- login storm: one worker process vs. two ----
# CPU ticks (utime + stime) of a process and its children processes.
tree_ticks() {
    local p t=0
    for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
if [ "$STORM_N" -gt 0 ]; then
    limits=(--max-concurrent 4096 --timeout 120000)
    echo
    openssl req -x509 -newkey "rsa:$STORM_KEY_BITS" -sha256 -nodes -days 2 -subj /CN=localhost \
        -keyout "$work/storm-key.pem" -out "$work/storm-cert.pem" 2>/dev/null
    echo "Login storm ($STORM_N CredSSP logins from two credssp-bench processes," \
        "$STORM_C in flight each; RSA-$STORM_KEY_BITS; $(nproc) CPUs shared with the clients):"
    echo "| server | wall s | logins/s | ok | server CPU s | server CPU busy |"
    echo "|---|---:|---:|---:|---:|---:|"
    hz=$(getconf CLK_TCK)
    for w in 1 2; do
        start_server "w$w" --ntlm-keyfile "$work/ntlm.keys" --min-version 6 --ending dpum \
            --workers "$w" --cert "$work/storm-cert.pem" --key "$work/storm-key.pem"
        wpid=$last_pid
        wport=$(cat "$work/w$w.port")
        sleep 0.5
        bench_row "$wport" "$wpid" 200 8 >/dev/null          # warm-up
        t0=$(tree_ticks "$wpid")
        s0=$(date +%s%N)
        bench_row "$wport" "$wpid" $((STORM_N / 2)) "$STORM_C" >"$work/storm$w.a" &
        b1=$!
        bench_row "$wport" "$wpid" $((STORM_N / 2)) "$STORM_C" >"$work/storm$w.b"
        wait "$b1" || true
        s1=$(date +%s%N)
        t1=$(tree_ticks "$wpid")
        ok=$(cat "$work/storm$w.a" "$work/storm$w.b" | awk -F'|' '{ s += $6 } END { print s + 0 }')
        python3 -c 'import sys
w, ns, ok, ticks, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
wall = ns / 1e9
print("| --workers %s | %.2f | %.0f | %d | %.2f | %.0f %% |" % (w, wall, ok / wall, ok, ticks / hz,
      100.0 * ticks / hz / wall))' "$w" $((s1 - s0)) "$ok" $((t1 - t0)) "$hz" | tee "$work/storm$w.row"
        stop_pid "$wpid"
    done
    r1=$(awk -F'|' '{ print $4 }' "$work/storm1.row")
    r2=$(awk -F'|' '{ print $4 }' "$work/storm2.row")
    echo "- speed-up of --workers 2 over --workers 1: $(python3 -c "print('%.2f' % ($r2 / $r1))" 2>/dev/null || echo '?')"
fi

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
        profile_one tls "$tls_pid" "$tls_port" memtls_handshake EVP_DigestSignFinal \
            EVP_PKEY_generate report_emit conn_free entry_SYSCALL_64_after_hwframe
        profile_one cssp "$cssp_pid" "$cssp_port" cssp_tls_handshake EVP_DigestSignFinal \
            EVP_PKEY_generate cssp_engine_handle cssp_gss_accept gss_accept_sec_context \
            gss_localname cssp_gss_wrap cssp_gss_unwrap cssp_ts_request_decode \
            cssp_ts_credentials_decode cssp_tls_read cssp_tls_write cssp_audit report_emit \
            credssp_engine_new credssp_engine_free entry_SYSCALL_64_after_hwframe
    fi
fi
exit "$rc"
