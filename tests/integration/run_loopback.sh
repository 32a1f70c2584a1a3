#!/bin/sh
# tests/integration/run_loopback.sh: run test_loopback with a throwaway MIT KDC.
#
# Starts realm TEST.LOCAL with mkrealm.sh (alice/alicepw, keytab with
# TERMSRV/localhost; it picks a free port), gets alice's TGT, exports KRB5_CONFIG,
# KRB5CCNAME and CSSP_TEST_KEYTAB, runs the cmocka binary and stops the KDC
# by its pid on every exit path.  Without a working KDC the Kerberos cases
# skip and the NTLM cases still run.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
bin=$builddir/tests/integration/test_loopback
mkrealm=$srcdir/tests/integration/mkrealm.sh

work=$(mktemp -d /tmp/cssp-loopback-krb-XXXXXX) || exit 99
KDC_PID=
cleanup() {
    # krb5kdc may write its pid file a moment after it daemonised
    if [ -z "$KDC_PID" ] && [ -d "$work/realm" ]; then
        i=0
        while [ ! -s "$work/realm/kdc.pid" ] && [ $i -lt 20 ]; do
            sleep 0.1; i=$((i + 1))
        done
        [ -s "$work/realm/kdc.pid" ] && KDC_PID=$(cat "$work/realm/kdc.pid")
    fi
    if [ -n "$KDC_PID" ]; then
        kill "$KDC_PID" 2>/dev/null
        # wait until it is gone so the port and the directory are free
        i=0
        while kill -0 "$KDC_PID" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1; i=$((i + 1))
        done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

start_kdc() {
    [ -f "$mkrealm" ] || return 1
    # mkrealm.sh picks a free port itself and retries when it loses a race
    if sh "$mkrealm" "$work/realm" > "$work/env.sh" 2> "$work/mkrealm.err"; then
        . "$work/env.sh"
        export KRB5_CONFIG KRB5CCNAME
        unset KRB5_KDC_PROFILE
        return 0
    fi
    return 1
}

if start_kdc; then
    keytab=$(dirname "$KRB5_CONFIG")/service.keytab
    if echo alicepw | kinit alice >/dev/null 2>"$work/kinit.err"; then
        export CSSP_TEST_KEYTAB="$keytab"
    else
        echo "run_loopback: kinit failed, Kerberos cases skip:" >&2
        cat "$work/kinit.err" >&2
    fi
else
    echo "run_loopback: no KDC (mkrealm.sh missing or failing), Kerberos cases skip" >&2
    [ -f "$work/mkrealm.err" ] && cat "$work/mkrealm.err" >&2
fi

# LeakSanitizer (sanitizer builds): known leaks of system libraries only.
supp=$work/lsan.supp
: > "$supp"
for f in "$srcdir/tests/lsan.supp" "$srcdir/tests/integration/lsan-client.supp"; do
    [ -f "$f" ] && cat "$f" >> "$supp"
done
case "${LSAN_OPTIONS:-}" in
*suppressions=*)
    old=$(printf '%s\n' "$LSAN_OPTIONS" | sed -n 's/.*suppressions=\([^:]*\).*/\1/p')
    [ -f "$old" ] && cat "$old" >> "$supp"
    ;;
esac
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$supp"
# OpenSSL has no frame pointers: without slow unwinding the leak stacks stop
# at CRYPTO_zalloc and the suppressions above cannot match.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

"$bin" "$@"
exit $?
