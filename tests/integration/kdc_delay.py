#!/usr/bin/python3
"""kdc_delay.py - a loopback proxy in front of a KDC that can answer late.

usage: kdc_delay.py KDC_PORT PORT_FILE SLOW_FILE DELAY_MS LOG

Listens on 127.0.0.1, UDP and TCP on one ephemeral port (written to
PORT_FILE), and relays every Kerberos request (RFC 4120 section 7.2.1: one
UDP datagram; section 7.2.2: a 4-byte length and the message over TCP) to
the KDC on 127.0.0.1:KDC_PORT.  While SLOW_FILE exists, each reply is held
DELAY_MS before it goes back: a KDC behind a slow link or overloaded.  One
line per request in LOG ("udp N" / "tcp N", N bytes), so a test can tell
that its client really asked.  Runs until killed (by PID); every socket has
a timeout, so no relay thread waits forever.
"""
import os
import socket
import struct
import sys
import threading
import time

KDC_PORT, PORT_FILE, SLOW_FILE, DELAY_MS, LOG = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                                                 int(sys.argv[4]), sys.argv[5])
KDC = ("127.0.0.1", KDC_PORT)
MAX_MSG = 65536
log_lock = threading.Lock()


def note(kind, n):
    with log_lock, open(LOG, "a", encoding="ascii") as f:
        f.write("%s %d\n" % (kind, n))


def hold():
    if os.path.exists(SLOW_FILE):
        time.sleep(DELAY_MS / 1000.0)


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("short read")
        data += chunk
    return data


def relay_udp(usock, req, peer):
    note("udp", len(req))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as k:
        k.settimeout(30)
        try:
            k.sendto(req, KDC)
            rep = k.recv(MAX_MSG)
        except OSError:
            return
    hold()
    usock.sendto(rep, peer)


def relay_tcp(conn):
    with conn:
        conn.settimeout(30)
        try:
            head = recv_exact(conn, 4)
            n = struct.unpack(">I", head)[0]
            if n > MAX_MSG:
                return
            req = recv_exact(conn, n)
            note("tcp", n)
            with socket.create_connection(KDC, 10) as k:
                k.settimeout(30)
                k.sendall(head + req)
                rhead = recv_exact(k, 4)
                m = struct.unpack(">I", rhead)[0]
                if m > MAX_MSG:
                    return
                rep = recv_exact(k, m)
            hold()
            conn.sendall(rhead + rep)
        except OSError:
            pass


def main():
    for _ in range(20):                 # a TCP port whose UDP twin is free too
        tsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tsock.bind(("127.0.0.1", 0))
        port = tsock.getsockname()[1]
        usock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            usock.bind(("127.0.0.1", port))
            break
        except OSError:
            tsock.close()
            usock.close()
    else:
        sys.exit("kdc_delay.py: no port free for both UDP and TCP")
    tsock.listen(16)

    def udp_loop():
        while True:
            req, peer = usock.recvfrom(MAX_MSG)
            threading.Thread(target=relay_udp, args=(usock, req, peer), daemon=True).start()

    threading.Thread(target=udp_loop, daemon=True).start()
    with open(PORT_FILE + ".tmp", "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    while True:
        conn, _ = tsock.accept()
        threading.Thread(target=relay_tcp, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
