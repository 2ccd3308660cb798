#!/usr/bin/env python3
"""Time `top` in prof's shell on a loaded profile: the profile is loaded once,
then `top` is run N times; prints the wall time of each run (from sending the
line to the end of its output).

  bench_top.py PROF PROFILE [N]

Two modes are timed: through a pseudo-terminal (the interactive path: line
editor, each report in a forked child) and through a pipe (scripted path,
reports in-process).  The end of a report is the next prompt (pty) or its
13th line (pipe: 3 header lines + 10 rows).  CPU time (user+sys of prof and
its reaped children, from /proc) is printed too: it is what to compare on a
busy machine.
"""
import os
import pty
import select
import subprocess
import sys
import time


def cpu(pid):
    """CPU seconds used by pid and its reaped children (utime+stime+cutime+cstime)."""
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


def bench_pty(prof, profile, n):
    env = dict(os.environ, TERM="dumb", XDG_STATE_HOME=os.environ.get("TMPDIR", "/tmp") + "/prof-bench-state")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(prof, [prof, profile], env)
    t0 = time.time()
    read_until(fd, lambda b: b.endswith(b"(prof) "))
    load = time.time() - t0
    times = []
    for _ in range(n):
        t, c = time.time(), cpu(pid)
        os.write(fd, b"top\r")
        read_until(fd, lambda b: b"Showing" in b and b.endswith(b"(prof) "))
        times.append((time.time() - t, cpu(pid) - c))
    os.write(fd, b"q\r")
    os.waitpid(pid, 0)
    return load, times


def bench_pipe(prof, profile, n):
    p = subprocess.Popen([prof, profile], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    read_until(p.stderr.fileno(), lambda b: b"Entering interactive mode" in b)
    load = time.time() - t0
    times = []
    for _ in range(n):
        t, c = time.time(), cpu(p.pid)
        p.stdin.write(b"top\n")
        p.stdin.flush()
        read_until(p.stdout.fileno(), lambda b: b.count(b"\n") >= 13)
        times.append((time.time() - t, cpu(p.pid) - c))
    p.stdin.close()
    p.wait()
    return load, times


def main():
    prof, profile = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    for name, fn in (("pty (fork per report)", bench_pty), ("pipe (in-process)", bench_pipe)):
        load, times = fn(prof, profile, n)
        print("%-22s load %.2fs  top (wall/cpu): %s" % (name, load, "  ".join("%.3fs/%.2fs" % t for t in times)))


if __name__ == "__main__":
    main()
