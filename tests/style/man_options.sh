#!/bin/sh
# tests/style/man_options.sh - every option a program accepts is in its manual
# page, and every option the page documents is one the program accepts.
#
# The list of options is taken from the built program's own --help (-h for
# credssp-keyfile), never from the sources, so moving the option tables
# between files changes nothing here.  An option is the first column of a
# help line that starts with blanks and a dash ("--cert PEM --key PEM" gives
# --cert and --key; "-f FILE" gives -f).  The page man/<program>.8.scd
# mentions an option when it has it in bold: *--cert* (scdoc markup).
#
#   missing   an option of --help that the page never names in bold;
#   stale     a bold *--option* of the page that --help does not list
#             (an option renamed or dropped).
#
# Needs the built tree ($top_builddir, set by `make check`); by hand:
# top_builddir=build/dev tests/style/man_options.sh
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
status=0
total=0

# help_options PROGRAM FLAG: the options in the first column of its help.
help_options() {
    "$1" "$2" >"$tmp/help" 2>&1 || { echo "FAIL: $1 $2 exited $?" >&2; return 1; }
    sed -nE 's/^[[:space:]]+(-[^[:space:]].*)$/\1/p' "$tmp/help" |
        sed -E 's/[[:space:]]{2,}.*$//' | tr ' ,' '\n\n' |
        grep -E '^--?[A-Za-z0-9][A-Za-z0-9-]*$' | sort -u
}

# page_options PAGE: the options the page sets in bold (*--x* or *-x*).
page_options() {
    grep -oE '\*--?[A-Za-z0-9][A-Za-z0-9-]*\*' "$1" | tr -d '*' | sort -u
}

for spec in examples/credssp-server:--help examples/credssp-gateway:--help \
    examples/credssp-keyfile:-h; do
    prog=${spec%%:*}
    flag=${spec#*:}
    name=${prog##*/}
    page=$srcdir/man/$name.8.scd
    [ -x "$builddir/$prog" ] || { echo "FAIL: $builddir/$prog not built"; status=1; continue; }
    [ -f "$page" ] || { echo "FAIL: $page missing"; status=1; continue; }
    help_options "$builddir/$prog" "$flag" >"$tmp/accepted" || { status=1; continue; }
    n=$(wc -l <"$tmp/accepted")
    # A help text the extraction no longer understands must not pass empty.
    if [ "$n" -lt 2 ]; then
        echo "FAIL: $name $flag: only $n option(s) found in its help"
        status=1
        continue
    fi
    total=$((total + n))
    page_options "$page" >"$tmp/documented"
    for opt in $(comm -23 "$tmp/accepted" "$tmp/documented"); do
        echo "FAIL: $name accepts $opt; man/$name.8.scd does not document it"
        status=1
    done
    for opt in $(comm -13 "$tmp/accepted" "$tmp/documented"); do
        echo "FAIL: man/$name.8.scd documents $opt; $name $flag does not list it"
        status=1
    done
done
[ "$status" -eq 0 ] && echo "$total options of 3 programs, each in its manual page"
exit $status
