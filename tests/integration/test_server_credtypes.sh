#!/bin/sh
# tests/integration/test_server_credtypes.sh - issue #6 end to end: credssp-server
# (examples/) with private PAM stacks (pam_wrapper + nss_wrapper) and the
# engine-level client tests/integration/cssp_connect (X.224 flags of our
# choice, TLS + CredSSP with NTLM, then smart-card / Restricted Admin /
# Remote Guard / password credentials).
#
#  1. smart card (MS-CSSP 2.2.1.2.2): the delegated PIN unlocks a SoftHSM2
#     token through pam_p11 (right PIN: EUA 00000000; wrong PIN: EUA
#     05000000, pam authenticate:7); a user hint that is not the NTLM user
#     is refused by the engine before PAM; CREDSSP_SC_* reach the stack, the
#     PIN does not.
#  2. Restricted Admin (MS-RDPBCGR 2.2.1.1.1 / 2.2.1.2.1): with
#     --allow-restricted-admin the RDP_NEG_RSP carries 0x08 and both encodings
#     log in through pam_credssp `trust`; without it the client stops at the
#     negotiation (no retry), and a client that sends the credentials anyway
#     is refused (cred_type_refused).
#  3. Remote Credential Guard: the same with 0x02 / 0x10 and credType 6; a
#     malformed TSRemoteGuardCreds is a protocol error.
#  4. NT-hash enrolment: a password set through PAM (pam_matrix chauthtok +
#     pam_credssp) logs in over NLA with NTLM with no other step; the old one
#     no longer does.
# Exactly one TCP connection per client run (counted in the reports).
. "$(dirname "$0")/interop_lib.sh"
il_init credtypes
[ "$(id -u)" = 0 ] || il_skip "needs root (key file ownership)"
LIBDIR=/usr/lib/x86_64-linux-gnu
MATRIX=$LIBDIR/pam_wrapper/pam_matrix.so
P11MOD=/usr/lib/softhsm/libsofthsm2.so
PAMP11=$(ls /lib/x86_64-linux-gnu/security/pam_p11.so $LIBDIR/security/pam_p11.so 2>/dev/null | head -n1)
il_need "$LIBDIR/libpam_wrapper.so" "$LIBDIR/libnss_wrapper.so" "$MATRIX" "$P11MOD" \
    softhsm2-util pkcs11-tool openssl timeout
[ -n "$PAMP11" ] || il_skip "pam_p11.so missing (apt-get install libpam-p11)"
CONNECT=$top_builddir/tests/integration/cssp_connect
PAMDRV=$top_builddir/tests/integration/pam_credtypes
MODULE=$top_builddir/pam_credssp/.libs/pam_credssp.so
[ -x "$CONNECT" ] && [ -x "$PAMDRV" ] && [ -f "$MODULE" ] || il_fail "build the test programs first"
PIN=739164
PW=alicepw

# ---- users, token, key file ----
. "$top_srcdir/tests/integration/softhsm_lib.sh"
sc_make_token "$T/sc" alice "$PIN" || il_fail "cannot make the SoftHSM2 token"
mkdir -p "$T/home/alice/.eid" "$T/svc" "$T/keys"
chmod 0700 "$T/keys"
cp "$T/sc/cert.pem" "$T/home/alice/.eid/authorized_certificates"
printf 'alice:x:20001:20001:Alice:%s/home/alice:/bin/false\nbob:x:20002:20002:Bob:/nonexistent:/bin/false\n' \
    "$T" > "$T/passwd"
printf 'alice:x:20001:\nbob:x:20002:\n' > "$T/group"
printf 'alice:Before-1:any\n' > "$T/passdb"
chmod 0600 "$T/passdb"
il_keyfile "$T/keys/ntlm.keys" alice TESTDOM "$PW"
printf '#!/bin/sh\nenv > %s/envdump\n' "$T" > "$T/envdump.sh"
chmod 0755 "$T/envdump.sh"
svc() { printf '%s\n' "$2" > "$T/svc/$1"; }
svc sc "auth required pam_exec.so quiet type=auth $T/envdump.sh
auth required $PAMP11 $P11MOD
account required pam_permit.so"
svc trust "auth [success=done ignore=ignore default=die] $MODULE trust keyring=process
auth required pam_deny.so
account required pam_permit.so"
svc passwd_enroll "password requisite $MATRIX passdb=$T/passdb
password required $MODULE keyfile=$T/keys/enrolled.keys"
svc other "auth required pam_deny.so
account required pam_deny.so
password required pam_deny.so"
PAMENV="env LD_PRELOAD=$LIBDIR/libpam_wrapper.so:$LIBDIR/libnss_wrapper.so PAM_WRAPPER=1 \
PAM_WRAPPER_SERVICE_DIR=$T/svc NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
SOFTHSM2_CONF=$T/sc/softhsm2.conf"

