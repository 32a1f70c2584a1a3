#!/bin/bash
# tests/mutation/run.sh - every security check must be able to fail a test.
#
# For each entry of tests/mutation/checks.list (format there) this script
# disables exactly that check in a scratch copy of the source tree, rebuilds
# what the entry's tests need, runs them and requires every one of them to
# FAIL.  It fails too when an entry's pattern does not occur exactly once in
# its file (a refactor must update the list), when a mutant does not build,
# or when a test does not pass on the unmodified copy (the baseline).
#
# Usage: run.sh [NAME...]   (default: every entry).  Run by `make check`;
# skips (77) in a sanitizer build (the plain build runs it) and when
# CSSP_SKIP_MUTATION=1.  The scratch copy is configured once and rebuilt
# incrementally; each mutated file is restored after its run.
set -uo pipefail

src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$(cd "$src" && pwd)
list=$src/tests/mutation/checks.list
jobs=${CSSP_MUTATION_JOBS:-2}
test_timeout=120

if [ "${CSSP_SKIP_MUTATION:-0}" = 1 ]; then
    echo "mutation: CSSP_SKIP_MUTATION=1, skipped"
    exit 77
fi
if [ -n "${top_builddir:-}" ] &&
    grep -q -- '--enable-sanitizers' "$top_builddir/config.log" 2>/dev/null; then
    echo "mutation: sanitizer build, skipped (the plain build runs it)"
    exit 77
fi
if [ -f "$src/config.status" ]; then
    echo "mutation: the source tree is configured in place; use a build directory"
    exit 77
fi
[ -x "$src/configure" ] || { echo "mutation: run ./autogen.sh first"; exit 99; }
command -v perl >/dev/null || { echo "mutation: perl missing"; exit 99; }

# ---- read the list: parallel arrays, one slot per entry ----
names=() files=() finds=() repls=() tests=()
add_entry() {
    [ -n "$name" ] || return 0
    if [ -z "$file" ] || [ -z "$find" ] || [ -z "$tst" ] || [ "$have_repl" != 1 ]; then
        echo "mutation: entry '$name' lacks file, find, replace or tests"
        exit 99
    fi
    names+=("$name") files+=("$file") finds+=("$find") repls+=("$repl") tests+=("$tst")
}
name='' file='' find='' repl='' tst='' have_repl=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
    '#'* | '') continue ;;
    'name: '*)
        add_entry
        name=${line#name: } file='' find='' repl='' tst='' have_repl=0
        ;;
    'file: '*) file=${line#file: } ;;
    'find: '*) find=${line#find: } ;;
    'find+: '*) find=$find$'\n'${line#find+: } ;;
    'replace:'*) repl=${line#replace:} repl=${repl# } have_repl=1 ;;
    'replace+: '*) repl=$repl$'\n'${line#replace+: } ;;
    'tests: '*) tst=${line#tests: } ;;
    *) echo "mutation: $list: cannot read: $line"; exit 99 ;;
    esac
done < "$list"
add_entry

