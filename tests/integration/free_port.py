#!/usr/bin/env python3
"""free_port.py [N]: print N (default 1) consecutive loopback ports, free for TCP
and UDP, from below the kernel's ephemeral range (docs/TESTING.md §1.4).

A port the kernel hands out for bind(("127.0.0.1", 0)) and that we release
again lies in the ephemeral range: any client socket of a test running beside
us (a TCP connect, a Kerberos or DNS request over UDP) may take it before the
server we start binds it.  Below the range only programs that pick a port
explicitly compete, and they all use this script or mkrealm.sh, which retry.
The Samba DC's RPC ports (tests/integration/ad_lib.sh, 20110-20189) are
left out.
"""
import random
import socket
import sys


def ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    hi = min(ephemeral_low(), 65536) - n
    lo = 10000 if hi > 12000 else 1024
    rng = random.SystemRandom()
    for _ in range(500):
        p = rng.randrange(lo, hi)
        if any(20100 <= q < 20200 for q in range(p, p + n)):
            continue
        if all(free(q) for q in range(p, p + n)):
            print(p)
            return 0
    print("free_port.py: no free port below the ephemeral range", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