# Sanitizer builds: the client's known system-library leaks (gss-ntlmssp
# initiator), with slow unwinding so the suppressions can match.
cat "$top_srcdir/tests/lsan.supp" "$top_srcdir/tests/integration/lsan-client.supp" \
    > "$T/lsan-client.supp" 2>/dev/null
CL_SAN="LSAN_OPTIONS=suppressions=$T/lsan-client.supp ASAN_OPTIONS=fast_unwind_on_malloc=0"

# connect NAME ARGS...: one client run, output in $T/NAME.out, exit in CL_RC.
connect() {
    _n=$1
    shift
    # shellcheck disable=SC2086
    env $CL_SAN CSSP_PASSWORD="${CSSP_PASSWORD:-$PW}" CSSP_PIN="${CSSP_PIN:-$PIN}" timeout 30 \
        "$CONNECT" --port "$PORT" --user alice --domain TESTDOM "$@" >"$T/$_n.out" 2>&1
    CL_RC=$?
}
# expect_rc NAME RC LINE: the run ended with RC and printed LINE.
expect_rc() {
    [ "$CL_RC" = "$2" ] || il_fail "$1: client exit $CL_RC, expected $2 ($(cat "$T/$1.out"))"
    [ -z "$3" ] || grep -qx -- "$3" "$T/$1.out" || il_fail "$1: no line '$3' ($(cat "$T/$1.out"))"
}

# ---- 1. smart card ----
# Sanitizer builds: libp11 / pam_p11 leak at pam_end (RSA_meth_dup, and
# allocations of the dlclosed modules, stacks "<unknown module>"), which no
# suppression can name; leak checking is off for this one server only.
IL_SERVER_WRAP="$PAMENV ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
il_server sc --ntlm-keyfile "$T/keys/ntlm.keys" --pam-service sc --connections 3
IL_SERVER_WRAP=
SC="--cred smartcard --deleg-user alice --deleg-domain TESTDOM --sc-key-spec 1 \
--sc-card cssp-alice --sc-reader Virtual-Reader-0 --sc-container alice-key \
--sc-csp SoftHSM2"
# shellcheck disable=SC2086
connect sc_right $SC
expect_rc sc_right 0 "eua: 00000000"
grep -q '^CREDSSP_SC_READER=Virtual-Reader-0$' "$T/envdump" || il_fail "no CREDSSP_SC_READER in the stack"
grep -q '^CREDSSP_SC_KEY_SPEC=1$' "$T/envdump" || il_fail "no CREDSSP_SC_KEY_SPEC in the stack"
grep -q "$PIN" "$T/envdump" && il_fail "the PIN reached the PAM environment"
# shellcheck disable=SC2086
CSSP_PIN=000000 connect sc_wrong $SC
expect_rc sc_wrong 2 "eua: 05000000"
# shellcheck disable=SC2086
connect sc_hint $SC --deleg-user bob
# refused after authInfo, before PAM: a clean Early User Authorization "denied"
expect_rc sc_hint 2 "eua: 05000000"
il_server_wait
il_expect_json "$T/sc.json" 1 outcome=ok pam=ok eua=0 cred_type=smartcard user=alice delivered=true
il_expect_json "$T/sc.json" 2 outcome=pam_denied pam=authenticate:7 eua=5 cred_type=smartcard
il_expect_json "$T/sc.json" 3 outcome=identity_mismatch pam=skipped eua=5
il_ok "smart card: right PIN unlocks the SoftHSM2 token, wrong PIN and hint mismatch refused"

# ---- 2./3. policy on ----
IL_SERVER_WRAP=$PAMENV
il_server on --ntlm-keyfile "$T/keys/ntlm.keys" --pam-service trust --allow-restricted-admin \
    --allow-remote-guard --connections 4
