#!/bin/sh
# interop_pam_tmp.sh - a server under pam_wrapper keeps its PAM configuration
# whatever other pam_wrapper processes do in /tmp.
# pam_wrapper 1.1.4 copies PAM_WRAPPER_SERVICE_DIR to /tmp/pam.X at start,
# choosing X with "lstat says free, then mkdir" (no O_EXCL-like claim): two
# processes starting together can share one directory (seen 90 times in a
# burst of 6-way concurrent starts), and the first to exit removes it with
# everything in it.  The server's next pam_start then fails (PAM 26, EUA
# denied): a failure of whichever PAM test was unlucky.  il_server therefore
# starts pam_wrapper servers with a private /tmp (private_tmp.sh).
# The test does what the other process's exit does - removes the directory
# whose pid file names our server - and a login must still succeed.
. "$(dirname "$0")/interop_lib.sh"
il_init pamtmp
il_need timeout hostname /usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
il_private_tmp_works || il_skip "needs root and mount namespaces (unshare)"
il_spnego_setup
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
mkdir -p "$T/pam"
printf 'alice:alicepw:credssp-test\n' >"$T/passdb"
printf 'auth required %s passdb=%s\naccount required %s passdb=%s\n' \
    "$MATRIX" "$T/passdb" "$MATRIX" "$T/passdb" >"$T/pam/credssp-test"
IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam"
il_server tmp --ntlm-keyfile "$T/keys" --pam-service credssp-test
IL_SERVER_WRAP=
REMOVED=0
for d in /tmp/pam.?; do
    if [ "$(cat "$d/pid" 2>/dev/null)" = "$SRV_PID" ]; then
        rm -rf "$d"
        REMOVED=1
    fi
done
il_spnego login
[ "$RC" = 0 ] || il_fail "login after the shared-directory removal: exit $RC (removed: $REMOVED)"
grep -qx "eua: 00000000" "$T/login.out" || il_fail "no EUA success"
il_expect_json "$T/tmp.json" 1 outcome=ok pam=ok eua=0
il_server_stop
[ "$REMOVED" = 0 ] || il_fail "the server's pam_wrapper directory was visible in /tmp"
il_ok "pam_wrapper directory private to the server: PAM still configured"
exit 0