# ---- which entries ----
want=()
if [ $# -gt 0 ]; then
    for n in "$@"; do
        found=0
        for i in "${!names[@]}"; do
            [ "${names[$i]}" = "$n" ] && { want+=("$i"); found=1; }
        done
        [ $found = 1 ] || { echo "mutation: no entry named $n"; exit 99; }
    done
else
    want=("${!names[@]}")
fi

# ---- scratch copy, configured once ----
scratch=$(mktemp -d /tmp/cssp-mutation-XXXXXX) || exit 99
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM HUP
start=$(date +%s)
tree=$scratch/src
build=$scratch/b
mkdir -p "$tree" "$build" || exit 99
tar -C "$src" --exclude=./build --exclude=./.git --exclude=autom4te.cache -cf - . |
    tar -C "$tree" -xf - || exit 99
if ! (cd "$build" && "$tree/configure" -q >"$build/configure.log" 2>&1); then
    tail -n 30 "$build/configure.log"
    echo "mutation: configure failed"
    exit 99
fi

# The build target (program) of a test spec "program[:filter]".
program_of() { printf '%s\n' "${1%%:*}"; }

# Build the programs of the given specs (and the core library).
build_for() {
    local targets=(libcredssp_core.la) spec
    for spec in "$@"; do targets+=("$(program_of "$spec")"); done
    (cd "$build" && make -j"$jobs" "${targets[@]}" >"$build/make.log" 2>&1)
}

# Run one test spec; prints its exit status.
run_spec() {
    local spec=$1 prog filter='' rc
    prog=$(program_of "$spec")
    [ "$spec" != "$prog" ] && filter=${spec#*:}
    (
        cd "$build" || exit 99
        export top_srcdir=$tree top_builddir=$build CMOCKA_MESSAGE_OUTPUT=stdout
        unset MALLOC_PERTURB_ # it would wipe freed memory for the wipe checks
        [ -n "$filter" ] && export CSSP_TEST_FILTER=$filter
        timeout "$test_timeout" "./$prog" >"$build/test.log" 2>&1
    )
    rc=$?
    echo "$rc"
}

# ---- baseline: every named test passes on the unmodified copy ----
all_specs=()
for i in "${want[@]}"; do
    read -r -a specs <<<"${tests[$i]}"
    all_specs+=("${specs[@]}")
done
mapfile -t all_specs < <(printf '%s\n' "${all_specs[@]}" | sort -u)
if ! build_for "${all_specs[@]}"; then
    tail -n 40 "$build/make.log"
    echo "mutation: the unmodified copy does not build"
    exit 99
fi
for spec in "${all_specs[@]}"; do
    rc=$(run_spec "$spec")
    if [ "$rc" != 0 ]; then
        tail -n 30 "$build/test.log"
        echo "mutation: baseline: $spec does not pass unmodified (exit $rc)"
        exit 1
    fi
done
echo "mutation: baseline passed ($(( $(date +%s) - start )) s)"

# ---- one mutant per entry ----
caught=0
bad=()
for i in "${want[@]}"; do
    n=${names[$i]} f=$tree/${files[$i]}
    if [ ! -f "$f" ]; then
        echo "STALE    $n: ${files[$i]} does not exist"
        bad+=("$n")
        continue
    fi
    cp -p "$f" "$scratch/orig"
    # exactly one occurrence, replaced literally
    if ! PAT=${finds[$i]} REP=${repls[$i]} perl -0pi -e \
        'my $n = () = /\Q$ENV{PAT}\E/g;
         if ($n != 1) { print STDERR "occurs $n times\n"; exit 3 }
         s/\Q$ENV{PAT}\E/$ENV{REP}/;' "$f" 2>"$scratch/perl.err"; then
        echo "STALE    $n: pattern in ${files[$i]} $(cat "$scratch/perl.err") (update checks.list)"
        cp -p "$scratch/orig" "$f"
        bad+=("$n")
        continue
    fi
    read -r -a specs <<<"${tests[$i]}"
    if ! build_for "${specs[@]}"; then
        grep -m 5 'error' "$build/make.log"
        echo "NOBUILD  $n: the mutant does not compile (fix its replace line)"
        bad+=("$n")
    else
        survived=()
        for spec in "${specs[@]}"; do
            rc=$(run_spec "$spec")
            [ "$rc" = 0 ] || [ "$rc" = 77 ] && survived+=("$spec")
        done
        if [ ${#survived[@]} -eq 0 ]; then
            echo "caught   $n (${tests[$i]})"
            caught=$((caught + 1))
        else
            echo "SURVIVED $n: still passing with the check removed: ${survived[*]}"
            bad+=("$n")
        fi
    fi
    # restore; the next build recompiles the file (newer than its object)
    cp "$scratch/orig" "$f"
    touch "$f"
done

echo "mutation: ${caught} of ${#want[@]} disabled checks caught ($(( $(date +%s) - start )) s)"
if [ ${#bad[@]} -gt 0 ]; then
    echo "mutation: FAILED: ${bad[*]}"
    exit 1
fi
exit 0
