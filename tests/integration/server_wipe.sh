#!/bin/sh
# server_wipe.sh - credssp-server wipes the application data a client sends
# after CredSSP (issue 10.6d).  An RDP client's next PDUs include the Client
# Info PDU, whose Password field FreeRDP fills with the typed password; the
# server decrypts them (MCS ending, examples/server/conn_end.c) and must not
# leave them behind in freed or stack memory.
#
# A real SPNEGO(NTLM) client (spnego_client.py --send-after) authenticates,
# then sends 12 kB of application data (the start of one big TPKT frame, so
# the server keeps collecting it) in 1000-byte TLS records, and closes.  The
# data is a random 32-byte needle repeated.  Once the connection is gone, the
# server process's writable memory (memscan.py: every rw mapping, read
# through /proc/PID/mem) must hold no copy of the needle.  Skipped for an
# ASan build (its shadow mappings are terabytes, heapscan.h).
. "$(dirname "$0")/interop_lib.sh"
il_init server-wipe
il_need timeout hostname
il_need_spnego_ntlm
il_asan_binary "$SERVER" && il_skip "ASan build: no memory scan (heapscan.h)"
il_keyfile "$T/keys" alice TESTDOM alicepw
printf 'TESTDOM:alice:alicepw\n' >"$T/ntlm_users"

# the application data: TPKT header of a 16 kB frame, then the needle x 375
"$PY" - "$T/app.bin" "$T/needle.bin" <<'EOF'
import os, sys
needle = os.urandom(32)
open(sys.argv[2], "wb").write(needle)
open(sys.argv[1], "wb").write(b"\x03\x00\x40\x00" + needle * 375)
EOF

# LD_BIND_NOW: a lazy PLT binding (glibc's _dl_runtime_resolve_xsavec) saves
# the vector registers on the stack, and they still hold the last bytes any
# memcpy moved; that residue is not a buffer of ours (observed with gdb: the
# first gss_delete_sec_context at conn_free), so the scan excludes it.
IL_SERVER_WRAP="env LD_BIND_NOW=1" il_server wipe --ntlm-keyfile "$T/keys"
NTLM_USER_FILE="$T/ntlm_users" CSSP_PASSWORD=alicepw timeout 30 "$PY" \
    "$top_srcdir/tests/integration/spnego_client.py" --port "$PORT" --mech ntlm \
    --user alice --domain TESTDOM --target "TERMSRV@$(hostname)" --protocols 0x03 \
    --send-after "$T/app.bin" >"$T/client.out" 2>&1 || il_fail "spnego_client failed"
grep -qx "sent_after: 12004" "$T/client.out" || il_fail "the application data was not sent"
il_expect_json "$T/wipe.json" 1 outcome=ok mech=ntlm user=alice
# The server closes the connection once it sees the client's EOF; scan until
# no copy is left (at most 5 s), so a slow close is not a failure.
n=-1
for _ in $(seq 50); do
    n=$("$PY" "$top_srcdir/tests/integration/memscan.py" "$SRV_PID" "$T/needle.bin" \
        2>"$T/scan.log") || il_fail "cannot read the server's memory"
    [ "$n" = 0 ] && break
    sleep 0.1
done
kill -0 "$SRV_PID" 2>/dev/null || il_fail "the server is gone"
il_server_stop
[ "$n" = 0 ] || il_fail "$n copies of the post-CredSSP application data left in the server's memory: $(cat "$T/scan.log")"
il_ok "application data after CredSSP is wiped when the connection ends"
exit 0
