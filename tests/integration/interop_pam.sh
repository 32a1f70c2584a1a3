#!/bin/sh
# interop_pam.sh - credssp-server --pam-service with a private PAM stack
# (pam_wrapper + pam_matrix, docs/TESTING.md §1): the delegated password goes to
# PAM on a worker thread and the verdict becomes the HYBRID_EX Early User
# Authorization Result (MS-RDPBCGR 2.2.10.2).
#  1. pam_matrix knows alice/alicepw: JSON pam "ok", EUA 00000000;
#  2. pam_matrix has another password: JSON pam_denied, pam "authenticate:7"
#     (PAM_AUTH_ERR), the client reads EUA 05000000 (access denied).
# Client: spnego_client.py, SPNEGO(NTLM), requests 0x0B.
#  3. (if xfreerdp is installed) xfreerdp +auth-only, HYBRID: its MCS Connect
#     Initial arrives while PAM runs and is kept for the mcs ending: JSON pam
#     "ok", the client is logged off (131, ERRINFO_LOGOFF_BY_USER).
. "$(dirname "$0")/interop_lib.sh"
il_init pam
il_need timeout hostname /usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
"$PY" -c 'import gssapi, cryptography' 2>/dev/null || il_skip "python3-gssapi / cryptography missing"
MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
# Time limits are hang guards only, far above what load does to this test
# (docs/DEVELOPMENT.md, the interop_pam.sh flake: at load 20-28 one login's
# CredSSP took 5.9 s and the python client over 20 s, so `timeout 20` killed
# a client that had already printed "result: ok").  The test checks PAM
# verdicts, not deadlines (server_basics.sh, server_faults.sh and
# test_admission.sh do): every server deadline is 120 s here.
GUARD=180
DEADLINES="--timeout 120000 --pam-timeout 120000 --x224-timeout 120000 --step-timeout 120000"
il_keyfile "$T/keys" alice TESTDOM alicepw
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_users"
HOST=$(hostname)

# pam_stack NAME PAM_PASSWORD: a one-user pam_matrix stack; the server starts with it
pam_stack() {
    mkdir -p "$T/pam-$1"
    printf 'alice:%s:credssp-test\n' "$2" >"$T/pam-$1.passdb"
    cat >"$T/pam-$1/credssp-test" <<EOF
auth required $MATRIX passdb=$T/pam-$1.passdb
account required $MATRIX passdb=$T/pam-$1.passdb
EOF
    printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam-$1/other"
    IL_SERVER_WRAP="env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam-$1"
    # shellcheck disable=SC2086
    il_server "$1" --ntlm-keyfile "$T/keys" --connections 1 --pam-service credssp-test $DEADLINES
    IL_SERVER_WRAP=
}

# run_case NAME PAM_PASSWORD: server with that stack, one spnego_client run
run_case() {
    pam_stack "$1" "$2"
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout "$GUARD" "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user alice --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
        >"$T/$1.out" 2>&1
    CL_RC=$?
    il_server_wait
}

run_case allow alicepw
[ "$CL_RC" = 0 ] || il_fail "client exit $CL_RC"
grep -qx "eua: 00000000" "$T/allow.out" || il_fail "no EUA success"
il_expect_json "$T/allow.json" 1 outcome=ok pam=ok eua=0 user=alice cred_type=password
il_ok "PAM accepts: EUA 00000000"

run_case deny some-other-password
[ "$CL_RC" = 2 ] || il_fail "client exit $CL_RC, expected 2 (EUA denied)"
grep -qx "eua: 05000000" "$T/deny.out" || il_fail "no EUA access denied"
il_expect_json "$T/deny.json" 1 outcome=pam_denied pam=authenticate:7 eua=5 delivered=true
il_ok "PAM refuses: EUA 05000000"

if command -v xfreerdp >/dev/null 2>&1; then
    il_xvfb
    il_keyfile "$T/keys" alice "" alicepw
    pam_stack xf alicepw
    timeout "$GUARD" xfreerdp "/v:127.0.0.1:$PORT" /sec:nla /cert:ignore +auth-only /u:alice \
        /p:alicepw >"$T/xfreerdp.out" 2>&1
    XF_RC=$?
    il_server_wait
    [ "$XF_RC" = 131 ] || il_fail "xfreerdp exit $XF_RC, expected 131"
    grep -q ERRINFO_LOGOFF_BY_USER "$T/xfreerdp.out" || il_fail "xfreerdp not logged off"
    il_expect_json "$T/xf.json" 1 outcome=ok pam=ok ending=mcs protocol=hybrid
    il_ok "xfreerdp with PAM: pam ok, logged off"
fi
exit 0
