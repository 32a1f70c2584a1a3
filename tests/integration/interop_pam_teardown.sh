#!/bin/sh
# interop_pam_teardown.sh - credssp-server --pam-service --pam-session with a
# real PAM stack under pam_wrapper (docs/TESTING.md §1) whose authenticate,
# acct_mgmt, setcred(PAM_ESTABLISH_CRED) and open_session succeed but whose
# pam_setcred(PAM_DELETE_CRED) at session close fails (PAM_CRED_ERR, from the
# test module tests/integration/pam_failcred.c).
#  1. the login's verdict comes from the login steps: EUA 00000000, report
#     outcome ok, pam ok; the failed clean-up is reported on its own,
#     "pam_teardown":"delete_cred:PAM_CRED_ERR" in the JSON report, and
#     pam_teardown=delete_cred:PAM_CRED_ERR in the human line (no --json);
#  2. control: the same module failing setcred(PAM_ESTABLISH_CRED) too
#     (argument "establish") still refuses the login (pam_denied, EUA denied).
# Client: spnego_client.py (NTLM, HYBRID_EX).
. "$(dirname "$0")/interop_lib.sh"
il_init pamteardown
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
FAILCRED=$top_builddir/tests/integration/.libs/pam_failcred.so
il_need timeout hostname "$MATRIX" "$FAILCRED"
il_spnego_setup
printf 'alice:alicepw:credssp-test\n' >"$T/passdb"
# stack ARGS: the service file, pam_failcred with ARGS
stack() {
    mkdir -p "$T/pam"
    cat >"$T/pam/credssp-test" <<EOS
auth required $MATRIX passdb=$T/passdb
auth required $FAILCRED $1
account required $MATRIX passdb=$T/passdb
session required pam_permit.so
EOS
}
IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam"

# 1. only the teardown fails: the login stands.
stack ""
il_server td --ntlm-keyfile "$T/keys" --pam-service credssp-test --pam-session
il_spnego login
il_server_stop
[ "$RC" = 0 ] || il_fail "login with a failing delete-credentials: client exit $RC"
grep -qx "eua: 00000000" "$T/login.out" || il_fail "no EUA success"
il_expect_json "$T/td.json" 1 outcome=ok pam=ok eua=0 pam_teardown=delete_cred:PAM_CRED_ERR
il_ok "delete-credentials failure after the login: outcome ok, pam_teardown delete_cred:PAM_CRED_ERR"

# the human report line (no --json) carries it as well
IL_SERVER_JSON=
il_server tdh --ntlm-keyfile "$T/keys" --pam-service credssp-test --pam-session
unset IL_SERVER_JSON
il_spnego loginh
il_server_stop
[ "$RC" = 0 ] || il_fail "second login: client exit $RC"
grep -q '^credssp-server: peer=.* outcome=ok pam=ok pam_teardown=delete_cred:PAM_CRED_ERR eua=0 ' \
    "$T/tdh.log" || il_fail "the human report line lacks pam_teardown"
il_ok "human report line: outcome=ok pam=ok pam_teardown=delete_cred:PAM_CRED_ERR"

# 2. control: setcred(ESTABLISH) failing is still a refusal.
stack establish
il_server est --ntlm-keyfile "$T/keys" --pam-service credssp-test --pam-session
il_spnego refused
il_server_stop
grep -qx "eua: 05000000" "$T/refused.out" || il_fail "establish failure: no EUA access denied"
il_expect_json "$T/est.json" 1 outcome=pam_denied eua=5
il_ok "setcred(ESTABLISH) failure: pam_denied"
exit 0
