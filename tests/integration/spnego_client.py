#!/usr/bin/python3
"""spnego_client.py - a small SPNEGO CredSSP client for the interop tests.

MS-RDPBCGR 2.2.1.1 / 2.2.1.2 (X.224 negotiation), MS-CSSP 2.2.1 / 3.1.5
(TSRequest v6 with SPNEGO negoTokens, SHA-256 pubKeyAuth binding with a
32-byte clientNonce, TSCredentials / TSPasswordCreds) and MS-RDPBCGR 2.2.10.2
(the 4-byte Early User Authorization Result when HYBRID_EX is selected).

GSSAPI comes from python3-gssapi: SPNEGO(NTLM) through gss-ntlmssp (the
credentials come from NTLM_USER_FILE, "DOMAIN:user:password" lines, set in
this process only) and SPNEGO(Kerberos) through MIT krb5 (a ticket cache from
kinit).  TLS is the ssl module.  The DER of the TSRequest is written by hand:
this is a test client, not production code.

Output: one "key: value" line per step on stdout.  Exit status:
0 authenticated (and EUA success if HYBRID_EX), 2 EUA access denied,
3 RDP_NEG_FAILURE, 4 server sent errorCode, 5 pubKeyAuth mismatch,
6 the server sent nothing after our Finished (--wait-after-finished),
1 any other error.

--wait-after-finished SECONDS behaves like CredSSP clients built on a
token-in / token-out TLS loop (the Python library used for WinRM, over
HTTP): after the handshake (our Finished) they wait for a server record
before the first TSRequest.  --tls-max 1.2 caps the client's TLS version.
--pause-until FILE holds the connection after the handshake (server_reload.sh).
"""
import argparse
import hashlib
import os
import select
import socket
import ssl
import struct
import sys
import time

import gssapi
import gssapi.raw as graw
from cryptography import x509
from cryptography.hazmat.primitives import serialization

OID_SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
OID_NTLM = gssapi.OID.from_int_seq("1.3.6.1.4.1.311.2.2.10")
OID_KRB5 = gssapi.OID.from_int_seq("1.2.840.113554.1.2.2")
C2S = b"CredSSP Client-To-Server Binding Hash\x00"
S2C = b"CredSSP Server-To-Client Binding Hash\x00"
VERSION = 6


class Fail(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


# ---------------------------------------------------------------- DER (by hand)

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, b)


def ctx(n, content):
    return tlv(0xA0 + n, content)


def ts_request(token=None, pubkey=None, authinfo=None, nonce=None):
    body = ctx(0, der_int(VERSION))
    if token is not None:
        body += ctx(1, tlv(0x30, tlv(0x30, ctx(0, tlv(0x04, token)))))
    if authinfo is not None:
        body += ctx(2, tlv(0x04, authinfo))
    if pubkey is not None:
        body += ctx(3, tlv(0x04, pubkey))
    if nonce is not None:
        body += ctx(5, tlv(0x04, nonce))
    return tlv(0x30, body)


def der_read(buf, pos):
    """(tag, content, next_pos) of the TLV at pos."""
    if pos + 2 > len(buf):
        raise Fail(1, "DER truncated")
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 3 or pos + k > len(buf):
            raise Fail(1, "DER bad length")
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + n > len(buf):
        raise Fail(1, "DER truncated")
    return tag, buf[pos:pos + n], pos + n


def parse_ts_request(buf):
    tag, body, end = der_read(buf, 0)
    if tag != 0x30 or end != len(buf):
        raise Fail(1, "not a TSRequest")
    out = {}
    pos = 0
    while pos < len(body):
        tag, val, pos = der_read(body, pos)
        n = tag - 0xA0
        if n == 0:
            out["version"] = int.from_bytes(der_read(val, 0)[1], "big", signed=True)
        elif n == 1:
            seq = der_read(val, 0)[1]
            item = der_read(seq, 0)[1]
            out["token"] = der_read(der_read(item, 0)[1], 0)[1]
        elif n in (2, 3):
            out[{2: "authinfo", 3: "pubkey"}[n]] = der_read(val, 0)[1]
        elif n == 4:
            out["error"] = int.from_bytes(der_read(val, 0)[1], "big", signed=True) & 0xFFFFFFFF
        else:
            raise Fail(1, "unexpected TSRequest field [%d]" % n)
    return out


