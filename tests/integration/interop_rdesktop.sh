#!/bin/sh
# interop_rdesktop.sh - rdesktop 1.9 (CredSSP v2, raw Kerberos GSS token, echo
# binding; docs/TESTING.md §4.2) after kinit alice against a throwaway KDC, server
# with --keytab and --min-version 2.  rdesktop asks on stdin whether to trust
# the certificate ("echo yes |") and has no auth-only mode: bounded by timeout.
# JSON: ok, kerberos, principal alice@TEST.LOCAL, v2; client: "Connection
# established using CredSSP".
#
# rdesktop 1.9 writes its authInfo TSRequest with non-minimal long-form DER
# lengths (30 82 00 94 ...) and NUL-terminated UTF-16 strings in
# TSPasswordCreds; the engine tolerates exactly that for clients at version
# 2-4 (docs/INTEROP.md, tests/unit/acceptor/codec/test_interop.c).
. "$(dirname "$0")/interop_lib.sh"
il_init rdesktop
il_need rdesktop timeout
il_kdc
echo alicepw | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"
il_xvfb

il_server rd --keytab "$KEYTAB" --min-version 2 --connections 1
echo yes | timeout 15 rdesktop -u alice -p alicepw -d TEST.LOCAL "localhost:$PORT" \
    >"$T/rdesktop.out" 2>&1
RD_RC=$?
il_server_wait
echo "rdesktop exit status $RD_RC"
grep -q "Connection established using CredSSP" "$T/rdesktop.out" ||
    il_fail "rdesktop did not start CredSSP"
il_expect_json "$T/rd.json" 1 outcome=ok credssp_version=2 mech=kerberos spnego=false \
    binding=echo principal=alice@TEST.LOCAL cred_type=password delivered=true
il_ok "rdesktop raw Kerberos v2: ok"
exit 0
