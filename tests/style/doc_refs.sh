#!/bin/sh
# tests/style/doc_refs.sh - the documentation is self-contained: every file a
# comment, script, build fragment or document cites exists in the repository.
#
#   <name>.md        a cited Markdown file; a bare name is looked up in the
#                    top directory, in docs/ and beside the citing file; a name
#                    with a directory relative to the top or to the citing file;
#                    an absolute path (an installed copy) by its name in docs/;
#   <name>.md §N.M   (also "section N" or a bare "N.M") the cited file has a
#                    heading that starts with N.M, so a renumbered section is
#                    caught;
#   docs/<path>      any cited path under docs/ exists;
#   tests/<path>     a cited test, script or helper exists: as named, or as
#                    <path>.c, .sh or .py (a test program or script named
#                    without its suffix), or is built by a fragment (a
#                    <canonical name>_SOURCES, or a %reldir% rule); a name
#                    ending in _ or - is a prefix (tests/data/tscred_*) and is
#                    not checked.  The vectors in tests/data cite the test
#                    data of the projects they come from, so they are not
#                    read for this check.
#
# Web addresses (anything after "//") are not checked.  Run by `make check`
# with $top_srcdir; by hand: tests/style/doc_refs.sh [TOP].
srcdir=${1:-${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}}
cd "$srcdir" || exit 99
tmp=$(mktemp) || exit 99
trap 'rm -f "$tmp"' EXIT

md_ref='[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md[`'"'"'"]?[[:space:]]*(§[[:space:]]*[0-9]+(\.[0-9]+)*|section[[:space:]]+[0-9]+(\.[0-9]+)*|[0-9]+\.[0-9]+(\.[0-9]+)*)?'
docs_ref='(^|[^A-Za-z0-9_./-])docs/[A-Za-z0-9_./-]*[A-Za-z0-9_-]'
tests_ref='(^|[^A-Za-z0-9_./-])tests/[A-Za-z0-9_./-]*[A-Za-z0-9_-]'

# The files of the repository that can cite something (no build output).
sources() {
    for f in README.md Makefile.am configure.ac autogen.sh demo.sh credssp.pc.in .clang-format \
        .ci/run; do
        [ -f "$f" ] && echo "$f"
    done
    find base acceptor include pam_credssp examples tests docs -type f \
        ! -path 'tests/fuzz/corpus/*' ! -path '*/.deps/*' ! -path '*/.libs/*' \
        ! -name '*.o' ! -name '*.lo' ! -name '*.la' ! -name '*.log' ! -name '*.trs' \
        ! -name '*.a' ! -name '*.so' 2>/dev/null | sort
}

# resolve FILE NAME: print the path NAME names, cited from FILE; fail if none.
resolve() {
    name=${2#./}
    dir=$(dirname "$1")
    case $name in
    /*) set -- "docs/${name##*/}" ;;              # an installed copy, e.g. /usr/share/doc/...
    */*) set -- "$name" "$dir/$name" ;;
    *) set -- "$name" "docs/$name" "$dir/$name" ;;
    esac
    for c in "$@"; do
        [ -f "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}

# built PATH: a fragment builds PATH (a program or library with a
# <canonical name>_SOURCES, or a rule %reldir%/<name>: in its folder's local.mk).
built() {
    canon=$(printf '%s' "$1" | sed 's/[^A-Za-z0-9_]/_/g')
    grep -qE "^${canon}_SOURCES[[:space:]]*=" $fragments && return 0
    [ -f "$(dirname "$1")/local.mk" ] && grep -qF "%reldir%/$(basename "$1"):" "$(dirname "$1")/local.mk"
}

fragments=$(sources | grep -E '(\.mk|Makefile\.am)$')
nfiles=0
nrefs=0
for f in $(sources); do
    nfiles=$((nfiles + 1))
    grep -InoE "$md_ref" "$f" 2>/dev/null | while IFS= read -r hit; do
        line=${hit%%:*}
        ref=${hit#*:}
        case $ref in //*) continue ;; esac
        name=${ref%%.md*}.md
        rest=${ref#*.md}
        sec=$(printf '%s' "$rest" | sed -nE 's/^[^0-9]*([0-9]+(\.[0-9]+)*).*$/\1/p')
        echo ref >>"$tmp"
        if ! target=$(resolve "$f" "$name"); then
            echo "FAIL $f:$line: cites $name, which is not in the repository"
            continue
        fi
        if [ -n "$sec" ]; then
            pat=$(printf '%s' "$sec" | sed 's/\./\\./g')
            if ! grep -qE "^#+[[:space:]]+$pat([.[:space:]]|$)" "$target"; then
                echo "FAIL $f:$line: cites $name §$sec; $target has no heading $sec"
            fi
        fi
    done
    grep -InoE "$docs_ref" "$f" 2>/dev/null | while IFS= read -r hit; do
        line=${hit%%:*}
        path=$(printf '%s' "${hit#*:}" | sed -E 's,^[^d]*(docs/),\1,; s/[.]+$//')
        echo ref >>"$tmp"
        [ -e "$path" ] || echo "FAIL $f:$line: cites $path, which is not in the repository"
    done
    case $f in tests/data/*) continue ;; esac
    grep -InoE "$tests_ref" "$f" 2>/dev/null | while IFS= read -r hit; do
        line=${hit%%:*}
        path=$(printf '%s' "${hit#*:}" | sed -E 's,^[^t]*(tests/),\1,; s/[.]+$//')
        case $path in *_ | *-) continue ;; esac
        echo ref >>"$tmp"
        for c in "$path" "$path.c" "$path.sh" "$path.py" "${path%.la}.c"; do
            [ -e "$c" ] && continue 2
        done
        built "$path" ||
            echo "FAIL $f:$line: cites $path, which is not in the repository and no fragment builds"
    done
done >"$tmp.out"
nrefs=$(wc -l <"$tmp")
if [ -s "$tmp.out" ]; then
    cat "$tmp.out"
    echo "$(grep -c '^FAIL' "$tmp.out") broken citation(s) in $nfiles files"
    rm -f "$tmp.out"
    exit 1
fi
rm -f "$tmp.out"
if [ "$nfiles" -lt 50 ] || [ "$nrefs" -lt 20 ]; then
    echo "FAIL: only $nfiles files and $nrefs citations found (run from the source tree?)"
    exit 1
fi
echo "$nrefs citations in $nfiles files, all in the repository"
exit 0