def ts_credentials(domain, user, password):
    def u16(s):
        return s.encode("utf-16-le")
    creds = tlv(0x30, ctx(0, tlv(0x04, u16(domain))) + ctx(1, tlv(0x04, u16(user))) +
                ctx(2, tlv(0x04, u16(password))))
    return tlv(0x30, ctx(0, der_int(1)) + ctx(1, tlv(0x04, creds)))


# ---------------------------------------------------------------- transport

def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Fail(1, "connection closed by the server")
        data += chunk
    return data


def recv_ts_request(tls):
    head = recv_exact(tls, 2)
    if head[0] != 0x30:
        raise Fail(1, "expected a TSRequest, got 0x%02x" % head[0])
    if head[1] & 0x80:
        k = head[1] & 0x7F
        ext = recv_exact(tls, k)
        n = int.from_bytes(ext, "big")
        head += ext
    else:
        n = head[1]
    return parse_ts_request(head + recv_exact(tls, n))


def x224_connect(host, port, protocols, cookie):
    sock = socket.create_connection((host, port), timeout=15)
    var = b""
    if cookie:
        var += b"Cookie: mstshash=" + cookie.encode() + b"\r\n"
    var += struct.pack("<BBHI", 1, 0, 8, protocols)
    body = bytes([0xE0, 0, 0, 0, 0, 0]) + var
    sock.sendall(struct.pack(">BBH", 3, 0, len(body) + 5) + bytes([len(body)]) + body)
    cc = recv_exact(sock, 19)
    if cc[5] != 0xD0:
        raise Fail(1, "not an X.224 Connection Confirm")
    typ, flags, length, value = struct.unpack("<BBHI", cc[11:19])
    if typ == 3:
        print("nego_failure: %d" % value)
        raise Fail(3, "RDP_NEG_FAILURE %d" % value)
    if typ != 2 or length != 8:
        raise Fail(1, "bad RDP_NEG_RSP")
    print("selected: 0x%x" % value)
    print("rsp_flags: 0x%02x" % flags)
    return sock, value


def subject_public_key(der_cert):
    """Contents of the SubjectPublicKey BIT STRING (MS-CSSP 3.1.5)."""
    key = x509.load_der_x509_certificate(der_cert).public_key()
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


# ---------------------------------------------------------------- GSSAPI

def make_context(mech, target):
    name = gssapi.Name(target, gssapi.NameType.hostbased_service)
    inner = OID_NTLM if mech == "ntlm" else OID_KRB5
    creds = gssapi.Credentials(usage="initiate", mechs=[OID_SPNEGO])
    graw.set_neg_mechs(creds, [inner])
    flags = (gssapi.RequirementFlag.confidentiality | gssapi.RequirementFlag.integrity |
             gssapi.RequirementFlag.mutual_authentication |
             gssapi.RequirementFlag.replay_detection | gssapi.RequirementFlag.out_of_sequence_detection)
    return gssapi.SecurityContext(name=name, creds=creds, mech=OID_SPNEGO, usage="initiate",
                                  flags=flags)


