#!/usr/bin/env python3
"""Time reports in prof's shell on a loaded profile.

  bench_top.py PROF PROFILE [N] [--idle SECONDS] [--focus REGEXP]

The profile is loaded once per session; then these lines are sent one after
the other, each as soon as the previous report is complete, and the wall time
of each (from sending the line to the end of its output) is printed with the
CPU time prof used meanwhile (user+sys of prof and its threads, from /proc: the
figure to compare on a busy machine):

  top (N times), top -cum, tree, peek REGEXP, then focus=REGEXP + top
  (a new view), then : + top (the first view again, computed anew)

Two sessions run through a pseudo-terminal (the interactive path: prompt,
line editor, and the default report computed ahead while the prompt waits):
one sends its first line as soon as the prompt appears, the other waits
--idle seconds (default 3) first, as a person reading the greeting would.
A third session runs through a pipe (the scripted path: nothing is computed
ahead).  The end of a report is the next prompt (pty) or the 13th line of a
`top` (pipe).
"""
import os
import pty
import select
import subprocess
import sys
import time


def cpu(pid):
    """CPU seconds used by pid and its threads and reaped children."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def read_until(fd, pred, timeout=600):
    buf = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            d = os.read(fd, 1 << 16)
            if not d:
                break
            buf += d
            if pred(buf):
                return buf
    raise SystemExit("timeout or EOF; got %r" % buf[-500:])


def script(n, focus):
    lines = [("top", b"top")] * n
    lines += [("top -cum", b"top -cum"), ("tree", b"tree"), ("peek", b"peek " + focus.encode())]
    lines += [("focus+top", b"focus=" + focus.encode() + b"\ntop"), (":+top", b":\ntop")]
    return lines


def bench_pty(prof, profile, lines, idle):
    env = dict(os.environ, TERM="dumb", XDG_STATE_HOME=os.environ.get("TMPDIR", "/tmp") + "/prof-bench-state")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(prof, [prof, profile], env)
    t0 = time.time()
    read_until(fd, lambda b: b.endswith(b"(prof) "))
    load = time.time() - t0
    if idle:
        time.sleep(idle)
    times = []
    for name, line in lines:
        t, c = time.time(), cpu(pid)
        prompts = line.count(b"\n") + 1
        os.write(fd, line.replace(b"\n", b"\r") + b"\r")
        read_until(fd, lambda b: b.count(b"(prof) ") >= prompts and b.endswith(b"(prof) "))
        times.append((name, time.time() - t, cpu(pid) - c))
    os.write(fd, b"q\r")
    os.waitpid(pid, 0)
    return load, times


def bench_pipe(prof, profile, lines, idle):
    p = subprocess.Popen([prof, profile], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    read_until(p.stderr.fileno(), lambda b: b"Entering interactive mode" in b)
    load = time.time() - t0
    times = []
    for name, line in lines:
        t, c = time.time(), cpu(p.pid)
        p.stdin.write(line + b"\n")
        p.stdin.flush()
        # Every report but peek starts with its header lines; count lines of output.
        want = {"tree": 5, "peek": 5}.get(name, 13)
        read_until(p.stdout.fileno(), lambda b: b.count(b"\n") >= want and b.endswith(b"\n"))
        time.sleep(0.05 if name in ("tree", "peek") else 0)  # let the rest of a long report arrive
        times.append((name, time.time() - t, cpu(p.pid) - c))
    p.stdin.close()
    p.wait()
    return load, times


def main():
    args = sys.argv[1:]
    idle, focus = 3.0, "runtime.mallocgc"
    if "--idle" in args:
        i = args.index("--idle")
        idle = float(args[i + 1])
        del args[i:i + 2]
    if "--focus" in args:
        i = args.index("--focus")
        focus = args[i + 1]
        del args[i:i + 2]
    prof, profile = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 3
    lines = script(n, focus)
    sessions = (("pty, at once", bench_pty, 0), ("pty, after %gs idle" % idle, bench_pty, idle),
                ("pipe", bench_pipe, 0))
    for name, fn, wait in sessions:
        load, times = fn(prof, profile, lines, wait)
        print("%-20s load %.2fs" % (name, load))
        print("   " + "  ".join("%s %.3fs/%.2fs" % t for t in times))


if __name__ == "__main__":
    main()
