#!/usr/bin/env python3
"""The shell's cache changes nothing but speed.

Each session below is piped to `prof PROFILE` twice: with the cache (the
default) and with PROF_CACHE=0 (every report computed from scratch).  Standard
output, standard error (warnings are printed again for every report, as
pprof prints them) and the files written must be byte-identical.  The
sessions change settings between reports so that every cache level (view,
graph skeleton, build memo) is hit, missed and invalidated; PROF_CACHE_STATS=1
must show builds restored from the memo, so a cache that silently stops
working fails here too.

usage: test_cache.py PROF SRCDIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SESSIONS = [
    ("work.cpu.pb.gz", """
top
top
top -cum
top20
tree
tree 5 -cum
peek sha256
dot
text
nodefraction=0.05
top
edgefraction=0.1
tree
nodefraction=0.005
edgefraction=0.001
focus=sha256
top
tree
peek block
:
top
ignore=runtime
top
top
hide=flate
top
:
granularity=lines
top
list main.fib
granularity=addresses
top
granularity=functions
noinlines=true
top
noinlines=false
drop_negative=true
top
drop_negative=false
call_tree=true
dot 10
call_tree=false
dot 10
show_from=main
top
:
prune_from=sha256
top
:
relative_percentages=true
focus=main
top
relative_percentages=false
top
:
focus=nosuchfunction
top
top
:
trim=false
top
trim=true
traces sha256
raw
callgrind >@D@/cg
top
unit=ms
top
tree
"""),
    ("work.heap.pb.gz", """
top
alloc_space
top
tree
inuse_objects
top
mean_alloc_space
top
sample_index=0
top
divide_by=1024
top
divide_by=1
tags
top
"""),
    ("synth.5k.pb.gz", """
top
tagfocus=bytes=1kb:
top
top
tagfocus=
tagroot=handler
top
tagroot=
tagleaf=handler
tree
tagleaf=
tagshow=handler
top
tags
taghide=handler
top
:
top
peek .
dot
"""),
]


def files(d):
    return {f: open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d))}


def run(prof, data, profile, lines, cache):
    d = tempfile.mkdtemp()
    env = dict(os.environ, TZ="UTC", NO_COLOR="1", LC_ALL="C", PROF_CACHE="1" if cache else "0",
               PROF_CACHE_STATS="1")
    try:
        p = subprocess.run([prof, profile], cwd=data, env=env, capture_output=True,
                           input=lines.strip().replace("@D@", d).encode() + b"\n")
        return p.returncode, p.stdout, p.stderr.decode(errors="replace").replace(d, "@D@"), files(d)
    finally:
        shutil.rmtree(d)


def main():
    prof, srcdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    data = os.path.join(srcdir, "testdata")
    failed = 0
    for profile, lines in SESSIONS:
        rc1, out1, err1, f1 = run(prof, data, profile, lines, True)
        rc0, out0, err0, f0 = run(prof, data, profile, lines, False)
        stats = re.search(r"prof: cache: (\d+) graph builds restored, (\d+) walked\n", err1)
        err1 = re.sub(r"prof: cache: .*\n", "", err1)
        err0 = re.sub(r"prof: cache: .*\n", "", err0)
        problems = []
        if (rc1, rc0) != (0, 0):
            problems.append("exit status %d (cache) / %d (no cache)" % (rc1, rc0))
        if out1 != out0:
            a, b = out1.decode(errors="replace").splitlines(), out0.decode(errors="replace").splitlines()
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            problems.append("stdout differs at line %d:\n  cache:    %r\n  no cache: %r" %
                            (i + 1, a[i] if i < len(a) else None, b[i] if i < len(b) else None))
        if err1 != err0:
            problems.append("stderr differs:\n  cache:    %r\n  no cache: %r" % (err1[-600:], err0[-600:]))
        if f1 != f0:
            problems.append("files differ")
        if not stats or int(stats.group(1)) == 0:
            problems.append("no graph build was restored from the cache: %r" % (stats and stats.group(0)))
        if len(out1) < 1000:
            problems.append("suspiciously little output (%d bytes)" % len(out1))
        if problems:
            failed += 1
            print("FAIL %s" % profile)
            for p in problems:
                print("  " + p)
        else:
            print("ok   %s: %d bytes of reports, %s builds restored, %s walked" %
                  (profile, len(out1), stats.group(1), stats.group(2)))
    print("%d passed, %d failed" % (len(SESSIONS) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
