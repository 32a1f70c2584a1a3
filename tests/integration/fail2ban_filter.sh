#!/bin/sh
# fail2ban_filter.sh - examples/fail2ban/filter.d/credssp-server.conf against
# the server's real audit output (fail2ban-regex, Debian package fail2ban).
#  1. three wrong passwords from 127.0.0.1 and one from ::1 match (hosts
#     127.0.0.1 x3, ::1 x1); a good login and a bare close do not;
#  2. client text later in the line cannot choose the address: a copy of a
#     real failure line whose user field carries "peer=10.9.8.7:1 outcome=
#     logon_failure" (escaped as the server escapes names) still bans only
#     its own peer (192.0.2.1 in the copy), never 10.9.8.7.
. "$(dirname "$0")/interop_lib.sh"
il_init f2b
il_need timeout hostname fail2ban-regex
il_spnego_setup
FILTER=$top_srcdir/examples/fail2ban/filter.d/credssp-server.conf
[ -f "$FILTER" ] || il_fail "missing $FILTER"

# bad TAG USER [HOSTARGS]: a login with a wrong password (expects errorCode)
bad() {
    printf 'TESTDOM:%s:wrongpw\n' "$2" >"$T/ntlm_$1"
    shift 2
    NTLM_USER_FILE="$T/ntlm_$_t" CSSP_PASSWORD=wrongpw timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user "$_u" --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B "$@" \
        >"$T/$_t.out" 2>&1
}
il_server v4 --ntlm-keyfile "$T/keys"
for i in 1 2 3; do _t=bad$i _u=alice bad "bad$i" alice; done
il_spnego good
[ "$RC" = 0 ] || il_fail "good login: exit $RC"
"$PY" -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.close()' "$PORT"
sleep 0.5
il_server_stop
il_server v6 --ntlm-keyfile "$T/keys" --listen '[::1]:0'
_t=bad6 _u=alice bad bad6 alice --host ::1
il_server_stop
cat "$T/v4.log" "$T/v6.log" | grep '^credssp\[' >"$T/audit.log"
grep -m1 'outcome=logon_failure' "$T/v4.log" |
    sed 's/peer=127\.0\.0\.1:/peer=192.0.2.1:/; s/ user=- / user=peer=10.9.8.7:1\\x20outcome=logon_failure /' \
        >>"$T/audit.log"
grep -q 'user=peer=10.9.8.7:1' "$T/audit.log" || il_fail "could not build the injection line"
fail2ban-regex -v "$T/audit.log" "$FILTER" >"$T/f2b.out" 2>&1 || il_fail "fail2ban-regex failed"
grep -E "^(Failregex|Ignoreregex|Lines):" "$T/f2b.out"
# 3 x 127.0.0.1, 1 x ::1, 1 x 192.0.2.1 (the copy); the good login is missed
grep -q "^Failregex: 5 total" "$T/f2b.out" || il_fail "expected 5 matches"
grep -qE "^Lines: [0-9]+ lines, 0 ignored, 5 matched, [0-9]+ missed" "$T/f2b.out" ||
    il_fail "expected 5 matched lines"
# Of the missed lines (the good login, informational lines such as the key
# file's "loaded"), the only audit line is the good login's.
sed -n '/Missed line(s):/,/^`-/p' "$T/f2b.out" >"$T/missed.txt"
[ "$(grep -c 'outcome=' "$T/missed.txt")" = 1 ] && grep -q 'outcome=ok ' "$T/missed.txt" ||
    il_fail "the good login's line must be the only audit line missed"
[ "$(grep -cE '^\|\s+127\.0\.0\.1\s' "$T/f2b.out")" = 3 ] || il_fail "127.0.0.1 not found 3 times"
[ "$(grep -cE '^\|\s+192\.0\.2\.1\s' "$T/f2b.out")" = 1 ] || il_fail "192.0.2.1 not found once"
[ "$(grep -cE '^\|\s+::1\s' "$T/f2b.out")" = 1 ] || il_fail "::1 not found once"
grep -q "10\.9\.8\.7" "$T/f2b.out" && il_fail "10.9.8.7 would be banned"
il_ok "fail2ban-regex: 127.0.0.1 x3, ::1 x1 from real failures; good login missed; injected address never"

# The gateway prints the same library audit line: the same filter bans its
# failures (jail.d/credssp-gateway.conf).  No xrdp is needed: NTLM fails first.
JAIL=$top_srcdir/examples/fail2ban/jail.d/credssp-gateway.conf
grep -q '^filter *= *credssp-server$' "$JAIL" || il_fail "$JAIL does not use the shared filter"
SERVER=$top_builddir/examples/credssp-gateway
il_server gw --ntlm-keyfile "$T/keys" --backend tcp://127.0.0.1:1
_t=badgw _u=alice bad badgw alice
il_server_stop
grep '^credssp\[' "$T/gw.log" >"$T/gw-audit.log"
fail2ban-regex "$T/gw-audit.log" "$FILTER" >"$T/f2b-gw.out" 2>&1 || il_fail "fail2ban-regex (gateway)"
grep -q "^Failregex: 1 total" "$T/f2b-gw.out" || il_fail "gateway: expected 1 match: $(cat "$T/f2b-gw.out")"
il_ok "the gateway's failed login matches the same filter"
exit 0
