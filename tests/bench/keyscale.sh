# shellcheck shell=bash disable=SC2154  # sourced by run.sh, which sets bench, work, top, last_pid
# tests/bench/keyscale.sh - the key-file-size phases of issue 15, sourced by
# `tests/bench/run.sh --keyscale` (which provides $bench, $work, $C,
# start_server and the cleanup that stops every server by PID).
#
# For each key file size (1, 10,000, 100,000 entries, the bench account's
# entry last) and each way of reading it - indexed (the default of
# credssp-server: loaded once, O(1) per login) and plain (--ntlm-keyfile-plain:
# gss-ntlmssp re-reads the file on every login) - one server, a warm-up and
# one CredSSP phase; then server CPU per login and p99 latency as ratios to
# the 1-entry run of the same way.  Done when (issue 15): indexed, 100,000
# entries within 1.5 x the 1-entry server CPU per login.
#
# Environment: KS_SIZES ("1 10000 100000"), KS_N (2000 logins per indexed
# phase), KS_PLAIN_N ("2000 200 30": logins per plain phase, per size).

KS_SIZES=${KS_SIZES:-1 10000 100000}
KS_N=${KS_N:-2000}
KS_PLAIN_N=${KS_PLAIN_N:-2000 200 30}
KS_TARGET=1.5

# A key file of $2 entries at $1: $2 - 1 filler accounts, then the bench account.
ks_make_keyfile() {
    local file=$1 size=$2
    python3 - "$file.fill" "$((size - 1))" <<'EOF'
import os, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        f.write("BENCH\\filler%06d:65534:%s:%s:[U          ]:LCT-6B06FAB7\n"
                % (i, "X" * 32, os.urandom(16).hex().upper()))
EOF
    "$bench" --make-keyfile "$file.bench"
    cat "$file.fill" "$file.bench" >"$file"
    chmod 600 "$file"
    rm -f "$file.fill" "$file.bench" "$file.bench.lock"
}

# One phase: prints "CPU_MS P99_MS OK N" of the CredSSP round against a server
# started with the key file $1 and the extra server options $3...; $2 logins.
ks_measure() {
    local keys=$1 n=$2 name row pid
    shift 2
    name=ks$RANDOM
    start_server "$name" --ntlm-keyfile "$keys" --min-version 6 --ending dpum "$@"
    pid=$last_pid
    row=$("$bench" --cssp "127.0.0.1:$(cat "$work/$name.port")" --cssp-pid "$pid" \
        -n "$n" -c "$C" --rounds 1 --warmup "$(( n < 200 ? 5 : 200 ))" --soak 0 --burst 0 \
        | grep '^| round' || true)
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "$row" | awk -F'|' '{ gsub(/ /, ""); print $15, $11, $6, $4 }'
}

echo "# key file size phases (issue 15), $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg); concurrency $C"
echo
ks_rc=0
ks_rows=()
declare -A ks_cpu ks_p99
for way in indexed plain; do
    i=0
    for size in $KS_SIZES; do
        i=$((i + 1))
        keys=$work/keys.$size
        [ -f "$keys" ] || ks_make_keyfile "$keys" "$size"
        if [ "$way" = plain ]; then
            n=$(echo "$KS_PLAIN_N" | cut -d' ' -f"$i")
            set -- --ntlm-keyfile-plain
        else
            n=$KS_N
            set --
        fi
        read -r cpu p99 ok total < <(ks_measure "$keys" "$n" "$@")
        ks_cpu[$way.$size]=$cpu
        ks_p99[$way.$size]=$p99
        ks_rows+=("$way $size $total $ok")
        [ "$ok" = "$total" ] || ks_rc=1
    done
done

# a / b with two decimals ("-" when b is missing or 0)
ks_ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'
}
first=${KS_SIZES%% *}
echo "| way | entries | logins | ok | server CPU ms/login | x 1-entry (same way) | x 1-entry plain | p99 ms | x 1-entry (same way) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${ks_rows[@]}"; do
    read -r way size total ok <<<"$r"
    cpu=${ks_cpu[$way.$size]}
    p99=${ks_p99[$way.$size]}
    rcpu=$(ks_ratio "$cpu" "${ks_cpu[$way.$first]}")
    echo "| $way | $size | $total | $ok | $cpu | $rcpu | $(ks_ratio "$cpu" "${ks_cpu[plain.$first]:-}") |" \
        "$p99 | $(ks_ratio "$p99" "${ks_p99[$way.$first]}") |"
    if [ "$way" = indexed ] && [ "$size" = 100000 ]; then
        ks_done=$(awk -v r="$rcpu" -v t="$KS_TARGET" 'BEGIN { print (r <= t) ? "MET" : "NOT MET" }')
        ks_line="indexed, 100,000 entries: server CPU per login $rcpu x the 1-entry run (target <= $KS_TARGET): $ks_done"
    fi
done
echo
[ -z "${ks_line:-}" ] || echo "$ks_line"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$ks_rc"
