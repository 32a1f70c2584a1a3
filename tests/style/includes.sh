#!/bin/sh
# tests/style/includes.sh - which folder may include which headers
# (docs/DEVELOPMENT.md, "Layout").  The build puts acceptor/ on every include
# path, so the compiler does not enforce the rule; this does:
#
#   acceptor/      its own headers and include/*.h
#   include/       include/*.h and system headers (installed headers)
#   pam_credssp/   include/*.h and its own headers
#   examples/common/           include/*.h and its own headers
#   examples/server, gateway/  include/*.h, their own and examples/common/ headers;
#                              never each other's
#   examples/minimal/, examples/credssp-keyfile.c   include/*.h only
#
# A private acceptor header in pam_credssp/ or examples/ fails the test unless
# it is one of the known uses listed in DEBT below (issue 14 removes them); a
# listed use that has gone is reported so the list can shrink.  tests/ may use
# anything (white-box tests).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$srcdir" || exit 99

# file:header uses of private acceptor headers that exist today.
DEBT="
examples/gateway/backend.h:buf.h
examples/gateway/infopdu.c:utf16.h
examples/gateway/infopdu.h:buf.h
examples/gateway/mcsfix.h:buf.h
examples/common/json.h:buf.h
examples/common/mcs.h:buf.h
examples/common/x224.h:buf.h
pam_credssp/enroll.c:keyfile.h
pam_credssp/identity.c:account_domain.h
pam_credssp/identity.c:keyfile.h
"

status=0
private=$(find acceptor -name '*.h' | sed 's,.*/,,' | sort -u)
public=$(find include -name '*.h' | sed 's,.*/,,' | sort -u)
[ -n "$private" ] && [ -n "$public" ] || { echo "FAIL: no headers found"; exit 1; }

is_in() { printf '%s\n' "$2" | grep -qxF -- "$1"; }

# Headers a file includes with "..." or <...> (names only, as written).
included() {
    sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">].*/\1/p' "$1"
}

found=""
for f in $(find acceptor include pam_credssp examples -name '*.[ch]' | sort); do
    dir=$(dirname "$f")
    for h in $(included "$f"); do
        base=${h##*/}
        case $f in
        include/*)
            if is_in "$h" "$private"; then
                echo "FAIL $f: includes acceptor/$h; an installed header may use only include/*.h"
                status=1
            fi
            ;;
        acceptor/*)
            : # its own headers and the public ones; nothing else of ours exists
            ;;
        *)
            [ "$base" = "$h" ] || continue          # <openssl/ssl.h>, <security/...>
            case $f in
            examples/minimal/* | examples/credssp-keyfile.c)
                if ! is_in "$h" "$public" && [ -n "$(find acceptor examples -name "$h")" ]; then
                    echo "FAIL $f: includes $h; this example may use only include/*.h"
                    status=1
                fi
                continue
                ;;
            examples/server/*) other=examples/gateway ;;
            examples/gateway/*) other=examples/server ;;
            *) other="" ;;
            esac
            if [ -n "$other" ] && [ -f "$other/$h" ] && ! [ -f "$dir/$h" ]; then
                echo "FAIL $f: includes $other/$h; share it through examples/common/ instead"
                status=1
            fi
            [ -f "$dir/$h" ] && continue            # a header beside the file
            is_in "$h" "$public" && continue
            case $f in examples/*) [ -f "examples/common/$h" ] && continue ;; esac
            if is_in "$h" "$private"; then
                found="$found $f:$h"
                if ! is_in "$f:$h" "$DEBT"; then
                    echo "FAIL $f: includes acceptor/$h, a private header of the library" \
                        "(use include/*.h; see docs/DEVELOPMENT.md)"
                    status=1
                fi
            fi
            ;;
        esac
    done
done

for d in $DEBT; do
    is_in "$d" "$(printf '%s\n' $found)" ||
        echo "note: $d is no longer used; remove it from DEBT in tests/style/includes.sh"
done
[ "$status" -eq 0 ] && echo "includes follow the layout rule ($(echo $DEBT | wc -w) known exceptions)"
exit "$status"
