# shellcheck shell=bash disable=SC2154  # sourced by run.sh, which sets bench, work, top, build, last_pid
# tests/bench/slowbe.sh - the slow identity back end phase of issue 15,
# sourced by `tests/bench/run.sh --slowbe` (which provides $bench, $build,
# $work, $C, start_server and the cleanup that stops every server by PID).
#
# The back end: tests/integration/slowkey.c, preloaded into credssp-server,
# makes gss-ntlmssp's open of one account's key entry ("slow") sleep
# SB_SLEEP_MS (2000) inside gss_accept_sec_context, as a domain controller
# that takes 2 s would.  One client logs in as "slow" again and again (one
# login at a time, so one back end is always busy) while credssp-bench runs
# SB_N logins of the bench account at concurrency $C and x224_probe.py times
# SB_PROBES X.224 answers, SB_GAP_MS apart (so both span the phase).  Three rows, all in this run:
#   steps on the pool, quiet        (no slow login: the reference)
#   steps on the pool, slow back end
#   steps on the loop (--step-threads 0, the behaviour before), slow back end
# Done when (issue 15): with the slow back end, X.224 answered within 100 ms
# (p99) and every other login succeeds.

SB_N=${SB_N:-2000}
SB_PROBES=${SB_PROBES:-200}
SB_GAP_MS=${SB_GAP_MS:-50}
SB_SLEEP_MS=${SB_SLEEP_MS:-2000}
make -C "$build" -s tests/integration/slowkey.la >/dev/null
sb_shim=$build/tests/integration/.libs/slowkey.so
sb_probe=$top/tests/integration/x224_probe.py
cp "$work/ntlm.keys" "$work/slow.keys"
"$bench" --make-keyfile "$work/slow.keys" --user slow --domain BENCH --password slowpw
printf 'BENCH:slow:slowpw\n' >"$work/ntlm.slow"

# Logins of "slow", one after the other, until $work/sb.stop exists (at most 120).
sb_slow_logins() {
    local i
    for i in $(seq 1 120); do
        [ -e "$work/sb.stop" ] && break
        NTLM_USER_FILE="$work/ntlm.slow" CSSP_PASSWORD=slowpw timeout 30 /usr/bin/python3 \
            "$top/tests/integration/spnego_client.py" --port "$1" --mech ntlm --user slow \
            --domain BENCH --target "TERMSRV@$(hostname)" --protocols 0x0B >/dev/null 2>&1 &&
            echo ok >>"$work/sb.slow" || echo failed >>"$work/sb.slow"
    done
}

# One row: $1 label, $2 "slow" or "quiet", then extra server options.
sb_row() {
    local label=$1 mode=$2 name pid port row probe slow_pid=""
    shift 2
    name=sb$RANDOM
    rm -f "$work/sb.mark" "$work/sb.stop" "$work/sb.slow"
    LD_PRELOAD=$sb_shim CSSP_SLOW_USER=slow CSSP_SLOW_MS=$SB_SLEEP_MS \
        CSSP_SLOW_MARK=$work/sb.mark start_server "$name" --ntlm-keyfile "$work/slow.keys" \
        --min-version 6 --ending dpum "$@"
    pid=$last_pid
    port=$(cat "$work/$name.port")
    if [ "$mode" = slow ]; then
        sb_slow_logins "$port" &
        slow_pid=$!
        for _ in $(seq 1 100); do [ -e "$work/sb.mark" ] && break; sleep 0.1; done
    fi
    /usr/bin/python3 "$sb_probe" "$port" "$SB_PROBES" 100000 "$SB_GAP_MS" >"$work/sb.probe" 2>&1 &
    probe=$!
    row=$("$bench" --cssp "127.0.0.1:$port" --cssp-pid "$pid" -n "$SB_N" -c "$C" --rounds 1 \
        --warmup 20 --soak 0 --burst 0 | grep '^| round' || true)
    wait "$probe" || true
    touch "$work/sb.stop"
    [ -z "$slow_pid" ] || wait "$slow_pid" || true
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    read -r ok total p99 < <(echo "$row" | awk -F'|' '{ gsub(/ /, ""); print $6, $4, $11 }')
    read -r x_worst x_p99 x_p50 < <(sed -n \
        's/^x224_worst_ms=\([0-9.]*\) x224_p99_ms=\([0-9.]*\) x224_p50_ms=\([0-9.]*\)$/\1 \2 \3/p' \
        "$work/sb.probe")
    echo "| $label | $total | $ok | $p99 | ${x_p50:--} | ${x_p99:--} | ${x_worst:--} |" \
        "$(cat "$work/sb.slow" 2>/dev/null | grep -c '^ok') ok of" \
        "$(cat "$work/sb.slow" 2>/dev/null | wc -l) |"
    if [ "$mode" = slow ] && [ "$label" = "pool, slow back end" ]; then
        sb_line=$(awk -v p="${x_p99:-1e9}" -v ok="$ok" -v n="$total" 'BEGIN {
            print "pool, slow back end: X.224 p99 " p " ms (target <= 100), logins " ok " of " n ": " \
                ((p <= 100 && ok == n) ? "MET" : "NOT MET") }')
    fi
}

echo "# slow identity back end phase (issue 15), $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg); concurrency $C;" \
    "back end of \"slow\": ${SB_SLEEP_MS} ms"
echo
echo "| steps | logins | ok | login p99 ms | X.224 p50 ms | X.224 p99 ms | X.224 max ms | slow logins meanwhile |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
sb_row "pool, quiet" quiet
sb_row "pool, slow back end" slow
sb_row "loop (--step-threads 0), slow back end" slow --step-threads 0
echo
echo "${sb_line:-}"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit 0
