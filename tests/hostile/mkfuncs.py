#!/usr/bin/env python3
"""Write a profile with many distinct functions, quickly, whose reports are
known in advance (tests/hostile/test_hostile.py checks them).

usage: mkfuncs.py OUT.pb.gz [--stacks S] [--depth D]

S samples (default 10000); sample s (0-based) has a stack of D (default 100)
functions of its own, example.com/hostile/pP.FnN with N = s*D .. s*D+D-1
(N = s*D is the leaf), above main.main <- runtime.main <- runtime.goexit:
S*D distinct functions and 3 shared roots, S*D+3 functions, locations and
graph nodes.  Sample s has the values s+1 (samples/count) and (s+1) x 10us
(cpu/nanoseconds, the default type): the leaf of sample s has flat = cum =
those, every other frame of it cum = those, and the roots cum = the totals,
S(S+1)/2 and S(S+1)/2 x 10us.
"""
import argparse
import gzip

CPU_UNIT = 10000  # ns per count
ROOTS = ("runtime.goexit", "runtime.main", "main.main")  # outermost first


def func_name(n):
    return "example.com/hostile/p%d.Fn%d" % (n // 1000, n)


def totals(stacks):
    count = stacks * (stacks + 1) // 2
    return count, count * CPU_UNIT


def write(path, stacks, depth):
    n = stacks * depth
    nfn = n + len(ROOTS)
    cache = []
    for v in range(max(nfn + 16, 1 << 14)):
        b = bytearray()
        while v >= 0x80:
            b.append(v & 0x7F | 0x80)
            v >>= 7
        b.append(v)
        cache.append(bytes(b))

    def V(v):
        if v < len(cache):
            return cache[v]
        b = bytearray()
        while v >= 0x80:
            b.append(v & 0x7F | 0x80)
            v >>= 7
        b.append(v)
        return bytes(b)

    def L(tag, body):
        return tag + V(len(body)) + body

    fh = open(path, "wb")
    gz = gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1, mtime=0)
    out = []

    def flush():
        gz.write(b"".join(out))
        out.clear()

    # string table: 0 "", 1-4 types, 5 mapping file, 6 file name, 7-9 roots, then frames
    strings = ["", "samples", "count", "cpu", "nanoseconds", "/usr/local/bin/hostile", "hostile.go"] + list(ROOTS)
    first_name = len(strings)
    out.append(L(b"\x0a", b"\x08\x01\x10\x02"))  # sample_type samples/count
    out.append(L(b"\x0a", b"\x08\x03\x10\x04"))  # sample_type cpu/nanoseconds
    # locations and functions 1..3 are the roots (goexit, runtime.main, main.main);
    # frame N is location and function 4+N.
    roots_leaf_first = V(3) + V(2) + V(1)
    for s in range(stacks):
        base = 4 + s * depth
        locs = b"".join(cache[base:base + depth]) + roots_leaf_first
        vals = V(s + 1) + V((s + 1) * CPU_UNIT)
        out.append(L(b"\x12", L(b"\x0a", locs) + L(b"\x12", vals)))
    flush()
    # mapping 1: /usr/local/bin/hostile, has_functions/filenames/line_numbers
    out.append(L(b"\x1a", b"\x08\x01\x10" + V(0x400000) + b"\x18" + V(0x400000 + 16 * (nfn + 1)) +
                 b"\x28\x05\x38\x01\x40\x01\x48\x01"))
    for i in range(1, nfn + 1):  # location i: mapping 1, line {function i, line}
        line = L(b"\x22", b"\x08" + cache[i] + b"\x10" + cache[10 + i % 1000])
        out.append(L(b"\x22", b"\x08" + cache[i] + b"\x10\x01" + line))
        if len(out) >= 1 << 16:
            flush()
    for i in range(1, nfn + 1):  # function i: name = system name, file, start line
        s = 6 + i if i <= len(ROOTS) else first_name + i - 4
        out.append(L(b"\x2a", b"\x08" + cache[i] + b"\x10" + cache[s] + b"\x18" + cache[s] + b"\x20\x06\x28" +
                     cache[10 + i % 1000]))
        if len(out) >= 1 << 16:
            flush()
    out.extend(L(b"\x32", s.encode()) for s in strings)
    for k in range(n):
        out.append(L(b"\x32", func_name(k).encode()))
        if len(out) >= 1 << 16:
            flush()
    out.append(b"\x48" + V(1700000000000000000) + b"\x50" + V(10 ** 9))  # time, duration
    out.append(L(b"\x5a", b"\x08\x03\x10\x04") + b"\x60" + V(CPU_UNIT))   # period type, period
    flush()
    gz.close()
    fh.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--stacks", type=int, default=10000)
    ap.add_argument("--depth", type=int, default=100)
    a = ap.parse_args()
    write(a.output, a.stacks, a.depth)


if __name__ == "__main__":
    main()
