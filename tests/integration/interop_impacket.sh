#!/bin/sh
# interop_impacket.sh - impacket 0.10 rdp_check.py (CredSSP v2, raw NTLMSSP
# with a 32-byte NEGOTIATE, echo binding) against credssp-server
# (docs/TESTING.md §4.1).  rdp_check.py connects to port 3389, hard-coded: a copy
# patched with sed reads RDP_PORT instead.
#
#  1. default policy (--min-version 5): refused, JSON version_refused, no
#     "Access Granted" (rdp_check has no error channel for v2);
#  2. --min-version 2: "[*] Access Granted", JSON ok, v2, echo binding.
. "$(dirname "$0")/interop_lib.sh"
il_init impacket
RDP_CHECK=/usr/share/doc/python3-impacket/examples/rdp_check.py
il_need "$RDP_CHECK" timeout
"$PY" -c 'import impacket' 2>/dev/null || il_skip "python3-impacket not importable"
sed 's/s.connect((host,3389))/s.connect((host,int(__import__("os").environ.get("RDP_PORT","3389"))))/' \
    "$RDP_CHECK" >"$T/rdp_check_port.py"
grep -q RDP_PORT "$T/rdp_check_port.py" || il_fail "could not patch the port of rdp_check.py"
il_keyfile "$T/keys" alice "" alicepw

check() {
    RDP_PORT=$PORT timeout 20 "$PY" "$T/rdp_check_port.py" 'alice:alicepw@127.0.0.1' \
        >"$T/rdp_check.out" 2>&1
}

# 1. default: v2 refused
il_server v5 --ntlm-keyfile "$T/keys" --connections 1
check
il_server_wait
grep -q "Access Granted" "$T/rdp_check.out" && il_fail "v2 client granted under --min-version 5"
il_expect_json "$T/v5.json" 1 outcome=version_refused credssp_version=2 error_code=null \
    user=null delivered=null
il_ok "v2 refused by default"

# 2. --min-version 2
il_server v2 --ntlm-keyfile "$T/keys" --connections 1 --min-version 2
check
il_server_wait
grep -q '\[\*\] Access Granted' "$T/rdp_check.out" || il_fail "rdp_check did not print Access Granted"
il_expect_json "$T/v2.json" 1 outcome=ok credssp_version=2 mech=ntlm spnego=false binding=echo \
    cred_type=password delivered=true user=alice principal=alice protocol=hybrid
il_ok "v2 accepted with --min-version 2 (echo binding)"
exit 0
