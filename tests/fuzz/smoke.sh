#!/bin/bash
# tests/fuzz/smoke.sh - run every built libFuzzer target for a short while.
#
# Usage: tests/fuzz/smoke.sh [SECONDS]        (default 20 per target)
# Environment:
#   FUZZ_BUILD  build directory configured with CC=clang --enable-fuzzing
#               (default: build/fuzz); this script builds nothing.
#   FUZZ_ARGS   extra libFuzzer flags (e.g. -runs=1000000 for a long run).
#
# For every seed directory tests/fuzz/corpus/<name>, the target
# $FUZZ_BUILD/tests/fuzz/fuzz_<name> must exist.  Each runs with the seeds
# read-only (new inputs go to a scratch directory, never into the source
# tree), leak detection on, and UBSan made fatal.  Exits non-zero on any
# finding (crash, abort, leak, UBSan report, timeout, OOM) or missing target;
# reproducers are kept under $FUZZ_BUILD/fuzz-findings/<name>/.  Leaks in
# system libraries are suppressed by tests/lsan.supp unless LSAN_OPTIONS is set.
set -uo pipefail

secs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$top/build/fuzz}
findings="$build/fuzz-findings"
status=0

case "$secs" in
'' | *[!0-9]*) echo "smoke.sh: SECONDS must be a number" >&2; exit 2 ;;
esac

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
if [ -z "${LSAN_OPTIONS:-}" ] && [ -f "$top/tests/lsan.supp" ]; then
    export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp"
fi

shopt -s nullglob
seed_dirs=("$top"/tests/fuzz/corpus/*/)
if [ ${#seed_dirs[@]} -eq 0 ]; then
    echo "smoke.sh: no seed directories under tests/fuzz/corpus" >&2
    exit 1
fi

for dir in "${seed_dirs[@]}"; do
    name=$(basename "$dir")
    bin="$build/tests/fuzz/fuzz_$name"
    if [ ! -x "$bin" ]; then
        echo "smoke.sh: $bin not built (CC=clang ./configure --enable-fuzzing; make fuzz-targets)" >&2
        status=1
        continue
    fi
    work=$(mktemp -d)
    mkdir -p "$findings/$name"
    echo "=== fuzz_$name: ${secs}s over $(find "$dir" -type f | wc -l) seeds"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/$name/" ${FUZZ_ARGS:-} "$work" "$dir" \
        >"$findings/$name/log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' \
        "$findings/$name/log" | awk '!seen[$1]++' | sed 's/^/    /'
    if [ "$rc" -ne 0 ] || grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
        "$findings/$name/log"; then
        echo "smoke.sh: fuzz_$name FAILED (exit $rc); log and reproducers in $findings/$name/" >&2
        grep -E 'ERROR|runtime error|fuzz_|Test unit written' "$findings/$name/log" | head -n 20 >&2
        status=1
    else
        echo "    fuzz_$name: no findings"
    fi
    rm -rf "$work"
done
exit $status
