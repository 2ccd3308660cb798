#!/usr/bin/env python3
"""Gzip bombs and -max_size: a few hundred KB that inflate to hundreds of MB
fail with one line `prof: FILE: reason`, exit 1, nothing on stdout, in bounded
time and with a peak RSS well below the inflated size; -max_size smaller than
a profile fails with the limit message, and a limit the profile fits in works.
The bombs are made here (zlib, streamed), not stored.

usage: test_bomb.py PROF SRCDIR
"""
import functools
import gzip
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, packed, vfield  # noqa: E402

MB = 1 << 20
BOMB_MB = 300        # inflated size of the bombs
# Peak RSS allowed (the inflated size is 315 MB), as wait4 gives it: that
# includes this script's own ~17 MB (the high-water mark before exec).  The
# bomb is rejected by its first MiB (17 MB here plain, prof alone 4.5 MB with
# /usr/bin/time; 55 MB under ASan); the zeros after a profile are inflated up
# to -max_size=32mb (37 MB plain; 139 MB under ASan, whose quarantine keeps
# the buffers that realloc left behind).
BOMB_RSS_MB = 100
TAIL_RSS_MB = 200
TIME_LIMIT = 30      # seconds per run (the bomb takes ~0.1 s, ~1 s under ASan)


def zeros_member(n_mb, level=9):
    """A gzip member of n_mb MiB of zero bytes (~1 KB per MiB at level 9)."""
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    block = bytes(MB)
    out = [c.compress(block) for _ in range(n_mb)]
    out.append(c.flush())
    return b"".join(out)


def small_profile():
    """One sample of 5 in main, as test_errors.py's GOOD."""
    return (lfield(1, vfield(1, 1) + vfield(2, 2)) + lfield(2, packed(1, [1]) + packed(2, [5])) +
            lfield(3, vfield(1, 1) + vfield(7, 1)) + lfield(4, vfield(1, 1) + vfield(2, 1) + lfield(4, vfield(1, 1))) +
            lfield(5, vfield(1, 1) + vfield(2, 3)) +
            b"".join(lfield(6, s.encode()) for s in ("", "cpu", "nanoseconds", "main")))


def run(prof, args, tmp, stdin=None):
    """Run prof (standard input from the file stdin, or empty); (status,
    stdout bytes, stderr text, peak RSS in MB, seconds)."""
    outp, errp = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
    with open(outp, "wb") as o, open(errp, "wb") as e, open(stdin or os.devnull, "rb") as i:
        t0 = time.monotonic()
        p = subprocess.Popen([prof] + args, stdout=o, stderr=e, stdin=i,
                             env=dict(os.environ, TZ="UTC", PPROF_TMPDIR=os.path.join(tmp, "saved")))
        deadline = t0 + TIME_LIMIT
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        secs = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    rss_mb = ru.ru_maxrss * 1024 / 1e6  # ru_maxrss is in KB on Linux
    with open(outp, "rb") as o, open(errp, "rb") as e:
        return p.returncode, o.read(), e.read().decode(errors="replace"), rss_mb, secs


