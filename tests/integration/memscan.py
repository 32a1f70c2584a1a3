#!/usr/bin/python3
"""memscan.py PID FILE... - count copies of secrets in another process's memory.

Each FILE holds one needle (raw bytes).  Every writable mapping of
/proc/PID/maps (up to 1 GiB each) is read through /proc/PID/mem, as
tests/unit/heapscan.c does in-process; the total number of copies of all
needles goes to stdout, one "N in MAPPING" line per mapping that holds any to
stderr.  Reading another process's memory needs ptrace rights over it (same
uid, or root).  Exit 1 when the memory cannot be read at all.
"""
import re
import sys


def main():
    pid = int(sys.argv[1])
    needles = [open(f, "rb").read() for f in sys.argv[2:]]
    found = 0
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
            lo, hi, perms = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            if not perms.startswith("rw") or hi - lo > (1 << 30):
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            n = sum(data.count(x) for x in needles)
            if n:
                sys.stderr.write("%d in %s\n" % (n, line.strip()))
            found += n
    print(found)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        sys.stderr.write("memscan: %s\n" % e)
        sys.exit(1)
