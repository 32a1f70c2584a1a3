#!/bin/sh
# interop_spnego_ntlm.sh - SPNEGO(NTLM) CredSSP v6 client (spnego_client.py:
# python3-gssapi + gss-ntlmssp, its credentials from a per-process
# NTLM_USER_FILE) requesting HYBRID_EX (0x0B) against credssp-server.
#
#  1. right password: HYBRID_EX selected, Early User Authorization Result
#     00000000 (MS-RDPBCGR 2.2.10.2), then (server --ending dpum) the MCS
#     Disconnect Provider Ultimatum 03 00 00 09 02 f0 80 21 80; JSON ok, spnego;
#  2. wrong password: errorCode 0xC000006D reaches the client; JSON
#     logon_failure.
# The NTLM target must be TERMSRV@<this host>: gss-ntlmssp's acceptor puts
# MsvAvTargetName TERMSRV/<hostname> into the CHALLENGE and the gss-ntlmssp
# initiator rejects a mismatch (docs/GSSAPI.md §4).
. "$(dirname "$0")/interop_lib.sh"
il_init spnego-ntlm
il_need timeout hostname
il_need_spnego_ntlm
il_keyfile "$T/keys" alice TESTDOM alicepw
HOST=$(hostname)

client() {
    printf 'TESTDOM:alice:%s\n' "$1" >"$T/ntlm_users"
    NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD="$1" timeout 20 "$PY" \
        "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
        --user alice --domain TESTDOM --target "TERMSRV@$HOST" --protocols 0x0B \
        --read-ending >"$T/client.out" 2>&1
    CL_RC=$?
}

il_server good --ntlm-keyfile "$T/keys" --connections 1 --ending dpum
client alicepw
il_server_wait
[ "$CL_RC" = 0 ] || il_fail "spnego_client exit $CL_RC"
grep -qx "selected: 0x8" "$T/client.out" || il_fail "HYBRID_EX not selected"
grep -qx "eua: 00000000" "$T/client.out" || il_fail "no EUA success PDU"
grep -qx "ending: dpum" "$T/client.out" || il_fail "no DPUm ending"
il_expect_json "$T/good.json" 1 outcome=ok protocol=hybrid_ex requested=0x0000000b \
    credssp_version=6 mech=ntlm spnego=true binding=hash cred_type=password delivered=true \
    user=alice domain=TESTDOM 'principal=TESTDOM\alice' eua=0 ending=dpum
il_ok "SPNEGO(NTLM) + HYBRID_EX: EUA 00000000"

il_server bad --ntlm-keyfile "$T/keys" --connections 1
client wrong-password
il_server_wait
[ "$CL_RC" = 4 ] || il_fail "spnego_client exit $CL_RC, expected 4 (errorCode)"
grep -qx "error_code: 0xC000006D" "$T/client.out" || il_fail "client did not get 0xC000006D"
il_expect_json "$T/bad.json" 1 outcome=logon_failure error_code=0xC000006D eua=null
il_ok "SPNEGO(NTLM) wrong password: 0xC000006D"
exit 0
