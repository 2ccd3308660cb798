#!/usr/bin/env python3
"""Rewrite pprof's 2022 `Time:` header into the current upstream layout.

Usage: fix_time.py PROFILE... < pprof-output > fixed-output

The `go tool pprof` installed here (Go 1.19, pprof of 2022) prints the profile
time as `Time: Nov 21, 2026 at 12:52pm (UTC)` (Go layout
`Jan 2, 2006 at 3:04pm (MST)`).  Current pprof, which prof follows, prints
`Time: 2026-11-21 12:52:07 UTC` (layout `2006-01-02 15:04:05 MST`, local time
zone).  The old line has no seconds, so the new one is computed from the
profile's own `time_nanos` (profile.proto top-level field 9, a varint).

Every occurrence of `Time: <old layout>` is replaced (text reports print it on
its own line, dot legends print it between `\\l` separators).  An occurrence
that does not agree with the time_nanos of exactly one PROFILE is an error, so
a wrong PROFILE argument cannot go unnoticed.  Several PROFILEs may be given
(merged sources, -base): each occurrence is matched against all of them and
must be consistent with exactly one seconds-precision time.  Arguments that
are not profiles are ignored.  Input without any such occurrence is copied
unchanged and no PROFILE is read.

Standard library only.
"""

import gzip
import re
import sys
import time
import zlib

TIME_FIELD = 9  # Profile.time_nanos

OLD_RE = re.compile(
    rb"Time: ([A-Z][a-z]{2}) ([0-9]{1,2}), ([0-9]{4,}) at ([0-9]{1,2}):([0-9]{2})(am|pm) \(([^()\\\n]*)\)"
)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fail(msg):
    sys.stderr.write("fix_time.py: %s\n" % msg)
    sys.exit(1)


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ValueError("varint too long")


def time_nanos(data):
    """Return the last top-level field 9 (as int64), or 0 when absent."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    pos = 0
    value = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = read_varint(data, pos)
            if field == TIME_FIELD:
                v &= (1 << 64) - 1
                value = v - (1 << 64) if v >= 1 << 63 else v
        elif wire == 1:
            pos += 8
        elif wire == 2:
            n, pos = read_varint(data, pos)
            pos += n
        elif wire == 5:
            pos += 4
        else:
            raise ValueError("unsupported wire type %d at top level" % wire)
        if pos > len(data):
            raise ValueError("truncated field %d" % field)
    return value


def layouts(ns):
    """(old-layout match groups, new-layout string) for time_nanos ns."""
    tm = time.localtime(ns // 1_000_000_000)  # floor, like Go's time.Unix(0, ns)
    zone = time.strftime("%Z", tm).encode()
    hour12 = tm.tm_hour % 12 or 12
    old = (MONTHS[tm.tm_mon - 1].encode(), str(tm.tm_mday).encode(),
           b"%04d" % tm.tm_year, str(hour12).encode(), b"%02d" % tm.tm_min,
           b"am" if tm.tm_hour < 12 else b"pm", zone)
    new = time.strftime("%Y-%m-%d %H:%M:%S ", tm).encode() + zone
    return old, new


def main():
    if len(sys.argv) < 2:
        fail("usage: fix_time.py PROFILE... < in > out")
    text = sys.stdin.buffer.read()
    if not OLD_RE.search(text):
        sys.stdout.buffer.write(text)
        return

    # Candidate times: one per readable profile argument.  Several are given
    # when pprof merged sources (or -base); the merged time is one of them.
    cands = {}
    errors = []
    for path in sys.argv[1:]:
        try:
            with open(path, "rb") as f:
                ns = time_nanos(f.read())
        except (OSError, ValueError, EOFError, zlib.error) as e:
            errors.append("%s: %s" % (path, e))
            continue
        if ns != 0:
            cands[ns] = path
    if not cands:
        fail("output has a Time: line but no profile with time_nanos among %s%s"
             % (" ".join(sys.argv[1:]), "".join("\n  " + e for e in errors)))

    def repl(m):
        news = set()
        for ns in cands:
            old, new = layouts(ns)
            if m.groups() == old:
                news.add(new)
        if len(news) != 1:
            fail("%r matches %d distinct candidate times of %s"
                 % (m.group(0), len(news), " ".join(sorted(set(cands.values())))))
        return b"Time: " + news.pop()

    sys.stdout.buffer.write(OLD_RE.sub(repl, text))


if __name__ == "__main__":
    main()
