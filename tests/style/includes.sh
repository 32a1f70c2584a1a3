#!/bin/sh
# tests/style/includes.sh - which folder may include which headers
# (docs/DEVELOPMENT.md, "Layout").  The build puts every layer folder on the
# include path, so the compiler does not enforce the layering; this does.
# A folder may include the headers of the folders listed for it (its own
# first), include/*.h and system headers:
#
#   include/            (installed headers: nothing of ours but include/)
#   base/               base
#   acceptor/codec/     codec, base
#   acceptor/keys/      keys, base
#   acceptor/engine/    engine, keys, codec, base
#   acceptor/handoff/   handoff, codec, base
#   acceptor/pam/       pam, handoff, codec, base
#   pam_credssp/        pam_credssp, handoff, keys, codec, base (what it links)
#   examples/common/    examples/common, base (the front-end base)
#   examples/X/         examples/X, examples/common, base (never another program's)
#   examples/minimal/   examples/minimal (the public API only, as an example should)
#
# A use outside the rule fails unless it is listed in DEBT below; a listed
# use that has gone is reported so the list can shrink.  tests/ may use
# anything (white-box tests).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$srcdir" || exit 99

# file:header uses outside the rule that exist today.
DEBT=""

# allowed FILE: the folders whose headers FILE may include.
allowed() {
    case $1 in
    include/*) echo "include" ;;
    base/*) echo "base include" ;;
    acceptor/codec/*) echo "acceptor/codec base include" ;;
    acceptor/keys/*) echo "acceptor/keys base include" ;;
    acceptor/engine/*) echo "acceptor/engine acceptor/keys acceptor/codec base include" ;;
    acceptor/handoff/*) echo "acceptor/handoff acceptor/codec base include" ;;
    acceptor/pam/*) echo "acceptor/pam acceptor/handoff acceptor/codec base include" ;;
    pam_credssp/*) echo "pam_credssp acceptor/handoff acceptor/keys acceptor/codec base include" ;;
    examples/minimal/*) echo "examples/minimal include" ;;   # the public API only
    examples/common/*) echo "examples/common base include" ;;
    examples/*/*) d=${1#examples/}; echo "examples/${d%%/*} examples/common base include" ;;
    examples/*) echo "examples base include" ;;
    *) echo "" ;;
    esac
}

# Our folders that hold headers.
ours=$(find include base acceptor pam_credssp examples -name '*.h' -exec dirname {} \; | sort -u)
[ -n "$ours" ] || { echo "FAIL: no headers found"; exit 1; }

# owner HEADER: the folders of ours that hold a header of that name.
owner() {
    for d in $ours; do
        [ -f "$d/$1" ] && echo "$d"
    done
}

is_in() { printf '%s\n' "$2" | grep -qxF -- "$1"; }

# Headers a file includes with "..." or <...> (names only, as written).
included() {
    sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">].*/\1/p' "$1"
}

status=0
found=""
for f in $(find include base acceptor pam_credssp examples -name '*.[ch]' | sort); do
    ok=$(allowed "$f")
    for h in $(included "$f"); do
        [ "${h##*/}" = "$h" ] || continue           # <openssl/ssl.h>, <security/...>
        homes=$(owner "$h")
        [ -n "$homes" ] || continue                 # a system header
        good=0
        for d in $homes; do
            for a in $ok; do
                [ "$d" = "$a" ] && good=1
            done
        done
        [ "$good" = 1 ] && continue
        found="$found $f:$h"
        if ! is_in "$f:$h" "$DEBT"; then
            echo "FAIL $f: includes $h from $(echo $homes); ${f%/*}/ may use: $ok" \
                "(docs/DEVELOPMENT.md, \"Layout\")"
            status=1
        fi
    done
done

for d in $DEBT; do
    is_in "$d" "$(printf '%s\n' $found)" ||
        echo "note: $d is no longer used; remove it from DEBT in tests/style/includes.sh"
done
[ "$status" -eq 0 ] && echo "includes follow the layout rule ($(echo $DEBT | wc -w) known exceptions)"
exit "$status"
