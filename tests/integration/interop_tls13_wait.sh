#!/bin/sh
# interop_tls13_wait.sh - TLS 1.3 clients that wait for the server after
# their Finished, and resumption stays refused (docs/INTEROP.md 7).
#  1. spnego_client.py --wait-after-finished 3, TLS 1.3: like CredSSP clients
#     built on a token-in / token-out TLS loop, it sends its Finished and
#     waits for a server record before its first TSRequest.  The server's one
#     NewSessionTicket is that record: the login completes (JSON ok);
#  2. the same client capped at TLS 1.2 (the server's Finished comes last);
#  3. a client that offers the ticket (TLS 1.3) or the session (TLS 1.2) of an
#     earlier connection gets a full handshake: session_reused false, so the
#     CredSSP binding always covers this handshake's certificate key.
. "$(dirname "$0")/interop_lib.sh"
il_init tls13wait
il_need timeout hostname
il_spnego_setup
il_server wait --ntlm-keyfile "$T/keys"

il_spnego wait13 --wait-after-finished 3 --tls-max 1.3
grep -q "^tls: TLSv1.3" "$T/wait13.out" || il_fail "not TLS 1.3"
[ "$RC" = 0 ] || il_fail "TLS 1.3 waiting client: exit $RC (6 = no server record after Finished)"
grep -qx "eua: 00000000" "$T/wait13.out" || il_fail "no EUA success"
il_expect_json "$T/wait.json" 1 outcome=ok user=alice eua=0
il_ok "TLS 1.3 client that waits after its Finished: login ok"

il_spnego wait12 --wait-after-finished 3 --tls-max 1.2
grep -q "^tls: TLSv1.2" "$T/wait12.out" || il_fail "not TLS 1.2"
[ "$RC" = 0 ] || il_fail "TLS 1.2 waiting client: exit $RC"
il_expect_json "$T/wait.json" 2 outcome=ok user=alice eua=0
il_ok "TLS 1.2 client that waits: login ok"

"$PY" - "$PORT" "$top_srcdir/tests/integration" >"$T/resume.out" 2>&1 <<'PYEOF'
import socket, ssl, sys
sys.path.insert(0, sys.argv[2])
import spnego_client

port = int(sys.argv[1])


def handshake(ctx, session=None):
    sock, _ = spnego_client.x224_connect("127.0.0.1", port, 0x0B, "resume")
    tls = ctx.wrap_socket(sock, session=session)
    tls.settimeout(1.0)
    try:
        tls.recv(1)          # processes a NewSessionTicket, then times out
    except (socket.timeout, ssl.SSLError, OSError):
        pass
    return tls


bad = 0
for name, version in (("1.3", ssl.TLSVersion.TLSv1_3), ("1.2", ssl.TLSVersion.TLSv1_2)):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ctx.maximum_version = version
    first = handshake(ctx)
    sess = first.session
    print("tls%s: first %s, ticket %s" % (name, first.version(),
                                          sess is not None and sess.has_ticket))
    first.close()
    second = handshake(ctx, sess)
    print("tls%s: offered the session, reused %s" % (name, second.session_reused))
    bad += second.session_reused
    second.close()
sys.exit(1 if bad else 0)
PYEOF
RC=$?
cat "$T/resume.out"
[ "$RC" = 0 ] || il_fail "a session was resumed"
grep -q "tls1.3: first TLSv1.3, ticket True" "$T/resume.out" || il_fail "no TLS 1.3 ticket seen"
il_ok "resumption offered with the ticket (1.3) or the session (1.2): full handshake"
il_server_stop
exit 0
