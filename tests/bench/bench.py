#!/usr/bin/env python3
"""Speed and memory benchmark of prof against `zcat` (and go tool pprof).

    python3 tests/bench/bench.py build/prof [--sizes 200000,1000000] [--dir DIR] [--repeat R]

Generates (once; cached in DIR, default build/bench-data under the current
directory) synthetic CPU profiles with genprof.py: a ~10 KB one and one per
--sizes entry (200k samples: 50k stacks over 20k functions; 1M samples: 200k
stacks over 50k functions).  For each profile it times `zcat FILE >/dev/null`
and `PROF -top`, `-tree`, `-dot`, `-top -focus=F` (F: a function of
mid-frequency stacks, chosen by genprof), best of R runs, with the peak RSS of
the child (wait4 rusage); then `go tool pprof -top` on the 200k profile once,
and checks the targets.  See README.md in this directory.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENPROF = os.path.join(HERE, "genprof.py")

# samples -> (distinct stacks, functions)
SHAPES = {200000: (50000, 20000), 1000000: (200000, 50000)}
TINY = (200, 100, 200)  # samples, stacks, functions: ~10 KB gzipped
SEED = 1

TARGET_TOP_X_ZCAT = 4.0
TARGET_RSS_X_RAW = 6.0
TARGET_TINY_TOP_MS = 10.0


def shape_for(n):
    if n in SHAPES:
        return SHAPES[n]
    return max(1, n // 4), min(50000, max(500, n // 10))


def generator_id():
    with open(GENPROF, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:12]


def ensure_profile(d, label, samples, stacks, functions):
    """Return the meta dict of the cached profile, generating it if needed."""
    base = "synth-n%d-s%d-f%d-seed%d" % (samples, stacks, functions, SEED)
    path = os.path.join(d, base + ".pb.gz")
    meta_path = os.path.join(d, base + ".json")
    gid = generator_id()
    if os.path.exists(path) and os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                meta = json.load(f)
            p = meta["params"]
            if (meta.get("generator") == gid and p["samples"] == samples and
                    p["stacks"] == stacks and p["functions"] == functions and
                    p["seed"] == SEED and os.path.getsize(path) == meta["gz_size"]):
                meta["path"] = path
                meta["label"] = label
                meta["cached"] = True
                return meta
        except (OSError, ValueError, KeyError):
            pass
    print("generating %s (%d samples, %d stacks, %d functions) ..." %
          (path, samples, stacks, functions), file=sys.stderr, flush=True)
    cmd = [sys.executable, GENPROF, "--samples", str(samples), "--stacks", str(stacks),
           "--functions", str(functions), "--seed", str(SEED), "-o", path,
           "--meta", meta_path, "-q"]
    subprocess.run(cmd, check=True)
    with open(meta_path) as f:
        meta = json.load(f)
    print("  done in %.1fs: %s gz, %s raw" % (meta["gen_seconds"], mb(meta["gz_size"]),
                                             mb(meta["raw_size"])), file=sys.stderr)
    meta["path"] = path
    meta["label"] = label
    meta["cached"] = False
    return meta


def mb(n):
    return "%.2f MB" % (n / 1e6) if n >= 1e5 else "%.1f KB" % (n / 1e3)


class Result:
    def __init__(self, seconds=None, rss_kb=0, exit=0, err="", cpu=None):
        self.seconds = seconds
        self.cpu = cpu
        self.rss_kb = rss_kb
        self.exit = exit
        self.err = err

    @property
    def ok(self):
        return self.exit == 0


def run_once(argv, timeout):
    """Run argv with stdout to /dev/null; return Result(wall seconds, peak RSS)."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        try:
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, errf.fileno(), 2),
            ])
        except OSError as e:
            return Result(exit=127, err=str(e))
        killed = []

        def kill():
            killed.append(True)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter()
        timer.cancel()
        code = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read(2000).decode(errors="replace").strip()
        if killed:
            err = "timed out after %gs" % timeout
        return Result(t1 - t0, ru.ru_maxrss, code, err, ru.ru_utime + ru.ru_stime)