def main():
    prof, srcdir = sys.argv[1], sys.argv[2]
    work = os.path.join(srcdir, "testdata", "work.cpu.pb.gz")
    with open(work, "rb") as fh:
        work_size = len(gzip.decompress(fh.read()))
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        bomb = os.path.join(tmp, "bomb.pb.gz")
        t0 = time.monotonic()
        with open(bomb, "wb") as fh:
            fh.write(zeros_member(BOMB_MB))
        print("bomb: %d bytes -> %d MiB of zeros (made in %.1f s)" % (os.path.getsize(bomb), BOMB_MB,
                                                                   time.monotonic() - t0))
        # A profile member, then the zeros: not rejected by its first bytes, so
        # only -max_size stops it.
        tail = os.path.join(tmp, "tail.pb.gz")
        with open(tail, "wb") as fh:
            fh.write(gzip.compress(small_profile()) + zeros_member(BOMB_MB))

        limit_msg = "prof: {f}: decompressing profile: inflated size exceeds the limit of %d bytes " \
                    "(raise it with -max_size)"
        cases = [
            # name, args, file, status, stderr line (None: any, with status 0), RSS bound in MB
            ("gzip bomb", ["-top"], bomb, 1,
             "prof: {f}: decompressing profile: the data starts with more than 1048576 zero bytes, "
             "which no profile does (a gzip bomb?)", BOMB_RSS_MB),
            ("gzip bomb, shell", [], bomb, 1,
             "prof: {f}: decompressing profile: the data starts with more than 1048576 zero bytes, "
             "which no profile does (a gzip bomb?)", BOMB_RSS_MB),
            ("zeros after a profile, -max_size=32mb", ["-top", "-max_size=32mb"], tail, 1,
             limit_msg % (32 * MB), TAIL_RSS_MB),
            ("-max_size below a normal profile", ["-top", "-max_size=%d" % (work_size - 1)], work, 1,
             limit_msg % (work_size - 1), None),
            ("-max_size=4kb", ["-top", "-max_size=4kb"], work, 1, limit_msg % 4096, None),
            ("-max_size exactly the profile", ["-top", "-max_size=%d" % work_size], work, 0, None, None),
            ("-max_size=0 (no limit)", ["-top", "-max_size=0"], work, 0, None, None),
            ("-max_size=1GB", ["-top", "-max_size=1GB"], work, 0, None, None),
            ("bad -max_size", ["-top", "-max_size=12q"], work, 2,
             "invalid value \"12q\" for flag -max_size: parse error", None),
            ("-max_size out of range", ["-top", "-max_size=99999999999999tb"], work, 2,
             "invalid value \"99999999999999tb\" for flag -max_size: value out of range", None),
        ]
        # -max_size also bounds a body fetched over HTTP
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        handler = functools.partial(Quiet, directory=os.path.dirname(work))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d/%s" % (server.server_address[1], os.path.basename(work))
        cases.append(("-max_size on a URL", ["-top", "-max_size=1kb"], url, 1,
                      "prof: {f}: http fetch: the response is larger than 1024 bytes (raise it with -max_size)",
                      None))
        # standard input (which may never end) is held to -max_size too
        stdin_of = {"-": work}
        cases.append(("-max_size on standard input", ["-top", "-max_size=4kb"], "-", 1,
                      "prof: -: read: the input is larger than the limit of 4096 bytes (raise it with -max_size)",
                      None))
        cases.append(("standard input within -max_size", ["-top", "-max_size=1mb"], "-", 0, None, None))
        ref = run(prof, ["-top", work], tmp)
        for name, args, f, rc, want, rss_bound in cases:
            status, out, err, rss, secs = run(prof, args + [f], tmp, stdin_of.get(f))
            lines = err.splitlines()
            if f.startswith("http:") and "cannot load libcurl" in err:
                print("skip %s: %s" % (name, lines[0]))
                continue
            problems = []
            if status != rc:
                problems.append("exit status %d, want %d" % (status, rc))
            if want is not None:
                want = want.format(f=f)
                if not lines or lines[0] != want:
                    problems.append("stderr %r, want %r" % (lines[:2], want))
                if rc == 1 and len(lines) != 1:
                    problems.append("stderr has %d lines, want 1" % len(lines))
                if out:
                    problems.append("stdout not empty: %r" % out[:200])
            elif out != ref[1] or err:
                problems.append("output differs from -top without -max_size (stderr %r)" % lines[:2])
            if rss_bound is not None and rss > rss_bound:
                problems.append("peak RSS %.0f MB, want at most %d MB" % (rss, rss_bound))
            if secs >= TIME_LIMIT:
                problems.append("killed after %d s" % TIME_LIMIT)
            if "AddressSanitizer" in err or "runtime error" in err or "LeakSanitizer" in err:
                problems.append("sanitizer report")
            print("%s %s: %.2f s, peak RSS %.0f MB" % ("FAIL" if problems else "ok", name, secs, rss))
            for p in problems:
                print("    " + p)
            if problems:
                failed += 1
            else:
                passed += 1
        server.shutdown()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
