#!/usr/bin/python3
"""admission_load.py - hostile load and timed logins for the admission tests.

  admission_load.py attack --port P --addrs 127.0.0.2,... --per-addr 100
                           --seconds S [--mode idle|slow|mixed] [--stats FILE]
      Keeps per-addr connections open from each source address (bound before
      connect), each idle (idle: sends nothing) or slow (slow: one byte of an
      X.224 Connection Request per second, then nothing), and re-opens a
      connection as soon as the server drops it (mixed: every other
      connection is slow).  Stops after S seconds and
      writes {"opened": N, "dropped": N, "peak": N} to FILE.

  admission_load.py siege [attack options] [logins options] [--warmup S]
      Both: the attack in a child process, after --warmup seconds (3) the
      logins, then the attack stops; prints the logins' lines and
      "attack: peak=N opened=N dropped=N"; exit 1 (and a "verdict:" line
      saying why) below --min-ok good logins or a --min-peak attack.

  admission_load.py logins --port P --user U --domain D --target T
                           --count N --tls 1.3,1.2 [--limit-ms 5000]
      N full NLA logins in sequence, one after the other, through
      spnego_client.py (SPNEGO(NTLM), CredSSP v6, HYBRID_EX: success = EUA
      00000000), the TLS version cycling through --tls.  The password comes
      from CSSP_PASSWORD, the NTLM credentials from NTLM_USER_FILE.  Prints
      one line per login ("login N tls=1.3 ok 123 ms") and a summary line
      "summary: ok_within_limit=K of N p50_ms=.. p99_ms=.. max_ms=..".

Loopback only; every loop is bounded in time.  Exit 0 unless the usage or
the environment is wrong (the calling test judges the numbers).
"""
import argparse
import contextlib
import io
import json
import os
import selectors
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import types

TLS_VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def x224_request():
    body = bytes([0xE0, 0, 0, 0, 0, 0]) + b"Cookie: mstshash=attacker\r\n"
    body += struct.pack("<BBHI", 1, 0, 8, 0x0B)
    return struct.pack(">BBH", 3, 0, len(body) + 5) + bytes([len(body)]) + body