def bench(argv, repeat, timeout):
    """Best-of-repeat wall time, max peak RSS; stops at the first failure."""
    best = None
    for _ in range(repeat):
        r = run_once(argv, timeout)
        if not r.ok:
            return r
        if best is None:
            best = r
        else:
            best.rss_kb = max(best.rss_kb, r.rss_kb)
            best.seconds = min(best.seconds, r.seconds)
            best.cpu = min(best.cpu, r.cpu)
    return best


def fmt_ms(s):
    ms = s * 1000
    return "%.1f" % ms if ms < 100 else "%.0f" % ms


def main():
    ap = argparse.ArgumentParser(description="benchmark prof against zcat and go tool pprof")
    ap.add_argument("prof", help="the prof binary (e.g. build/prof)")
    ap.add_argument("--sizes", default="200000,1000000",
                    help="comma-separated sample counts of the large profiles")
    ap.add_argument("--dir", default=os.path.join("build", "bench-data"),
                    help="cache directory for generated profiles")
    ap.add_argument("--repeat", type=int, default=3, help="runs per command (best time)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run before kill")
    ap.add_argument("--no-go", action="store_true", help="skip go tool pprof")
    args = ap.parse_args()

    prof = args.prof
    if os.sep in prof and not os.path.exists(prof):
        sys.exit("bench: %s: no such file" % prof)
    if os.sep in prof:
        prof = os.path.abspath(prof)
    zcat = shutil.which("zcat")
    if zcat is None:
        sys.exit("bench: zcat not found")
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    os.makedirs(args.dir, exist_ok=True)
    repeat = max(1, args.repeat)

    profiles = [ensure_profile(args.dir, "~10KB", *TINY)]
    for n in sizes:
        st, fn = shape_for(n)
        label = "%dk" % (n // 1000) if n % 1000 == 0 and n < 1000000 else \
            "%gM" % (n / 1e6) if n >= 1000000 else str(n)
        profiles.append(ensure_profile(args.dir, label, n, st, fn))

    rows = []
    notes = []
    summary = {}  # label -> dict
    for m in profiles:
        path = m["path"]
        z = bench([zcat, path], repeat, args.timeout)
        zs = z.seconds if z.ok else None
        info = {"meta": m, "zcat": zs, "cmds": {}}
        summary[m["label"]] = info
        rows.append([m["label"], str(m["n_samples"]), mb(m["gz_size"]), mb(m["raw_size"]),
                     "zcat", fmt_ms(zs) if zs else "n/a", fmt_ms(z.cpu) if zs else "", "1.00",
                     "", ""])
        focus = (m.get("focus") or {}).get("name")
        cmds = [("-top", [prof, "-top", path]),
                ("-tree", [prof, "-tree", path]),
                ("-dot", [prof, "-dot", path])]
        if focus:
            cmds.append(("-top -focus", [prof, "-top", "-focus=" + focus, path]))
        for name, argv in cmds:
            r = bench(argv, repeat, args.timeout)
            info["cmds"][name] = r
            rows.append(result_row(["", "", "", ""], "prof " + name, r, zs, m["raw_size"]))
            if not r.ok and r.err:
                notes.append(("%s prof %s" % (m["label"], name), r.err.splitlines()[0][:150]))

    # go tool pprof -top on the 200k profile (or the first large one), once
    go_res = None
    go_label = None
    if not args.no_go and shutil.which("go") and len(profiles) > 1:
        big = [m for m in profiles[1:] if m["n_samples"] == 200000] or profiles[1:2]
        m = big[0]
        go_label = m["label"]
        tool = subprocess.run(["go", "tool", "-n", "pprof"], capture_output=True, text=True)
        gcmd = [tool.stdout.strip()] if tool.returncode == 0 and tool.stdout.strip() \
            else ["go", "tool", "pprof"]
        go_res = run_once(gcmd + ["-top", m["path"]], args.timeout)
        rows.append(result_row([m["label"], str(m["n_samples"]), mb(m["gz_size"]),
                                mb(m["raw_size"])], "go tool pprof -top", go_res,
                               summary[m["label"]]["zcat"], m["raw_size"]))
        if not go_res.ok and go_res.err:
            notes.append(("go tool pprof", go_res.err.splitlines()[0][:150]))

    header = ["profile", "samples", "gz", "raw", "command", "time ms", "cpu ms", "x zcat",
              "RSS MB", "x raw"]
    print_table(header, rows)
    for m in profiles:
        f = m.get("focus")
        if f:
            print("%s: -focus=%s (in ~%.1f%% of the samples)" % (m["label"], f["name"],
                                                              100 * f["fraction"]))
    by_msg = {}
    for who, msg in notes:
        by_msg.setdefault(msg, []).append(who)
    for msg, whos in by_msg.items():
        who = ", ".join(whos) if len(whos) <= 3 else "%d commands" % len(whos)
        print("stderr (%s): %s" % (who, msg))

    # targets
    print()
    print("targets:")
    checks = []
    for label, info in summary.items():
        if label == profiles[0]["label"]:
            continue
        r = info["cmds"]["-top"]
        if r.ok and info["zcat"]:
            x = r.seconds / info["zcat"]
            checks.append(("prof -top <= %gx zcat (%s)" % (TARGET_TOP_X_ZCAT, label),
                           x <= TARGET_TOP_X_ZCAT, "%.2fx" % x))
        else:
            checks.append(("prof -top <= %gx zcat (%s)" % (TARGET_TOP_X_ZCAT, label), None,
                           "n/a"))
    for label, info in summary.items():
        if label == profiles[0]["label"]:
            continue
        raw = info["meta"]["raw_size"]
        oks = [r for r in info["cmds"].values() if r.ok]
        name = "peak RSS <= %gx uncompressed (%s, all prof commands)" % (TARGET_RSS_X_RAW, label)
        if oks:
            peak = max(r.rss_kb for r in oks) * 1024
            ok = peak <= TARGET_RSS_X_RAW * raw
            missing = len(info["cmds"]) - len(oks)
            if ok and missing:
                ok = "met so far (%d of %d commands n/a)" % (missing, len(info["cmds"]))
            checks.append((name, ok, "%.2fx" % (peak / raw)))
        else:
            checks.append((name, None, "n/a"))
    tiny = summary[profiles[0]["label"]]["cmds"]["-top"]
    name = "prof -top on the ~10 KB profile <= %g ms" % TARGET_TINY_TOP_MS
    if tiny.ok:
        checks.append((name, tiny.seconds * 1000 <= TARGET_TINY_TOP_MS,
                       "%.1f ms" % (tiny.seconds * 1000)))
    else:
        checks.append((name, None, "n/a"))
    w = max(len(c[0]) for c in checks)
    for name, ok, val in checks:
        if isinstance(ok, str):
            mark = ok
        else:
            mark = "met" if ok else "NOT MET" if ok is False else "not met (did not run)"
        print("  %-*s  %8s  %s" % (w, name, val, mark))
    return 0


def result_row(prefix, name, r, zcat_s, raw):
    if not r.ok:
        what = "n/a (signal %d)" % -r.exit if r.exit < 0 else "n/a (exit %d)" % r.exit
        if r.err.startswith("timed out"):
            what = "n/a (timeout)"
        return prefix + [name, what, "", "", "", ""]
    rss = r.rss_kb * 1024
    return prefix + [name, fmt_ms(r.seconds), fmt_ms(r.cpu),
                     "%.2f" % (r.seconds / zcat_s) if zcat_s else "n/a",
                     "%.1f" % (rss / 1e6), "%.2f" % (rss / raw)]


def print_table(header, rows):
    left = {0, 4}
    ncol = len(header)
    widths = [len(h) for h in header]
    for r in rows:
        for i, c in enumerate(r):
            if i == 5 and c.startswith("n/a"):
                continue  # may spill over the following empty columns
            widths[i] = max(widths[i], len(c))

    def line(cells):
        out = []
        for i in range(ncol):
            c = cells[i] if i < len(cells) else ""
            if i == 5 and c.startswith("n/a"):
                out.append(c.ljust(widths[i]))
            else:
                out.append(c.ljust(widths[i]) if i in left else c.rjust(widths[i]))
        return "  ".join(out).rstrip()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
