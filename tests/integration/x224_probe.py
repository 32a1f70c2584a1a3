#!/usr/bin/python3
"""x224_probe.py - how fast does a front end answer X.224 right now?

  x224_probe.py PORT [COUNT] [LIMIT_MS] [GAP_MS]

Sends COUNT (10) X.224 Connection Requests (MS-RDPBCGR 2.2.1.1, HYBRID_EX |
HYBRID | SSL requested), one connection after the other from 127.0.0.1,
and times each until the Connection Confirm (2.2.1.2) arrives.  Prints
"x224_worst_ms=N x224_p99_ms=N x224_p50_ms=N"; exit 1 when an answer is missing or slower than
LIMIT_MS (100).  GAP_MS (0): pause between two probes, to spread them over
a benchmark phase (tests/bench/slowbe.sh).  Used while another login waits on a slow identity back
end (test_slow_backend.sh, test_gateway_slow_backend.sh; issue 15).
Loopback only; every socket has a 5 s timeout.
"""
import socket
import struct
import sys
import time


def connection_request():
    body = b"\xe0\x00\x00\x00\x00\x00" + b"Cookie: mstshash=probe\r\n" + \
        bytes.fromhex("010008000b000000")
    x224 = bytes([len(body)]) + body
    return b"\x03\x00" + struct.pack(">H", 4 + len(x224)) + x224


def main():
    port = int(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 100.0
    gap = float(sys.argv[4]) / 1000.0 if len(sys.argv) > 4 else 0.0
    cr = connection_request()
    times = []
    for i in range(count):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            t0 = time.monotonic()
            s.sendall(cr)
            got = s.recv(64)
            ms = (time.monotonic() - t0) * 1000.0
        if len(got) < 11 or got[5] != 0xD0:
            print("probe %d: no Connection Confirm (%r)" % (i, got))
            return 1
        times.append(ms)
        time.sleep(gap)
    times.sort()
    worst = times[-1]
    print("x224_worst_ms=%.1f x224_p99_ms=%.1f x224_p50_ms=%.1f" %
          (worst, times[min(len(times) - 1, int(len(times) * 0.99))], times[len(times) // 2]))
    if worst > limit:
        print("an X.224 answer took %.1f ms (limit %.0f)" % (worst, limit))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
