#!/bin/sh
# tests/style/exports.sh - the exported symbols are the ones the code declares
# (docs/DEVELOPMENT.md rule 8), with both lists taken from the code, none kept
# by hand:
#
#   libcredssp.so    defined dynamic symbols == every CREDSSP_API declaration
#                    in include/*.h but credssp_pam.h (a declared function that
#                    is not exported, or an exported one no installed header
#                    declares, fails);
#   libcredssp_pam.so  the same with the declarations of include/credssp_pam.h;
#   pam_credssp.so   defined dynamic symbols == the pam_sm_* functions defined
#                    in pam_credssp/*.c == the global list of pam_credssp.map.
#
# Needs the built tree ($top_builddir, set by `make check`) and nm (binutils).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
lib=$builddir/.libs/libcredssp.so
pamlib=$builddir/.libs/libcredssp_pam.so
mod=$builddir/pam_credssp/.libs/pam_credssp.so
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
status=0

command -v nm >/dev/null 2>&1 || { echo "SKIP: no nm"; exit 77; }
for f in "$lib" "$pamlib" "$mod"; do
    [ -f "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

# Defined dynamic symbols of a shared object (code and data), sorted.
exported() {
    nm -D --defined-only "$1" | awk 'NF == 3 && $2 ~ /^[TtDdBbRrVvWwi]$/ { print $3 }' | sort -u
}

# Names declared with CREDSSP_API in the given headers: drop preprocessor
# lines and comments, cut the text into declarations at ';', keep those that
# carry CREDSSP_API and take the identifier before the first '('.
declared() {
    grep -hv '^[[:space:]]*#' "$@" | sed 's,//.*$,,' | tr '\n' ' ' |
        sed -E 's,/\*([^*]|\*+[^*/])*\*+/, ,g' | tr ';{}' '\n\n\n' | grep -w CREDSSP_API |
        sed -E 's/^.*CREDSSP_API[^(]*[^A-Za-z0-9_(]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(.*$/\1/' |
        sort -u
}

# compare NAME_A FILE_A NAME_B FILE_B: report names in one list only.
compare() {
    only_a=$(comm -23 "$2" "$4")
    only_b=$(comm -13 "$2" "$4")
    if [ -n "$only_a" ]; then
        echo "FAIL: in $1 but not in $3:"
        echo "$only_a" | sed 's/^/    /'
        status=1
    fi
    if [ -n "$only_b" ]; then
        echo "FAIL: in $3 but not in $1:"
        echo "$only_b" | sed 's/^/    /'
        status=1
    fi
}

pamhdr=$srcdir/include/credssp_pam.h
for h in "$srcdir"/include/*.h; do
    [ "$h" = "$pamhdr" ] || set -- "$@" "$h"
done
declared "$@" >"$tmp/declared"
declared "$pamhdr" >"$tmp/pam_declared"
exported "$lib" >"$tmp/lib"
exported "$pamlib" >"$tmp/pamlib"
n=$(wc -l <"$tmp/declared")
np=$(wc -l <"$tmp/pam_declared")
if [ "$n" -lt 10 ] || [ "$np" -lt 5 ]; then
    echo "FAIL: only $n + $np CREDSSP_API declarations found in include/*.h (parser broken?)"
    exit 1
fi
compare "include/*.h but credssp_pam.h (CREDSSP_API)" "$tmp/declared" "libcredssp.so (nm -D)" \
    "$tmp/lib"
compare "include/credssp_pam.h (CREDSSP_API)" "$tmp/pam_declared" "libcredssp_pam.so (nm -D)" \
    "$tmp/pamlib"

grep -hoE '^pam_sm_[a-z_]+[[:space:]]*\(' "$srcdir"/pam_credssp/*.c | tr -d '( \t' | sort -u \
    >"$tmp/pam_defined"
sed -n '/global:/,/local:/p' "$srcdir/pam_credssp/pam_credssp.map" |
    grep -oE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;' | tr -d ' \t;' | sort -u >"$tmp/map"
exported "$mod" >"$tmp/mod"
if [ ! -s "$tmp/pam_defined" ]; then
    echo "FAIL: no pam_sm_* definitions found in pam_credssp/*.c (parser broken?)"
    exit 1
fi
compare "pam_credssp/*.c (pam_sm_* defined)" "$tmp/pam_defined" "pam_credssp.so (nm -D)" "$tmp/mod"
compare "pam_credssp/*.c (pam_sm_* defined)" "$tmp/pam_defined" "pam_credssp.map (global)" "$tmp/map"

[ "$status" -eq 0 ] &&
    echo "exports match the code: libcredssp $n symbols, libcredssp_pam $np symbols, pam_credssp $(wc -l <"$tmp/mod") symbols"
exit "$status"
