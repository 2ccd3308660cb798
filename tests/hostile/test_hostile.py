#!/usr/bin/env python3
"""Pathological but valid profiles: each is generated into a temporary
directory, and prof's reports on it are checked against what the generator
put in (not only the exit status), and against `go tool pprof` where that is
cheap (go installed, small inputs; the Time: line is left out, as this
go's pprof prints it in its older layout; no -tags, whose totals it prints
in its older form too).

usage: test_hostile.py PROF SRCDIR CASE
  deep         one 200,000-frame stack of distinct functions (genprof --deep)
  recursion    one sample with 50,000-deep recursion of one function (genprof --recursion)
  sample-types 2,000 sample types, 1,000 samples (genprof --sample-types)
  functions    1,000,003 distinct functions: 10,000 stacks of 100 own frames
               under 3 shared roots (mkfuncs.py, whose reports are known)

Every prof run's wall time, CPU time and peak RSS are printed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mkfuncs  # noqa: E402

ROW = re.compile(r"^\s*(\S+)\s+(\S+)%\s+(\S+)%\s+(\S+)\s+(\S+)%\s+(.*)$")
UNITS = {"ns": 1, "us": 1e3, "\u00b5s": 1e3, "ms": 1e6, "s": 1e9, "mins": 60e9, "hrs": 3600e9}


class Checker:
    def __init__(self, prof, tmp):
        self.prof, self.tmp = prof, tmp
        self.failed = self.passed = 0
        self.go = shutil.which("go")

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s" % (what, ": " + detail if detail else ""))
        return ok

    def run(self, args, want_rc=0, want_err=""):
        """prof args -> stdout text (stderr must be want_err; exit status want_rc)."""
        outp, errp, timep = (os.path.join(self.tmp, n) for n in ("out", "err", "time"))
        # /usr/bin/time measures the peak RSS of prof alone (wait4's also counts
        # this script's own, the high-water mark of the process that exec'd prof)
        timer = ["/usr/bin/time", "-f", "%M", "-o", timep] if os.access("/usr/bin/time", os.X_OK) else []
        with open(outp, "wb") as o, open(errp, "wb") as e:
            t0 = time.monotonic()
            p = subprocess.Popen(timer + [self.prof] + args, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
                                 env=dict(os.environ, TZ="UTC"))
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.monotonic() - t0
        rc = os.waitstatus_to_exitcode(status)
        rss_kb = ru.ru_maxrss
        if timer:
            with open(timep) as fh:
                lines = fh.read().split()
            rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else rss_kb
        with open(outp, "rb") as o, open(errp, "rb") as e:
            out, err = o.read().decode(errors="replace"), e.read().decode(errors="replace")
        print("  prof %s: %.2f s wall, %.2f s cpu, peak RSS %.0f MB" % (
            " ".join(os.path.basename(a) for a in args), wall, ru.ru_utime + ru.ru_stime, rss_kb / 1000))
        self.check("prof %s: exit status %d" % (" ".join(args), rc), rc == want_rc, "want %d" % want_rc)
        if want_rc == 0:
            self.check("prof %s: stderr" % " ".join(args), err == want_err, err[:300])
            return out
        return err

    def same_as_go(self, args, prof_out=None):
        """prof's stdout for args equals go tool pprof's (Time: lines left out)."""
        if not self.go:
            print("  (go not found: no comparison for %s)" % " ".join(args))
            return
        if prof_out is None:
            prof_out = self.run(args)
        t0 = time.monotonic()
        g = subprocess.run([self.go, "tool", "pprof"] + args, capture_output=True, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, TZ="UTC"))
        print("  go tool pprof %s: %.2f s" % (" ".join(os.path.basename(a) for a in args), time.monotonic() - t0))
        if g.returncode != 0:
            print("  (go tool pprof failed, exit %d: %s; no comparison)" % (g.returncode, g.stderr[:200]))
            return

        def strip(t):  # the Time: line, and Time: in -dot's legend
            return [re.sub(r"Time: .*?(\\l|$)", r"Time: \1", ln) for ln in t.splitlines()]
        a, b = strip(prof_out), strip(g.stdout.decode(errors="replace"))
        first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        self.check("prof %s matches go tool pprof" % " ".join(args), a == b,
                   "%d vs %d lines, first difference at line %d: %r vs %r" % (
                       len(a), len(b), first + 1, a[first] if first < len(a) else None,
                       b[first] if first < len(b) else None))


def value(text):
    """A report value (10ms, 1.50s, 1234) as a number (nanoseconds for times)."""
    m = re.match(r"^(-?[0-9.]+)([a-z\u00b5]*)$", text)
    if not m:
        raise ValueError("bad value %r" % text)
    return float(m.group(1)) * UNITS.get(m.group(2), 1)


def top_rows(out):
    """-top text -> (header lines, [(flat, flat%, sum%, cum, cum%, name)]) with numbers."""
    lines = out.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.split() == ["flat", "flat%", "sum%", "cum", "cum%"])
    rows = []
    for ln in lines[k + 1:]:
        m = ROW.match(ln)
        if not m:
            raise ValueError("bad row %r" % ln)
        rows.append((value(m.group(1)), float(m.group(2)), float(m.group(3)), value(m.group(4)),
                     float(m.group(5)), m.group(6)))
    return lines[:k], rows


def close(a, b, rel=0.006):
    """Equal up to the 2-3 significant digits the reports print."""
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-9


def genprof(srcdir, tmp, name, args):
    out = os.path.join(tmp, name + ".pb.gz")
    meta = os.path.join(tmp, name + ".json")
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(srcdir, "tests", "bench", "genprof.py"), "-q", "-o", out,
                    "--meta", meta] + args, check=True)
    print("genprof %s: %.1f s" % (" ".join(args), time.monotonic() - t0))
    with open(meta) as fh:
        return out, json.load(fh)


PERIOD = 10000000  # genprof's cpu nanoseconds per count


def case_deep(c, srcdir, tmp):
    n = 200000
    f, meta = genprof(srcdir, tmp, "deep", ["--samples", "0", "--deep", str(n)])
    c.check("generator: %d functions" % n, meta["n_functions"] == n, str(meta["n_functions"]))
    total = meta["total_count"] * PERIOD  # one sample: 10ms
    leaf = "example.com/synth/deep.Level%d" % (n - 3)  # below goexit, runtime.main, main.main
    head, rows = top_rows(c.run(["-top", f]))
    c.check("-top: header", "Showing nodes accounting for 10ms, 100% of 10ms total" in head, str(head))
    c.check("-top: one row per function", len(rows) == n, "%d rows" % len(rows))
    c.check("-top: every cum is the total", all(r[3] == total and r[4] == 100 for r in rows))
    flat = [r for r in rows if r[0] != 0]
    c.check("-top: only the leaf has flat = total", [(r[5], r[0]) for r in flat] == [(leaf, total)],
            str(flat[:3]))
    names = {r[5] for r in rows}
    c.check("-top: roots and distinct frames", len(names) == n and "runtime.goexit" in names and
            "example.com/synth/deep.Level1" in names)
    out = c.run(["-top", "-nodecount=10", f])
    head, rows = top_rows(out)
    c.check("-top -nodecount=10: node count", "Showing top 10 nodes out of %d" % n in head, str(head))
    c.check("-top -nodecount=10: leaf first", rows and rows[0][5] == leaf and rows[0][0] == total, str(rows[:1]))
    # -traces: the one sample, leaf first, goexit last
    tr = [ln.strip() for ln in c.run(["-traces", f]).splitlines()]
    k = next((i for i, ln in enumerate(tr) if ln.startswith("10ms ")), None)
    frames = [tr[k].split(None, 1)[1]] + tr[k + 1:k + n] if k is not None else []
    c.check("-traces: %d frames, leaf to root" % n,
            len(frames) == n and frames[0] == leaf and frames[-1] == "runtime.goexit" and
            len(tr) > k + n and tr[k + n].startswith("-----"), "%d frames" % len(frames))
    # -tree: the chain; -proto keeps the stack whole
    tree = c.run(["-tree", "-nodecount=5", f])
    c.check("-tree: a report of the chain", "Showing top 5 nodes out of %d" % n in tree and leaf in tree,
            tree[:400])
    saved = os.path.join(tmp, "deep.saved.pb.gz")
    c.run(["-proto", "-output=" + saved, f], want_err="Generating report in %s\n" % saved)
    c.check("-proto round trip: same -top", c.run(["-top", "-nodecount=10", saved]) == out)
    # go tool pprof takes ~5 s of CPU on the 200,000 frames: compare on 20,000
    small, _ = genprof(srcdir, tmp, "deep20k", ["--samples", "0", "--deep", "20000"])
    for args in (["-top", "-nodecount=10"], ["-traces"], ["-tree", "-nodecount=10"]):
        c.same_as_go(args + [small])


def case_recursion(c, srcdir, tmp):
    n = 50000
    f, meta = genprof(srcdir, tmp, "rec", ["--samples", "0", "--recursion", str(n)])
    total = meta["total_count"] * PERIOD
    head, rows = top_rows(c.run(["-top", f]))
    byname = {r[5]: r for r in rows}
    rec = "example.com/synth/rec.Recurse"
    c.check("-top: 5 functions", sorted(byname) == sorted(["runtime.goexit", "runtime.main", "main.main", rec,
                                                           "example.com/synth/rec.leaf"]), str(sorted(byname)))
    c.check("-top: the recursive function counted once (cum = total, flat 0)",
            rec in byname and byname[rec][3] == total and byname[rec][4] == 100 and byname[rec][0] == 0,
            str(byname.get(rec)))
    c.check("-top: the leaf has flat = total",
            byname.get("example.com/synth/rec.leaf", (0,))[0] == total)
    c.check("-top: header", "Showing nodes accounting for 10ms, 100% of 10ms total" in head, str(head))
    tr = c.run(["-traces", f])
    c.check("-traces: %d recursive frames" % n, sum(1 for ln in tr.splitlines() if ln.strip() == rec) == n)
    for args in (["-top"], ["-top", "-cum"], ["-tree"], ["-peek=Recurse"], ["-traces"], ["-dot"],
                 ["-top", "-lines"], ["-callgrind"]):
        c.same_as_go(args + [f])


def case_sample_types(c, srcdir, tmp):
    k = 2000
    f, meta = genprof(srcdir, tmp, "types", ["--samples", "1000", "--sample-types", str(k)])
    sys.path.insert(0, os.path.join(srcdir, "tests", "bench"))
    import genprof as gp
    # genprof's types: samples/count (x1), cpu/nanoseconds, its EXTRA_SAMPLE_TYPES, then extraN/count (xN)
    j = k - 3
    assert j >= len(gp.EXTRA_SAMPLE_TYPES)
    last, mul = "extra%d" % (j + 1), j + 1
    total = meta["total_count"] * mul
    out_last = c.run(["-top", "-nodefraction=0", "-sample_index=%d" % (k - 1), f])
    head, rows = top_rows(out_last)
    c.check("-sample_index=%d: Type" % (k - 1), "Type: %s" % last in head, str(head))
    c.check("-sample_index=%d: total %d" % (k - 1, total),
            "Showing nodes accounting for %d, 100%% of %d total" % (total, total) in head, str(head))
    _, rows0 = top_rows(c.run(["-top", "-nodefraction=0", "-sample_index=samples", f]))
    # (the (inline) / (partial-inline) marks may differ: pprof drops different
    # light edges for different sample types; go tool pprof agrees)
    def fn(name):
        return re.sub(r" \((partial-)?inline\)$", "", name)
    want = {fn(r[5]): (r[0] * mul, r[3] * mul) for r in rows0}
    got = {fn(r[5]): (r[0], r[3]) for r in rows}
    c.check("-sample_index=%d: every function's flat and cum = %d x its samples" % (k - 1, mul), got == want,
            "%d vs %d functions" % (len(got), len(want)))
    c.check("-sample_index=%s is the same report" % last,
            c.run(["-top", "-nodefraction=0", "-sample_index=" + last, f]) == out_last)
    err = c.run(["-top", "-sample_index=%d" % k, f], want_rc=2)
    c.check("-sample_index=%d: range error" % k,
            err.splitlines()[:1] == ["prof: sample_index %d is outside the range [0..%d]" % (k, k - 1)], err[:200])
    c.same_as_go(["-top", "-sample_index=%d" % (k - 1), f])
    c.same_as_go(["-top", "-sample_index=alloc_space", f])
    c.same_as_go(["-top", "-sample_index=samples", f])


def case_functions(c, srcdir, tmp):
    stacks, depth = 10000, 100
    nfn = stacks * depth + len(mkfuncs.ROOTS)
    count_total, cpu_total = mkfuncs.totals(stacks)
    # a small one first, against go tool pprof: the shape's reports are pprof's
    small = os.path.join(tmp, "small.pb.gz")
    mkfuncs.write(small, 100, 50)
    for args in (["-top", "-nodecount=10", "-nodefraction=0"], ["-top"], ["-top", "-cum", "-nodefraction=0"],
                 ["-tree", "-nodecount=10"]):
        c.same_as_go(args + [small])
    f = os.path.join(tmp, "functions.pb.gz")
    t0 = time.monotonic()
    mkfuncs.write(f, stacks, depth)
    print("mkfuncs %d x %d: %.1f s, %d bytes" % (stacks, depth, time.monotonic() - t0, os.path.getsize(f)))

    # Each run loads the 1M functions again (~5 s of CPU, ~12 s under ASan): three runs.
    head, rows = top_rows(c.run(["-top", "-nodecount=10", "-nodefraction=0", "-sample_index=samples", f]))
    top10 = sum(stacks - i for i in range(10))
    acc = [re.match(r"^Showing nodes accounting for (\d+), ([0-9.]+)% of (\d+) total$", ln) for ln in head]
    acc = [m for m in acc if m]
    c.check("-top (samples): totals", len(acc) == 1 and int(acc[0].group(1)) == top10 and
            int(acc[0].group(3)) == count_total and close(float(acc[0].group(2)), 100.0 * top10 / count_total),
            str(head))
    c.check("-top (samples): node count", "Showing top 10 nodes out of %d" % nfn in head, str(head))
    want = [(stacks - i, mkfuncs.func_name((stacks - 1 - i) * depth)) for i in range(10)]
    c.check("-top (samples): the leaves of the 10 largest samples, flat = cum",
            [(r[0], r[5]) for r in rows] == want and all(r[0] == r[3] for r in rows), str(rows[:2]))
    c.check("-top (samples): percentages",
            all(abs(r[1] - 100.0 * r[0] / count_total) < 0.006 and abs(r[4] - r[1]) < 1e-9 for r in rows))

    head, rows = top_rows(c.run(["-top", "-sample_index=samples", f]))
    c.check("-top (default node fraction): every own frame dropped",
            "Dropped %d nodes (cum <= %d)" % (stacks * depth, count_total * 0.005) in head, str(head))
    c.check("-top (default node fraction): the 3 roots, cum = total, flat 0",
            sorted(r[5] for r in rows) == sorted(mkfuncs.ROOTS) and
            all(r[3] == count_total and r[4] == 100 and r[0] == 0 for r in rows), str(rows))

    # cpu, the default sample type: 500.05s in all; the leaf of sample s has (s+1) x 10us
    dot = c.run(["-dot", "-nodecount=20", "-nodefraction=0", f])
    c.check("-dot: type, total and node count", "Type: cpu\\l" in dot and "of 500.05s total\\l" in dot and
            "Showing top 20 nodes out of %d\\l" % nfn in dot, dot[:600])
    tips = dict(re.findall(r'^N\d+ \[.* tooltip="(.*) \(([^()]*)\)" ', dot, re.M))
    leaf = mkfuncs.func_name((stacks - 1) * depth)
    c.check("-dot: 20 nodes, main.main with 500.05s, the largest leaf with 0.10s",
            len(tips) == 20 and tips.get("main.main") == "500.05s" and tips.get(leaf) == "0.10s",
            str(sorted(tips.items())[:4]))


CASES = {"deep": case_deep, "recursion": case_recursion, "sample-types": case_sample_types,
         "functions": case_functions}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    prof, srcdir, case = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(prof, tmp)
        try:
            CASES[case](c, srcdir, tmp)
        except (ValueError, StopIteration, KeyError, IndexError) as e:
            c.check("report parsing", False, repr(e))
    print("%s: %d passed, %d failed, %.1f s" % (case, c.passed, c.failed, time.monotonic() - t0))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
