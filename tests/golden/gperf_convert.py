#!/usr/bin/env python3
"""Rewrite a gperftools CPU profile with another word size or byte order.

    gperf_convert.py [--truncate] IN OUT BITS ENDIAN

BITS is 32 or 64, ENDIAN little or big.  IN is a gperftools (or Go legacy)
binary CPU profile in any of the four forms; its form is found the way
pprof's parseCPU finds it (profile/legacy_profile.go): the first reading of
32-bit LE, 32-bit BE, 64-bit LE, 64-bit BE words that gives the header
words 0, 3, 0 (1 for Java), period > 0, 0.

The binary part (header, samples `count depth pc...`, trailer `0 1 0`) is
rewritten word by word in the new form; the text after it (the
/proc/self/maps lines, or a Java symbol table) is copied unchanged, except
with --truncate (below).

A word that does not fit in 32 bits is an error, unless --truncate is given:
then every program counter keeps its low 32 bits, and so do the start and
end addresses of the /proc/self/maps lines of the text part (printed with 8
hex digits, as a 32-bit /proc/self/maps prints them).  The result is the same
process laid out modulo 4 GiB; the script checks that no two truncated
mappings overlap and that every program counter stays in the mapping it was
in, so that the profile reads (symbols aside) exactly as the original does.
pprof itself never truncates: it reads the words of the form it detected.

Only the standard library is used.  The files under testdata/legacy-variants/
were made with it (see testdata/README.md).
"""
import re
import struct
import sys

FORMS = [(32, "little"), (32, "big"), (64, "little"), (64, "big")]

MAPS_RE = re.compile(rb"^([0-9a-fA-F]+)-([0-9a-fA-F]+)(\s.*)$")


def fmt(bits, endian):
    return ("<" if endian == "little" else ">") + ("I" if bits == 32 else "Q")


def words(data, bits, endian):
    """All whole words of data in the given form."""
    n = bits // 8
    f = fmt(bits, endian)
    return [struct.unpack_from(f, data, i)[0] for i in range(0, len(data) - n + 1, n)]


def detect(data):
    for bits, endian in FORMS:
        w = words(data[: 5 * bits // 8], bits, endian)
        if len(w) == 5 and w[0] == 0 and w[1] == 3 and w[2] in (0, 1) and w[3] > 0 and w[4] == 0:
            return bits, endian
    raise SystemExit("gperf_convert: not a gperftools CPU profile (no header in any word form)")


def split(data, bits, endian):
    """(header words, samples as lists [count, depth, pc...], trailer, text bytes)."""
    n = bits // 8
    w = words(data, bits, endian)
    header = w[:5]
    i = 5
    samples = []
    while True:
        if i + 2 > len(w):
            raise SystemExit("gperf_convert: profile ends before its trailer")
        count, depth = w[i], w[i + 1]
        if i + 2 + depth > len(w):
            raise SystemExit("gperf_convert: sample runs past the end of the profile")
        rec = w[i : i + 2 + depth]
        i += 2 + depth
        if count == 0 and depth == 1 and rec[2] == 0:
            return header, samples, rec, data[i * n :]
        samples.append(rec)


def maps_ranges(text):
    """(start, end) of every /proc/self/maps line of the text part."""
    out = []
    for line in text.split(b"\n"):
        m = MAPS_RE.match(line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def truncate_text(text):
    lines = []
    for line in text.split(b"\n"):
        m = MAPS_RE.match(line)
        if m:
            start, end = int(m.group(1), 16), int(m.group(2), 16)
            line = b"%08x-%08x%s" % (start & 0xFFFFFFFF, ((end - 1) & 0xFFFFFFFF) + 1, m.group(3))
        lines.append(line)
    return b"\n".join(lines)


def mapping_of(ranges, addr):
    for k, (s, e) in enumerate(ranges):
        if s <= addr < e:
            return k
    return None


def check_truncation(samples, ranges):
    low = [(s & 0xFFFFFFFF, ((e - 1) & 0xFFFFFFFF) + 1) for s, e in ranges]
    for k, ((s, e), (ls, le)) in enumerate(zip(ranges, low)):
        if e - s != le - ls:
            raise SystemExit("gperf_convert: mapping %x-%x crosses a 4 GiB boundary" % (s, e))
    order = sorted(range(len(low)), key=lambda k: low[k])
    for a, b in zip(order, order[1:]):
        if low[a][1] > low[b][0]:
            raise SystemExit("gperf_convert: mappings %x-%x and %x-%x overlap once truncated"
                             % (ranges[a] + ranges[b]))
    for rec in samples:
        for pc in rec[2:]:
            # gperftools' stack addresses are return addresses: pprof looks
            # pc-1 up (the leaf too, after its own -1 adjustment for calls).
            for a in (pc, pc - 1):
                if mapping_of(ranges, a) != mapping_of(low, a & 0xFFFFFFFF):
                    raise SystemExit("gperf_convert: pc %#x changes mapping once truncated" % pc)


def main():
    args = sys.argv[1:]
    truncate = False
    if args and args[0] == "--truncate":
        truncate = True
        args = args[1:]
    if len(args) != 4 or args[2] not in ("32", "64") or args[3] not in ("little", "big"):
        raise SystemExit(__doc__)
    src, dst, bits, endian = args[0], args[1], int(args[2]), args[3]
    with open(src, "rb") as f:
        data = f.read()
    ibits, iendian = detect(data)
    header, samples, trailer, text = split(data, ibits, iendian)
    limit = (1 << bits) - 1
    too_big = any(v > limit for rec in samples for v in rec)
    if too_big and not truncate:
        raise SystemExit("gperf_convert: a word does not fit in %d bits (use --truncate)" % bits)
    if truncate and bits == 32:
        check_truncation(samples, maps_ranges(text))
        samples = [rec[:2] + [pc & 0xFFFFFFFF for pc in rec[2:]] for rec in samples]
        text = truncate_text(text)
    for rec in samples:
        if rec[0] > limit or rec[1] > limit:
            raise SystemExit("gperf_convert: a sample count or depth does not fit in %d bits" % bits)
    f = fmt(bits, endian)
    out = bytearray()
    for rec in [header] + samples + [trailer]:
        for v in rec:
            out += struct.pack(f, v)
    out += text
    with open(dst, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
