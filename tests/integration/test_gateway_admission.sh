#!/bin/sh
# test_gateway_admission.sh - credssp-gateway (default admission options) in
# front of Debian's xrdp 0.9.21 under idle-socket attack (docs/ADMISSION.md,
# issue 11): 400 idle connections from 127.0.0.2-127.0.0.5, re-opened as soon
# as they are dropped (admission_load.py attack), while 10 full NLA logins
# from 127.0.0.1 (SPNEGO(NTLM), CredSSP v6, HYBRID_EX, alternately TLS 1.3
# and TLS 1.2) run one after the other: at least 9 must get EUA 00000000
# (the gateway admitted them and went on to xrdp) within 5 s each.  Before
# admission control the listener paused at 64 connections and none did.
# Bounded: the attack runs at most 40 s (it stops once the logins are
# done), every client has a timeout.
. "$(dirname "$0")/gateway_lib.sh"
gw_init gateway-admission
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || gw_skip "python3-gssapi / cryptography missing"
[ -e /usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so ] || ls /etc/gss/mech.d/*ntlm* >/dev/null 2>&1 ||
    gw_skip "gss-ntlmssp not installed"
gw_need hostname
ulimit -n 4096 2>/dev/null || true
[ "$(ulimit -n)" -ge 2048 ] || gw_skip "ulimit -n $(ulimit -n) < 2048"
"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.5",0))' 2>/dev/null ||
    gw_skip "cannot bind 127.0.0.5"
LOAD=$top_srcdir/tests/integration/admission_load.py
gw_make_user
printf '%s\n' "$GW_PASS" | "$KEYADD" "$T/keys" "$GW_USER" TESTDOM || gw_fail "keyfile_add"
gw_xrdp_configs unix
gw_pam_stack plain
gw_start_xrdp
HOST=$(hostname)
printf 'TESTDOM:%s:%s\n' "$GW_USER" "$GW_PASS" >"$T/ntlm_users"

gw_gateway gw --ntlm-keyfile "$T/keys"
NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD="$GW_PASS" timeout 120 "$PY" "$LOAD" siege \
    --port "$PORT" --per-addr 100 --seconds 40 --user "$GW_USER" --domain TESTDOM \
    --target "TERMSRV@$HOST" --count 10 --tls 1.3,1.2 --limit-ms 5000 \
    --min-ok 9 --min-peak 400 >"$T/logins.out" 2>&1
rc=$?
cat "$T/logins.out"
[ "$rc" = 0 ] || gw_fail "$(grep '^verdict:' "$T/logins.out" || echo "siege exit $rc")"
ok=$(sed -n 's/^summary: ok_within_limit=\([0-9]*\) .*/\1/p' "$T/logins.out")
grep '"peer":"127.0.0.[2-5]:' "$T/gw.json" | grep -q '"outcome":"timeout"' ||
    gw_fail "no attacker connection timed out"
grep '"peer":"127.0.0.[2-5]:' "$T/gw.json" | grep -q '"eua":0' &&
    gw_fail "an attacker connection was admitted"
gw_gateway_stop
[ "$GW_RC" = 0 ] || gw_fail "SIGTERM: exit $GW_RC"
gw_ok "$ok of 10 NLA logins (TLS 1.3 / 1.2) through the gateway within 5 s under 400 idle connections"
exit 0