IL_SERVER_WRAP=
# The NTLM identity without a domain: under nss_wrapper gss_localname cannot
# see the test users (MIT loads gss-ntlmssp with RTLD_DEEPBIND, bypassing
# the wrapper), so credssp-server falls back to the principal as PAM user.
connect ra_on --neg-flags 0x01 --cred ra --domain ""
expect_rc ra_on 0 "eua: 00000000"
grep -qx "nego: rsp flags=0x08 selected=0x8" "$T/ra_on.out" || il_fail "no RESTRICTED_ADMIN_MODE_SUPPORTED"
connect ra_empty_on --neg-flags 0x01 --cred ra-empty --domain ""
expect_rc ra_empty_on 0 "eua: 00000000"
connect rg_on --neg-flags 0x02 --cred rg --rg-supplemental 1 --domain ""
expect_rc rg_on 0 "eua: 00000000"
grep -qx "nego: rsp flags=0x10 selected=0x8" "$T/rg_on.out" || il_fail "no REDIRECTED_AUTHENTICATION_MODE_SUPPORTED"
# TSCredentials { credType 6, TSRemoteGuardCreds { logonCred [0] SEQUENCE {} } }:
# the package credential lacks both fields.
printf '\060\017\240\003\002\001\006\241\010\004\006\060\004\240\002\060\000' > "$T/rg_bad.der"
connect rg_bad --neg-flags 0x02 --cred raw --raw-file "$T/rg_bad.der"
expect_rc rg_bad 2 "eua: 05000000"
il_server_wait
il_expect_json "$T/on.json" 1 outcome=ok pam=ok cred_type=restricted_admin delivered=false
il_expect_json "$T/on.json" 2 outcome=ok pam=ok cred_type=restricted_admin
il_expect_json "$T/on.json" 3 outcome=ok pam=ok cred_type=remote_guard rg_packages=2 \
    rg_service_ticket_len=40 rg_tgt_len=60
il_expect_json "$T/on.json" 4 outcome=truncated pam=skipped eua=5
il_ok "policy on: Restricted Admin (both encodings) and Remote Guard log in through pam_credssp trust"

# ---- 2./3. policy off (the default) ----
il_server off --ntlm-keyfile "$T/keys/ntlm.keys" --connections 4
connect ra_off --neg-flags 0x01 --cred ra
expect_rc ra_off 4 "client: the server does not support Restricted Admin mode"
connect rg_off --neg-flags 0x02 --cred rg
expect_rc rg_off 4 "client: the server does not support Remote Credential Guard"
connect ra_forced --neg-flags 0x01 --cred ra --force
expect_rc ra_forced 2 "eua: 05000000"
connect rg_forced --neg-flags 0x02 --cred rg --force
expect_rc rg_forced 2 "eua: 05000000"
il_server_wait
[ "$(il_lines "$T/off.json")" = 4 ] || il_fail "expected 4 connections, got $(il_lines "$T/off.json")"
il_expect_json "$T/off.json" 3 outcome=cred_type_refused cred_type=null eua=5
il_expect_json "$T/off.json" 4 outcome=cred_type_refused eua=5
il_ok "policy off: the negotiation answers without 0x08 / 0x10, forced credentials are refused, one connection each"

# ---- 4. enrolment through PAM, then NTLM over NLA ----
DRVENV=$PAMENV
if ldd "$PAMDRV" 2>/dev/null | grep -q libasan; then
    # the driver is a plain executable: ASan must come first in LD_PRELOAD
    DRVENV="$PAMENV LD_PRELOAD=$(gcc -print-file-name=libasan.so):$LIBDIR/libpam_wrapper.so:$LIBDIR/libnss_wrapper.so \
PAM_WRAPPER_DISABLE_DEEPBIND=1 ASAN_OPTIONS=detect_leaks=0"
fi
# shellcheck disable=SC2086
CREDTYPES_OLD_PW=Before-1 CREDTYPES_NEW_PW=After-2 $DRVENV "$PAMDRV" chauthtok passwd_enroll alice \
    >"$T/chauthtok.log" 2>&1 || il_fail "chauthtok failed ($(tail -n 5 "$T/chauthtok.log"))"
il_server enrol --ntlm-keyfile "$T/keys/enrolled.keys" --connections 2
CSSP_PASSWORD=After-2 connect enrol_new
expect_rc enrol_new 0 "eua: 00000000"
CSSP_PASSWORD=Before-1 connect enrol_old
expect_rc enrol_old 3 ""
il_server_wait
il_expect_json "$T/enrol.json" 1 outcome=ok mech=ntlm user=alice
il_expect_json "$T/enrol.json" 2 outcome=logon_failure error_code=0xC000006D
il_ok "a password set through PAM logs in with NTLM over NLA; the old one does not"

for f in "$T"/*.json "$T"/*.log "$T"/*.out "$T/envdump"; do
    grep -a -q -e "$PIN" -e After-2 -e Before-1 -e "$PW" "$f" && il_fail "a secret appears in $f"
done
exit 0
