#!/bin/sh
# tests/style/call_cycles.sh - no two source files of a library folder call
# each other, directly or round a longer loop (docs/ENGINE.md, "Inside: the
# stage table"; issue 14: engine.c <-> engine_auth.c <-> audit.c and
# config.c <-> gss.c were such loops).  A file that calls back into its caller
# hides who owns what; the engine core calls the handlers, queues and audit,
# never the other way round.
#
# Read from the built objects (nm): for every object of base/ and acceptor/*/,
# the functions it defines and the ones it calls; an edge A -> B when A calls a
# function B defines.  Any cycle fails unless listed in DEBT (a cycle that
# exists today, to be broken; a listed one that has gone is reported).
# Needs the built tree ($top_builddir, set by `make check`), nm and python3.
builddir=${top_builddir:-.}

for t in nm python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done

# One known cycle per line: its files, in any order.
DEBT="
acceptor/engine/keyindex.c acceptor/engine/keyindex_watch.c
"

objs=$(find "$builddir/base" "$builddir/acceptor" -name '*.o' -path '*/.libs/*' 2>/dev/null | sort)
[ -n "$objs" ] || objs=$(find "$builddir/base" "$builddir/acceptor" -name '*.o' 2>/dev/null | sort)
[ -n "$objs" ] || { echo "FAIL: no objects under $builddir/base, $builddir/acceptor"; exit 1; }

for o in $objs; do
    echo "@ $o"
    nm "$o"
done | DEBT="$DEBT" BUILDDIR="$builddir" python3 -c '
import os, re, sys
defs, calls, obj = {}, {}, None
for line in sys.stdin:
    parts = line.split()
    if parts and parts[0] == "@":
        path = os.path.relpath(parts[1], os.environ["BUILDDIR"])
        path = path.replace("/.libs/", "/")
        obj = re.sub(r"^(.*/)?(lib[A-Za-z0-9_]+_la-)?", lambda m: m.group(1) or "", path)
        obj = obj[:-2] + ".c"
        continue
    if len(parts) == 3 and parts[1] in "TDBR":
        defs[parts[2]] = obj
    elif len(parts) == 2 and parts[0] == "U":
        calls.setdefault(obj, set()).add(parts[1])
edges = {}
for f, used in calls.items():
    for u in used:
        g = defs.get(u)
        if g is not None and g != f:
            edges.setdefault(f, set()).add(g)
# strongly connected components (Tarjan)
sys.setrecursionlimit(10000)
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        if len(c) > 1:
            sccs.append(sorted(c))
for v in sorted(edges):
    if v not in index:
        visit(v)
debt = [sorted(l.split()) for l in os.environ["DEBT"].splitlines() if l.strip()]
status = 0
for c in sccs:
    if any(set(c) <= set(d) for d in debt):
        continue
    print("FAIL: these files call each other round a loop: " + " ".join(c))
    status = 1
for d in debt:
    if not any(set(c) <= set(d) for c in sccs):
        print("note: the DEBT cycle " + " ".join(d) + " has gone; remove it")
files = len(set(defs.values()))
edges_n = sum(len(v) for v in edges.values())
if status == 0:
    print("no call cycles among %d files (%d caller-callee pairs; %d known)" %
          (files, edges_n, len(sccs)))
sys.exit(status)
'
