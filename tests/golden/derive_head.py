#!/usr/bin/env python3
"""Derive current-pprof (HEAD) -raw and -tags output from the installed 2022 pprof.

Usage (from testdata/, TZ=UTC):
    python3 ../tests/golden/derive_head.py raw ARGS... PROFILE > expected.out
    python3 ../tests/golden/derive_head.py tags ARGS... PROFILE > expected.out

Only for the few golden cases listed as "derived" in cases-reports.tsv; see
README-reports.md.  Both modes run `go tool pprof` themselves and change only
what the current layout changed, refusing (exit 1) whenever the rewrite would
need information the 2022 output does not carry.

raw:  2022 pprof merges even a single source (dropping unreferenced mappings
      and renumbering ids) and prints `file:line` without `:column`.  The
      rewrite inserts `:0` (only allowed when no Line of the profile has a
      column), checks that the location ids printed are the file's own ids in
      the file's order and that the printed mappings are the file's first ones,
      and appends the file's remaining mappings.

tags: 2022 pprof prints the pre-2025 layout (values as %.1f in a per-key
      unit, percentages of the key total).  The rewrite runs
      `-tags -unit=UNIT` (UNIT = the sample unit, so every value prints exactly)
      and `-top -unit=UNIT` (for the exact report total), then formats the
      current layout: formatValue (auto-scaled %.2f), Percentage of the report
      total, values ordered by |value| then name, numeric label names scaled
      (`-num KEY` marks KEY as a numeric label in bytes; its 2022 names are
      exact `<n>B`), through the tabwriter rules of printTags.

Standard library only.
"""

import gzip
import re
import subprocess
import sys


def fail(msg):
    sys.stderr.write("derive_head.py: %s\n" % msg)
    sys.exit(1)


# ---- a minimal profile.proto reader ----

def varint(buf, pos):
    r = s = 0
    while True:
        b = buf[pos]
        pos += 1
        r |= (b & 0x7F) << s
        if not b & 0x80:
            return r, pos
        s += 7


def fields(buf):
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        f, w = key >> 3, key & 7
        if w == 0:
            v, pos = varint(buf, pos)
        elif w == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif w == 2:
            n, pos = varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif w == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("wire type %d" % w)
        yield f, w, v