def attack(a):
    cr = x224_request()
    addrs = a.addrs.split(",")
    sel = selectors.DefaultSelector()
    live = {addr: 0 for addr in addrs}
    stats = {"opened": 0, "dropped": 0, "peak": 0, "connect_errors": 0}
    end = time.monotonic() + a.seconds
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    next_byte = time.monotonic() + 1.0

    def open_one(addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((addr, 0))
            s.connect_ex(("127.0.0.1", a.port))
        except OSError:
            s.close()
            stats["connect_errors"] += 1
            return False
        slow = a.mode == "slow" or (a.mode == "mixed" and stats["opened"] % 2 == 1)
        sel.register(s, selectors.EVENT_READ, {"addr": addr, "sent": 0 if slow else len(cr)})
        live[addr] += 1
        stats["opened"] += 1
        return True

    def drop(key):
        sel.unregister(key.fileobj)
        key.fileobj.close()
        live[key.data["addr"]] -= 1
        stats["dropped"] += 1

    while not stop and time.monotonic() < end:
        for addr in addrs:
            for _ in range(a.per_addr - live[addr]):
                if not open_one(addr):
                    break
        stats["peak"] = max(stats["peak"], sum(live.values()))
        for key, _ in sel.select(timeout=0.05):
            try:
                data = key.fileobj.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                drop(key)
        if a.mode != "idle" and time.monotonic() >= next_byte:
            next_byte += 1.0
            for key in list(sel.get_map().values()):
                n = key.data["sent"]
                if n < len(cr):
                    try:
                        key.fileobj.send(cr[n:n + 1])
                        key.data["sent"] = n + 1
                    except OSError:
                        pass
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    if a.stats:
        with open(a.stats, "w") as f:
            json.dump(stats, f)
    return 0


def patched_client(tls_version):
    """spnego_client with one TLS version and a 6 s socket timeout."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import spnego_client as sc

    def ctx(proto):
        c = ssl.SSLContext(proto)
        c.minimum_version = TLS_VERSIONS[tls_version]
        c.maximum_version = TLS_VERSIONS[tls_version]
        return c

    fake_ssl = types.SimpleNamespace(**{k: getattr(ssl, k) for k in dir(ssl)
                                        if not k.startswith("__")})
    fake_ssl.SSLContext = ctx
    fake_sock = types.SimpleNamespace(
        create_connection=lambda addr, timeout=None: socket.create_connection(addr, timeout=6))
    sc.ssl = fake_ssl
    sc.socket = fake_sock
    return sc


def logins(a):
    versions = a.tls.split(",")
    times, ok_within = [], 0
    for i in range(a.count):
        v = versions[i % len(versions)]
        sc = patched_client(v)
        args = types.SimpleNamespace(host="127.0.0.1", port=a.port, mech="ntlm", user=a.user,
                                     domain=a.domain, password_env="CSSP_PASSWORD",
                                     target=a.target, protocols=0x0B, read_ending=False,
                                     send_after=None)
        out = io.StringIO()
        t0 = time.monotonic()
        try:
            with contextlib.redirect_stdout(out):
                rc = sc.run(args)
        except sc.Fail as e:
            rc = e.code
        except Exception as e:  # noqa: BLE001 - any failure is a failed login
            rc = 1
            out.write("failed: %s\n" % e)
        ms = (time.monotonic() - t0) * 1000.0
        tls = [l for l in out.getvalue().splitlines() if l.startswith("tls:")]
        good = rc == 0 and "eua: 00000000" in out.getvalue()
        if good and ms <= a.limit_ms:
            ok_within += 1
        times.append(ms if good else float("inf"))
        print("login %d tls=%s %s %.0f ms %s" % (i + 1, v, "ok" if good else "FAILED(%d)" % rc,
                                                ms, tls[0] if tls else ""), flush=True)
    finite = sorted(times)

    def pct(p):
        x = finite[min(len(finite) - 1, int(len(finite) * p))]
        return "inf" if x == float("inf") else "%.0f" % x

    print("summary: ok_within_limit=%d of %d p50_ms=%s p99_ms=%s max_ms=%s" %
          (ok_within, a.count, pct(0.5), pct(0.99), pct(1.0)), flush=True)
    return ok_within


def siege(a):
    stats = tempfile.NamedTemporaryFile(prefix="admission-", suffix=".json", delete=False)
    stats.close()
    atk = subprocess.Popen([sys.executable, os.path.abspath(__file__), "attack", "--port",
                            str(a.port), "--addrs", a.addrs, "--per-addr", str(a.per_addr),
                            "--seconds", str(a.seconds), "--mode", a.mode, "--stats", stats.name])
    try:
        time.sleep(a.warmup)
        ok = logins(a)
    finally:
        atk.terminate()
        try:
            atk.wait(timeout=10)
        except subprocess.TimeoutExpired:
            atk.kill()
            atk.wait()
    try:
        with open(stats.name) as f:
            st = json.load(f)
    except (OSError, ValueError):
        st = {}
    os.unlink(stats.name)
    print("attack: peak=%s opened=%s dropped=%s" % (st.get("peak", 0), st.get("opened", 0),
                                                   st.get("dropped", 0)), flush=True)
    if st.get("peak", 0) < a.min_peak:
        print("verdict: the attack reached only %s connections" % st.get("peak", 0))
        return 1
    if ok < a.min_ok:
        print("verdict: only %d of %d logins within %.0f ms" % (ok, a.count, a.limit_ms))
        return 1
    print("verdict: ok")
    return 0


def attack_args(sp):
    sp.add_argument("--port", type=int, required=True)
    sp.add_argument("--addrs", default="127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5")
    sp.add_argument("--per-addr", type=int, default=100)
    sp.add_argument("--seconds", type=float, default=40.0)
    sp.add_argument("--mode", choices=("idle", "slow", "mixed"), default="idle")


def login_args(sp):
    sp.add_argument("--user", required=True)
    sp.add_argument("--domain", default="")
    sp.add_argument("--target", required=True)
    sp.add_argument("--count", type=int, default=10)
    sp.add_argument("--tls", default="1.3,1.2")
    sp.add_argument("--limit-ms", type=float, default=5000.0)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    at = sub.add_parser("attack")
    attack_args(at)
    at.add_argument("--stats")
    lg = sub.add_parser("logins")
    lg.add_argument("--port", type=int, required=True)
    login_args(lg)
    sg = sub.add_parser("siege")
    attack_args(sg)
    login_args(sg)
    sg.add_argument("--warmup", type=float, default=3.0)
    sg.add_argument("--min-ok", type=int, default=0, help="exit 1 below this many good logins")
    sg.add_argument("--min-peak", type=int, default=0, help="exit 1 if the attack stayed below")
    a = p.parse_args()
    if a.cmd != "logins" and (a.seconds > 600 or a.per_addr > 1000):
        p.error("bounded: --seconds <= 600, --per-addr <= 1000")
    if a.cmd == "logins":
        logins(a)
        return 0
    return {"attack": attack, "siege": siege}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
