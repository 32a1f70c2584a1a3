#!/bin/bash
# tests/run.sh - the project's one test command (README, .ci/run).
#
# On a fresh Debian 12 machine, as root: installs every package (tests/deps.sh),
# generates the build, then
#   1. builds in build/check and runs every test (`make check`: unit, loopback
#      with a real KDC and gss-ntlmssp, PAM stacks, real RDP clients);
#   2. builds in build/asan with --enable-sanitizers and runs the suite again
#      under ASan + UBSan (leaks are errors);
#   3. builds the libFuzzer targets with clang in build/fuzz and runs each for
#      FUZZ_SECONDS (default 20) over its corpus;
#   4. `make distcheck` in build/dist: the tarball builds out of tree from a
#      read-only source, installs, uninstalls and cleans without leftovers; the
#      check inside runs the unit tests only (the full suite ran in stage 1);
#   5. builds the Debian packages from a copy of the tree, lintian (errors
#      fail), installs them, runs debian/tests/ against the installed programs
#      and purges them again (tests/debian.sh).
# Prints one closing line "N passed, N failed (N skipped)" and exits non-zero on
# any failure; a test skipped in the plain build counts as failed (deps.sh
# installs everything it needs; CREDSSP_ALLOW_SKIP=1 accepts skips locally).
# Set CREDSSP_SKIP_ASAN=1, CREDSSP_SKIP_FUZZ=1, CREDSSP_SKIP_DIST=1 or
# CREDSSP_SKIP_DEB=1 to skip a stage locally.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
skipped=0
failed_names=()

note() { printf '\n=== %s ===\n' "$*"; }

# Count the automake test results of one build directory.
count_results() {
    local dir=$1 label=$2 trs res name
    while IFS= read -r trs; do
        res=$(sed -n 's/^:test-result: //p' "$trs" | head -n1)
        name=${trs#"$dir"/}
        name=${name%.trs}
        case "$res" in
        PASS | XFAIL) passed=$((passed + 1)) ;;
        SKIP)
            # Everything the plain build needs is installed by deps.sh: a skip
            # there is a missing dependency, not a pass (ASan skips two tests
            # by design).  CREDSSP_ALLOW_SKIP=1 accepts it on a developer box.
            skipped=$((skipped + 1))
            echo "skipped: $label $name"
            if [ "$label" = check ] && [ "${CREDSSP_ALLOW_SKIP:-0}" != 1 ]; then
                failed=$((failed + 1))
                failed_names+=("$label:$name (skipped in the plain build)")
            fi
            ;;
        *)
            failed=$((failed + 1))
            failed_names+=("$label:$name")
            ;;
        esac
    done < <(find "$dir" -name '*.trs' | sort)
}

# Show the logs of failed tests of one build directory, and keep a copy in
# build/failed-logs/ (the next run starts with rm -rf build/NAME): a failure
# seen once in many runs keeps its evidence.
show_failures() {
    local dir=$1 trs keep
    keep="$top/build/failed-logs/$(date -u +%Y%m%dT%H%M%SZ)-$(basename "$dir")"
    while IFS= read -r trs; do
        if ! grep -q '^:test-result: \(PASS\|SKIP\|XFAIL\)' "$trs"; then
            echo "----- ${trs%.trs}.log -----"
            tail -n 60 "${trs%.trs}.log" 2>/dev/null || true
            mkdir -p "$keep" && cp "${trs%.trs}.log" "$keep/" 2>/dev/null &&
                echo "(kept in $keep/)"
        fi
    done < <(find "$dir" -name '*.trs' | sort)
}

# configure + make + make check in build/$1 with extra configure args.  Every
# build is configured with --enable-werror: a compiler warning fails it (a
# plain ./configure leaves warnings as warnings).
run_build() {
    local name=$1
    shift
    local dir="$top/build/$name"
    note "build/$name: configure $*"
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! (cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs" >make.log 2>&1); then
        tail -n 40 "$dir/make.log" 2>/dev/null
        echo "build/$name: BUILD FAILED"
        failed=$((failed + 1))
        failed_names+=("$name:build")
        return 1
    fi
    note "build/$name: make check"
    (cd "$dir" && make -j"$jobs" check >check.log 2>&1)
    sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/check.log"
    show_failures "$dir"
    count_results "$dir" "$name"
}

note "dependencies"
./tests/deps.sh || { echo "deps.sh failed"; exit 1; }
note "autogen"
./autogen.sh >/dev/null 2>&1 || { echo "autogen.sh failed"; exit 1; }

run_build check --enable-werror

if [ "${CREDSSP_SKIP_ASAN:-0}" != 1 ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        run_build asan --enable-sanitizers --enable-werror
fi

if [ "${CREDSSP_SKIP_FUZZ:-0}" != 1 ]; then
    dir="$top/build/fuzz"
    note "build/fuzz: clang --enable-fuzzing"
    rm -rf "$dir" && mkdir -p "$dir"
    if (cd "$dir" && CC=clang "$top/configure" -q --enable-fuzzing --enable-werror &&
        make -j"$jobs" fuzz-targets >make.log 2>&1); then
        if LSAN_OPTIONS="suppressions=$top/tests/lsan.supp" \
            FUZZ_BUILD="$dir" "$top/tests/fuzz/smoke.sh" "${FUZZ_SECONDS:-20}"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            failed_names+=("fuzz:smoke")
        fi
    else
        tail -n 40 "$dir/make.log" 2>/dev/null
        failed=$((failed + 1))
        failed_names+=("fuzz:build")
    fi
fi

# One stage that is a single pass/fail: name, log file, command.
run_stage() {
    local name=$1 log=$2
    shift 2
    if "$@" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "$name: ok"
    else
        tail -n 60 "$log"
        failed=$((failed + 1))
        failed_names+=("$name")
        echo "$name: FAILED (log: $log)"
    fi
}

if [ "${CREDSSP_SKIP_DIST:-0}" != 1 ]; then
    dir="$top/build/dist"
    note "build/dist: make distcheck (unit tests inside)"
    rm -rf "$dir" && mkdir -p "$dir"
    run_stage dist:distcheck "$dir/distcheck.log" sh -c "cd '$dir' && '$top/configure' -q &&
        make -j$jobs distcheck TESTS='\$(ENGINE_UNIT_TESTS) \$(CODEC_TESTS)'"
fi

if [ "${CREDSSP_SKIP_DEB:-0}" != 1 ]; then
    note "Debian packages: build, lintian, install, debian/tests, purge"
    mkdir -p "$top/build"
    run_stage deb:packages "$top/build/debian.log" "$top/tests/debian.sh"
fi

note "summary"
for n in "${failed_names[@]}"; do echo "FAILED: $n"; done
echo "${passed} passed, ${failed} failed (${skipped} skipped)"
[ "$failed" -eq 0 ]
