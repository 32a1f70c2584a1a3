#!/bin/sh
# server_keyfile_unreadable.sh - the NTLM key file becomes unreadable
# (issue 11, "key file missing or unreadable mid-run").  CI runs as root, and
# root reads a mode-000 file anyway, so the server runs as an unprivileged
# user (setpriv, uid/gid 65534) and the file's permissions really bite:
#  1. unreadable at start: the server refuses to start (exit status not 0)
#     and says why (Permission denied), instead of serving with no accounts;
#  2. replaced mid-run by an unreadable version that adds bob: the key index
#     logs once "not loaded (Permission denied); keeping the 1 entries loaded
#     before", alice still logs in (the table in use is kept), bob gets
#     logon_failure (errorCode 0xC000006D: his key was never read);
#  3. made readable again: the index loads 2 entries, bob logs in;
#  4. a directory put in its place (unreadable as a key file for root too):
#     "not a regular file", alice still logs in;
#  5. the server is still running and stops cleanly on SIGTERM (exit 0).
# Client: spnego_client.py (NTLM, HYBRID_EX).
. "$(dirname "$0")/interop_lib.sh"
il_init keyunread
[ "$(id -u)" = 0 ] || il_skip "needs root (runs the server as another user with setpriv)"
il_need timeout hostname setpriv
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
il_keyfile "$T/keys" alice TESTDOM alicepw
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_alice"
printf 'TESTDOM:bob:bobpw\n' >"$T/ntlm_bob"
HOST=$(hostname)
NOBODY=65534
AS_NOBODY="setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups"
chmod 1777 "$T"                           # the server writes its port file here
chown "$NOBODY:$NOBODY" "$T/keys"
chmod 600 "$T/keys"
il_keyfile "$T/keys2" alice TESTDOM alicepw
il_keyfile "$T/keys2" bob TESTDOM bobpw
chown "$NOBODY:$NOBODY" "$T/keys2"
# login TAG USER PASSWORD: one login, waited for; sets RC
login() {
    il_login_bg "$@"
    wait "$LPID"
    RC=$?
}
N=0
# next_report KEY=VALUE...: the next report line has these values
next_report() {
    N=$((N + 1))
    for _ in $(seq 1200); do [ "$(il_lines "$T/unread.json")" -ge "$N" ] && break; sleep 0.1; done
    il_expect_json "$T/unread.json" "$N" "$@"
}
# wait_log TEXT: the server's log says TEXT (its watcher looks once a second)
wait_log() {
    for _ in $(seq 50); do grep -qF "$1" "$IL_SERVER_LOG" && return 0; sleep 0.1; done
    il_fail "no log line: $1"
}

# 1. unreadable at start
chmod 000 "$T/keys"
$AS_NOBODY cat "$T/keys" >/dev/null 2>&1 && il_fail "uid $NOBODY can read a mode-000 file?"
# shellcheck disable=SC2086
timeout 10 $AS_NOBODY "$SERVER" --listen 127.0.0.1:0 --ntlm-keyfile "$T/keys" >"$T/start.out" 2>"$T/start.log"
START_RC=$?
if [ "$START_RC" = 0 ] || [ "$START_RC" = 124 ]; then
    il_fail "server with an unreadable key file: exit $START_RC"
fi
grep -q "Permission denied" "$T/start.log" || il_fail "no reason given at start: $(cat "$T/start.log")"
il_ok "unreadable at start: exit $START_RC, $(grep -m1 "Permission denied" "$T/start.log")"

# 2. readable at start, replaced by an unreadable version mid-run
chmod 600 "$T/keys"
IL_SERVER_WRAP=$AS_NOBODY
il_server unread --ntlm-keyfile "$T/keys"
IL_SERVER_WRAP=
[ "$(awk '/^Uid:/ { print $2 }' /proc/"$SRV_PID"/status)" = "$NOBODY" ] || il_fail "server not running as uid $NOBODY"
login a1 alice alicepw
[ "$RC" = 0 ] || il_fail "alice before the fault: exit $RC"
next_report outcome=ok user=alice eua=0
chmod 000 "$T/keys2"
mv "$T/keys2" "$T/keys"
wait_log "not loaded (Permission denied); keeping the 1 entries loaded before"
login a2 alice alicepw
[ "$RC" = 0 ] || il_fail "alice with the unreadable key file: exit $RC"
next_report outcome=ok user=alice eua=0
login b1 bob bobpw
[ "$RC" = 4 ] || il_fail "bob with the unreadable key file: exit $RC, expected 4 (errorCode)"
grep -qx "error_code: 0xC000006D" "$T/b1.out" || il_fail "bob: no STATUS_LOGON_FAILURE errorCode"
next_report outcome=logon_failure cookie=bob error_code=0xC000006D
[ "$(grep -c "not loaded (Permission denied)" "$IL_SERVER_LOG")" = 1 ] || il_fail "logged more than once"
il_ok "unreadable mid-run: logged once, the old table serves alice, bob logon_failure"

# 3. readable again
chmod 600 "$T/keys"
wait_log "loaded: 2 entries"
login b2 bob bobpw
[ "$RC" = 0 ] || il_fail "bob after the file became readable: exit $RC"
next_report outcome=ok user=bob eua=0
il_ok "readable again: 2 entries, bob logs in"

# 4. a directory in its place
mv "$T/keys" "$T/keys.file"
mkdir "$T/keys"
wait_log "not loaded (not a regular file); keeping the 2 entries loaded before"
login a3 alice alicepw
[ "$RC" = 0 ] || il_fail "alice with a directory in place of the key file: exit $RC"
next_report outcome=ok user=alice eua=0
il_ok "a directory in place of the key file: logged, the old table serves"

# 5. still running, clean stop
kill -0 "$SRV_PID" 2>/dev/null || il_fail "server gone"
il_server_stop
[ "$SRV_RC" = 0 ] || il_fail "server exit $SRV_RC"
il_ok "server kept serving; SIGTERM exit 0"
exit 0
