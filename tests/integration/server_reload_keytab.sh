#!/bin/sh
# server_reload_keytab.sh - a keytab replaced by one with a new key version
# (kadmin ktadd: new random key, kvno + 1) serves Kerberos logins after
# SIGHUP, against a throwaway MIT KDC (issue 13):
#  1. login with the first key: ok;
#  2. the KDC gets a new key; a ticket for it against the old keytab fails
#     (so the test can tell the keys apart);
#  3. the keytab file is replaced, SIGHUP: the login with the new key is ok
#     (before the fix a server without an indexed key file had no SIGHUP
#     handler and died of the signal).
. "$(dirname "$0")/interop_lib.sh"
il_init reload-keytab
il_need timeout
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
il_kdc
il_need kadmin.local kdestroy klist
echo alicepw | kinit alice >"$T/kinit.log" 2>&1 || il_fail "kinit alice"
cp "$KEYTAB" "$T/svc.keytab" || il_fail "cp keytab"

il_server kt --keytab "$T/svc.keytab" --timeout 20000
# krb_login TAG: one SPNEGO(Kerberos) login of alice; sets RC.
krb_login() {
    CSSP_PASSWORD=alicepw timeout 20 "$PY" "$top_srcdir/tests/integration/spnego_client.py" \
        --port "$PORT" --mech kerberos --user alice --domain TEST.LOCAL \
        --target TERMSRV@localhost --protocols 0x0B >"$T/$1.out" 2>&1
    RC=$?
}
krb_login first
[ "$RC" = 0 ] || il_fail "login with the first key: exit $RC"
il_ok "Kerberos login with key version 1"

# new random key; a fresh ticket cache so the next service ticket uses it
kadmin.local -q "ktadd -k $T/new.keytab TERMSRV/localhost" >"$T/ktadd.log" 2>&1 ||
    il_fail "kadmin.local ktadd"
kdestroy >/dev/null 2>&1
echo alicepw | kinit alice >>"$T/kinit.log" 2>&1 || il_fail "kinit alice (2)"
krb_login stale
[ "$RC" = 0 ] && il_fail "a ticket for the new key was accepted with the old keytab"
il_ok "old keytab, new key: refused (exit $RC)"

mv "$T/new.keytab" "$T/svc.keytab" || il_fail "mv keytab"
kill -HUP "$SRV_PID"
for _ in $(seq 1200); do grep -q "SIGHUP: certificate, key" "$IL_SERVER_LOG" && break; sleep 0.1; done
krb_login fresh
[ "$RC" = 0 ] || il_fail "login with the new key after SIGHUP: exit $RC"
grep -qx "eua: 00000000" "$T/fresh.out" || il_fail "no EUA success"
grep -q "SIGHUP: certificate, key" "$IL_SERVER_LOG" || il_fail "no reload logged"
il_ok "keytab replaced + SIGHUP: Kerberos login with the new key version"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC"
exit 0
