#!/usr/bin/env python3
"""The shell prints what the command line prints: for each case below, the
report of a shell line (piped to `prof PROFILE`) must be byte-identical to
`prof -compact_labels CLI-FLAGS PROFILE` (the shell turns compact_labels on):
the same standard output, the same files written, and the same error text
(the CLI's "prof: " prefix aside).  This checks the shell's argument handling
for every report family, whatever each renderer prints.

usage: test_equiv.py PROF SRCDIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

# (profile, shell lines, CLI flags); @D@ is a scratch directory.
CASES = [
    ("work.cpu.pb.gz", "top", "-top -nodecount=10"),
    ("work.cpu.pb.gz", "text", "-text -nodecount=10"),
    ("work.cpu.pb.gz", "top20 -cum", "-top -nodecount=20 -cum"),
    ("work.cpu.pb.gz", "top -5", "-top -nodecount=-5"),
    ("work.cpu.pb.gz", "top sort -runtime flate -gc", "-top -nodecount=10 -focus=sort|flate -ignore=runtime|gc"),
    ("work.cpu.pb.gz", "focus=main\ntop main.fib", "-top -nodecount=10 -focus=main.fib"),
    ("work.cpu.pb.gz", "granularity=lines\ntop", "-top -nodecount=10 -lines"),
    ("work.cpu.pb.gz", "lines=true\nnodecount=0\ntop", "-top -lines"),
    ("work.cpu.pb.gz", "tree", "-tree"),
    ("work.cpu.pb.gz", "tree 4 -cum", "-tree -nodecount=4 -cum"),
    ("work.cpu.pb.gz", "peek sort.Sort$", "-peek=sort.Sort$"),
    ("work.cpu.pb.gz", "peek sha256 -runtime", "-peek=sha256 -ignore=runtime"),
    ("work.cpu.pb.gz", "traces sha256", "-traces -focus=sha256"),
    ("work.cpu.pb.gz", "raw", "-raw"),
    ("work.cpu.pb.gz", "dot", "-dot"),
    ("work.cpu.pb.gz", "dot 5 main", "-dot -nodecount=5 -focus=main"),
    ("work.cpu.pb.gz", "call_tree=true\ndot 10", "-dot -call_tree -nodecount=10"),
    ("work.cpu.pb.gz", "list main.fib", "-list=main.fib"),
    ("work.cpu.pb.gz", "list nosuchfunction", "-list=nosuchfunction"),
    ("work.cpu.pb.gz", "comments", "-comments"),
    ("work.cpu.pb.gz", "callgrind >@D@/a", "-callgrind -output=@D@/a"),
    ("work.cpu.pb.gz", "proto > @D@/a", "-proto -output=@D@/a"),
    ("work.cpu.pb.gz", "topproto >@D@/a", "-topproto -output=@D@/a"),
    ("work.cpu.pb.gz", "output=@D@/a\ntop3", "-top -nodecount=3 -output=@D@/a"),
    ("work.heap.pb.gz", "top", "-top -nodecount=10"),
    ("work.heap.pb.gz", "alloc_space\ntop", "-top -nodecount=10 -sample_index=alloc_space"),
    ("work.heap.pb.gz", "mean_alloc_space\ntop", "-top -nodecount=10 -sample_index=alloc_space -mean"),
    ("work.heap.pb.gz", "sample_index=1\nunit=kB\ntop", "-top -nodecount=10 -sample_index=1 -unit=kB"),
    ("work.heap.pb.gz", "divide_by=1024\ntree 3", "-tree -nodecount=3 -divide_by=1024"),
    ("synth.5k.pb.gz", "tags", "-tags"),
    ("synth.5k.pb.gz", "tags handler", "-tags -tagfocus=handler"),
    ("synth.5k.pb.gz", "tags -handler", "-tags -tagignore=handler"),
    ("synth.5k.pb.gz", "tagfocus=bytes=1kb:\ntop", "-top -nodecount=10 -tagfocus=bytes=1kb:"),
    ("synth.5k.pb.gz", "tagroot=handler\ntop", "-top -nodecount=10 -tagroot=handler"),
    ("synth.5k.pb.gz", "hide=runtime\nshow_from=main\ntop", "-top -nodecount=10 -hide=runtime -show_from=main"),
    ("synth.5k.pb.gz", "relative_percentages=1\ntop pkg1", "-top -nodecount=10 -relative_percentages -focus=pkg1"),
    ("pprof/heap.pb.gz", "raw", "-raw"),
    ("pprof/heap.pb.gz", "tags", "-tags"),
    ("pprof/heap.pb.gz", "traces", "-traces"),
    ("pprof/contention.pb.gz", "comments", "-comments"),
    ("pprof/cpu.pb.gz", "disasm line1000", "-disasm=line1000"),
]


def greeting_end(err):
    """stderr after the greeting."""
    key = 'Entering interactive mode (type "help" for commands, "o" for options)\n'
    i = err.find(key)
    return err[i + len(key):] if i >= 0 else err


def files(d):
    return {f: open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d))}


def main():
    prof, srcdir = os.path.abspath(sys.argv[1]), sys.argv[2]
    data = os.path.join(srcdir, "testdata")
    env = dict(os.environ, TZ="UTC", NO_COLOR="1", LC_ALL="C")
    passed = failed = 0
    for profile, lines, flags in CASES:
        d1, d2 = tempfile.mkdtemp(), tempfile.mkdtemp()
        try:
            shell = subprocess.run([prof, profile], cwd=data, env=env, capture_output=True,
                                   input=(lines.replace("@D@", d1) + "\n").encode())
            cli = subprocess.run([prof, "-compact_labels"] + flags.replace("@D@", d2).split() + [profile],
                                 cwd=data, env=env, capture_output=True, stdin=subprocess.DEVNULL)
            serr = greeting_end(shell.stderr.decode(errors="replace")).replace(d1, "@D@")
            cerr = cli.stderr.decode(errors="replace").replace(d2, "@D@")
            cerr = "".join(l[6:] if l.startswith("prof: ") else l for l in cerr.splitlines(True))
            problems = []
            if shell.stdout != cli.stdout:
                problems.append("stdout differs (shell %d bytes, cli %d bytes)" % (len(shell.stdout), len(cli.stdout)))
            if serr != cerr:
                problems.append("stderr differs:\n  shell: %r\n  cli:   %r" % (serr[:400], cerr[:400]))
            if files(d1) != files(d2):
                problems.append("files differ: %s vs %s" % (sorted(files(d1)), sorted(files(d2))))
            if shell.returncode != 0:
                problems.append("shell exit status %d" % shell.returncode)
            name = "%s: %s" % (profile, lines.replace("\n", "; "))
            if problems:
                failed += 1
                print("FAIL %s  (vs prof %s)" % (name, flags))
                for p in problems:
                    print("  " + p)
            else:
                passed += 1
                print("ok   %s" % name)
        finally:
            shutil.rmtree(d1)
            shutil.rmtree(d2)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
