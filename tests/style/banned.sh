#!/bin/sh
# tests/style/banned.sh - no banned C functions in shipped code (docs/DEVELOPMENT.md).
#
# strcpy, strcat, sprintf, vsprintf, gets, atoi, atol, atoll, strtok, alloca
# (in shipped code and in the tests)
# are unbounded or unchecked; use snprintf, strtol/strtoul with checks, the
# bounded writer (base/buf.h).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
pattern='(^|[^_a-zA-Z0-9])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|alloca)[[:space:]]*\('
# The tests at any depth (tests/unit/acceptor/<layer>/ mirrors acceptor/).
hits=$(cd "$srcdir" && grep -nE "$pattern" base/*.[ch] acceptor/*/*.[ch] pam_credssp/*.c \
    $(find tests -name '*.[ch]' ! -path 'tests/fuzz/corpus/*' | sort) \
    include/*.h examples/*/*.c examples/*.c 2>/dev/null | grep -vE '^\S+:[0-9]+:\s*(/\*|\*)')
if [ -n "$hits" ]; then
    echo "banned functions found:"
    echo "$hits"
    exit 1
fi
echo "no banned functions"
exit 0