def read_profile(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    strings, mappings, loc_ids, columns = [], [], [], 0
    for f, w, v in fields(data):
        if f == 6:
            strings.append(v.decode("utf-8", "surrogateescape"))
        elif f == 3:
            m = {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0}
            for mf, _, mv in fields(v):
                m[mf] = mv
            mappings.append(m)
        elif f == 4:
            lid = 0
            for lf, _, lv in fields(v):
                if lf == 1:
                    lid = lv
                elif lf == 4:
                    for nf, _, nv in fields(lv):
                        if nf == 3 and nv != 0:
                            columns += 1
            loc_ids.append(lid)
    return strings, mappings, loc_ids, columns


def mapping_line(strings, m):
    bits = "".join(b for k, b in ((7, "[FN]"), (8, "[FL]"), (9, "[LN]"), (10, "[IN]")) if m[k])
    return "%d: %#x/%#x/%#x %s %s %s" % (m[1], m[2], m[3], m[4], strings[m[5]], strings[m[6]], bits)


def pprof(args):
    r = subprocess.run(["go", "tool", "pprof"] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        fail("go tool pprof %s: exit status %d" % (" ".join(args), r.returncode))
    return r.stdout.decode("utf-8", "surrogateescape")


def derive_raw(args):
    strings, mappings, loc_ids, columns = read_profile(args[-1])
    if columns:
        fail("the profile has %d non-zero columns: 2022 pprof does not print them" % columns)
    lines = pprof(["-raw"] + args).split("\n")
    if lines[-1] != "":
        fail("output does not end with a newline")
    lines.pop()
    li, mi = lines.index("Locations"), lines.index("Mappings")
    printed_ids = []
    for i in range(li + 1, mi):
        m = re.match(r"^ *(\d+): 0x", lines[i])
        if m:
            printed_ids.append(int(m.group(1)))
        if lines[i].endswith(" ") and m:
            continue  # a location without lines
        hits = list(re.finditer(r":(-?\d+) s=(-?\d+)", lines[i]))
        if len(hits) != 1:
            fail("cannot place the column in %r" % lines[i])
        lines[i] = lines[i][:hits[0].end(1)] + ":0" + lines[i][hits[0].end(1):]
    if printed_ids != loc_ids:
        fail("2022 pprof renumbered or dropped locations: not derivable")
    printed_maps = lines[mi + 1:]
    want = [mapping_line(strings, m) for m in mappings]
    if printed_maps != want[:len(printed_maps)]:
        fail("2022 pprof renumbered mappings: not derivable")
    sys.stdout.write("\n".join(lines[:mi + 1] + want) + "\n")


# ---- tags ----

TIME = [("ns", 1), ("us", 1e3), ("ms", 1e6), ("s", 1e9), ("hrs", 3600e9)]
MEMORY = [("B", 1), ("kB", 1024.0), ("MB", 1024.0 ** 2), ("GB", 1024.0 ** 3), ("TB", 1024.0 ** 4),
          ("PB", 1024.0 ** 5)]
FAMILIES = {"nanoseconds": (TIME, 1), "bytes": (MEMORY, 1)}


def go_round2(x):
    s = "%.2f" % x
    return s[:-3] if s.endswith(".00") else s


def scaled(v, unit):
    """measurement.ScaledLabel(v, unit, "minimum")."""
    if v == 0:
        return "0"
    if unit not in FAMILIES:
        return go_round2(float(v))
    table, _ = FAMILIES[unit]
    a = abs(v)
    name, fac = table[0]
    for n, f in table:
        if a / f >= 1.0:
            name, fac = n, f
    return go_round2(v / fac) + name


def percentage(v, total):
    ratio = abs(v / total) * 100 if total else 0.0
    if 99.95 <= ratio <= 100.05:
        return "  100%"
    if ratio >= 1.0:
        return "%5.2f%%" % ratio
    return "%5.2g%%" % ratio


UNIT_SUFFIX = {"nanoseconds": "ns", "bytes": "B"}


def derive_tags(args):
    numeric = set()
    while len(args) >= 2 and args[0] == "-num":
        numeric.add(args[1])
        args = args[2:]
    prof = args[-1]
    if any(a.startswith(("-unit", "--unit", "-divide_by", "--divide_by", "-mean", "--mean")) for a in args):
        fail("-unit, -divide_by and -mean are not supported")
    # The sample unit, from the -top header of a -unit=<unit> run.
    unit = None
    for u in ("nanoseconds", "bytes"):
        top = pprof(["-top", "-nodecount=1", "-unit=" + u] + args)
        m = re.search(r"of (-?\d+)(\w*) total", top)
        if m and m.group(2) == UNIT_SUFFIX[u]:
            unit, total = u, int(m.group(1))
            break
    if unit is None:
        fail("cannot find an exact total for %s" % prof)
    out = pprof(["-tags", "-unit=" + unit] + args)
    suffix = UNIT_SUFFIX[unit]
    blocks, cur = [], None
    for line in out.split("\n"):
        m = re.match(r"^ *(.*): Total (-?\d+)\.0" + suffix + "$", line)
        if m:
            cur = (m.group(1), int(m.group(2)), [])
            blocks.append(cur)
            continue
        m = re.match(r"^ *(-?\d+)\.0" + suffix + r"(?: \([^)]*\))?: (.*)$", line)
        if m:
            name = m.group(2)
            if cur[0] in numeric:
                n = re.match(r"^(-?\d+)B$", name)
                if not n:
                    fail("numeric label %r is not exact bytes" % name)
                name = scaled(int(n.group(1)), "bytes")
            cur[2].append((int(m.group(1)), name))
            continue
        if line.strip():
            fail("unexpected line %r" % line)
    res = []
    for key, ktotal, vals in sorted(blocks):
        if sum(v for v, _ in vals) != ktotal:
            fail("key %s: values do not add up" % key)
        # Equal names (distinct 2022 names scaling to one) are summed, as pprof's map does.
        merged = {}
        for v, n in vals:
            merged[n] = merged.get(n, 0) + v
        vals = sorted(((v, n) for n, v in merged.items()), key=lambda t: (-abs(t[0]), t[1]))
        cells = ["%s (%s):" % (scaled(v, unit), percentage(v, total)) for v, _ in vals]
        w0 = max(len(key) + 1, 1) + 1
        w1 = max(len(c) for c in cells) + 1 if cells else 0
        res.append("%*s Total %s of %s (%s)" % (w0, key + ":", scaled(ktotal, unit), scaled(total, unit),
                                                percentage(ktotal, total)))
        for c, (v, n) in zip(cells, vals):
            res.append("%*s%*s %s" % (w0, " ", w1, c, n))
        res.append("")
    sys.stdout.write("".join(line + "\n" for line in res))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("raw", "tags"):
        fail("usage: derive_head.py raw|tags ARGS... PROFILE")
    if sys.argv[1] == "raw":
        derive_raw(sys.argv[2:])
    else:
        derive_tags(sys.argv[2:])


if __name__ == "__main__":
    main()