def run(args):
    password = os.environ.get(args.password_env, "")
    sock, selected = x224_connect(args.host, args.port, args.protocols, args.user)
    tctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tctx.check_hostname = False
    tctx.verify_mode = ssl.CERT_NONE
    if args.tls_max == "1.2":
        tctx.maximum_version = ssl.TLSVersion.TLSv1_2
    tls = tctx.wrap_socket(sock)
    print("tls: %s" % tls.version())
    if args.wait_after_finished and tls.version() == "TLSv1.2":
        print("server_record_after_finished: yes (its Finished)")
    elif args.wait_after_finished:
        # TLS 1.3: our Finished was the last handshake message; wait for the
        # server's next record on the wire.
        ready, _, _ = select.select([tls.fileno()], [], [], args.wait_after_finished)
        if not ready:
            raise Fail(6, "server sent nothing after our Finished")
        print("server_record_after_finished: yes")
    der = tls.getpeercert(binary_form=True)
    print("cert_sha256: %s" % hashlib.sha256(der).hexdigest(), flush=True)
    if args.pause_until:
        # Hold the connection after the TLS handshake until the file appears.
        deadline = time.monotonic() + 30
        while not os.path.exists(args.pause_until):
            if time.monotonic() > deadline:
                raise Fail(1, "--pause-until: %s never appeared" % args.pause_until)
            time.sleep(0.05)
    spk = subject_public_key(der)
    nonce = os.urandom(32)
    gctx = make_context(args.mech, args.target)

    token = gctx.step()
    tls.sendall(ts_request(token=token))
    sent_pubkey = False
    while True:
        req = recv_ts_request(tls)
        if "error" in req:
            print("error_code: 0x%08X" % req["error"])
            raise Fail(4, "server errorCode")
        print("server_version: %d" % req.get("version", 0))
        if "token" in req and not gctx.complete:
            token = gctx.step(req["token"])
        else:
            token = None
        if "pubkey" in req:
            if not sent_pubkey:
                raise Fail(1, "pubKeyAuth before ours")
            got = gctx.unwrap(req["pubkey"]).message
            if got != hashlib.sha256(S2C + nonce + spk).digest():
                raise Fail(5, "server pubKeyAuth does not match")
            print("server_binding: ok")
            break
        if sent_pubkey:
            raise Fail(1, "server answered without pubKeyAuth")
        if gctx.complete or (token is not None and args.mech == "ntlm" and
                             token_is_last_ntlm(token)):
            wrapped = gctx.wrap(hashlib.sha256(C2S + nonce + spk).digest(), True).message
            tls.sendall(ts_request(token=token, pubkey=wrapped, nonce=nonce))
            sent_pubkey = True
        elif token is not None:
            tls.sendall(ts_request(token=token))
        else:
            raise Fail(1, "nothing to send and context not complete")

    creds = ts_credentials(args.domain, args.user, password)
    tls.sendall(ts_request(authinfo=gctx.wrap(creds, True).message))
    print("authinfo: sent")
    status = 0
    if selected == 8:
        eua = recv_exact(tls, 4)
        print("eua: %s" % eua.hex())
        if eua != b"\x00\x00\x00\x00":
            status = 2
    if args.send_after:
        send_after(tls, args.send_after)
    if not args.read_ending:
        tls.close()
        print("result: %s" % ("ok" if status == 0 else "denied"))
        return status
    rest = b""
    try:
        while len(rest) < 64:
            chunk = tls.recv(64)
            if not chunk:
                break
            rest += chunk
    except (ssl.SSLError, OSError):
        pass
    if rest == bytes.fromhex("0300000902f0802180"):
        print("ending: dpum")
    elif rest[:5] == bytes.fromhex("0300000b06") and rest[5:6] == b"\x80":
        print("ending: dr")
    else:
        print("ending: %s" % (rest.hex() or "close"))
    print("result: %s" % ("ok" if status == 0 else "denied"))
    return status


def send_after(tls, path):
    """Application data after CredSSP: FILE in 1000-byte TLS records, 20 ms
    apart, after a pause (so nothing shares a read with the authInfo)."""
    data = open(path, "rb").read()
    time.sleep(0.3)
    for i in range(0, len(data), 1000):
        tls.sendall(data[i:i + 1000])
        time.sleep(0.02)
    print("sent_after: %d" % len(data))


def token_is_last_ntlm(token):
    """SPNEGO NegTokenResp carrying the NTLM AUTHENTICATE (type 3)."""
    i = token.find(b"NTLMSSP\x00")
    return i >= 0 and token[i + 8:i + 12] == b"\x03\x00\x00\x00"


def make_parser():
    """The command line; also how other test programs build run()'s arguments."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mech", choices=("ntlm", "kerberos"), required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--domain", default="")
    p.add_argument("--password-env", default="CSSP_PASSWORD",
                   help="environment variable holding the password")
    p.add_argument("--target", default="TERMSRV@localhost")
    p.add_argument("--protocols", type=lambda s: int(s, 0), default=0x0B)
    p.add_argument("--send-after", metavar="FILE",
                   help="after authInfo (and the EUA) send FILE as application data "
                        "(1000-byte records, 20 ms apart)")
    p.add_argument("--read-ending", action="store_true",
                   help="read what the server sends after CredSSP / EUA until it closes "
                        "(for servers that end at once, e.g. --ending dpum)")
    p.add_argument("--wait-after-finished", type=float, default=0, metavar="SECONDS",
                   help="after the handshake wait for a server record before the first "
                        "TSRequest (exit 6 when none comes)")
    p.add_argument("--tls-max", choices=("1.2", "1.3"), default="1.3")
    p.add_argument("--pause-until", metavar="FILE",
                   help="after the TLS handshake (cert_sha256 printed) wait until FILE "
                        "exists (at most 30 s) before the first TSRequest")
    return p


def main():
    args = make_parser().parse_args()
    try:
        return run(args)
    except Fail as e:
        print("failed: %s" % e)
        return e.code
    except gssapi.exceptions.GSSError as e:
        print("failed: GSSAPI: %s" % e)
        return 1
    except (OSError, ssl.SSLError) as e:
        print("failed: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
