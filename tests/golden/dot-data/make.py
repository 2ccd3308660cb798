#!/usr/bin/env python3
"""Write the hand-made profiles of the dot golden cases (stdlib only).

    python3 tests/golden/dot-data/make.py    # rewrites the *.pb.gz beside this file

Deterministic (gzip mtime 0).  The profiles exercise what the corpus lacks:

  weird.pb.gz     names, files, labels, comments and a binary name with
                  quotes, backslashes, newlines and non-ASCII text; a location
                  without function; a negative sample; a pprof::base label
  manytags.pb.gz  six string-label values times eleven `bytes` sizes (more
                  than four numeric tags per node, so they are bucketed), plus
                  unlabelled samples with only `bytes` labels
"""

import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from protowire import lfield as fb, opt_packed, opt_vfield as fv  # noqa: E402


class Profile:
    def __init__(self):
        self.strings = [""]
        self.index = {"": 0}
        self.functions = {}
        self.locations = []

    def s(self, text):
        if text not in self.index:
            self.index[text] = len(self.strings)
            self.strings.append(text)
        return self.index[text]

    def func(self, name, file, start):
        if name not in self.functions:
            self.functions[name] = (len(self.functions) + 1, file, start)
        return self.functions[name][0]

    def loc(self, address, frames):
        """frames: [(name, file, start line, line)], innermost first; name None = no function."""
        lid = len(self.locations) + 1
        lines = b"".join(fb(4, (fv(1, self.func(n, f, st)) if n is not None else b"") + fv(2, ln))
                         for n, f, st, ln in frames)
        self.locations.append(fv(1, lid) + fv(2, 1) + fv(3, address) + lines)
        return lid

    def encode(self, sample_types, samples, binary, comments=(), time_nanos=1795265600_000000000,
               duration=1_000_000_000):
        out = bytearray()
        for t, u in sample_types:
            out += fb(1, fv(1, self.s(t)) + fv(2, self.s(u)))
        for locs, values, labels in samples:
            lab = b""
            for k, v, unit in labels:
                if isinstance(v, str):
                    lab += fb(3, fv(1, self.s(k)) + fv(2, self.s(v)))
                else:
                    lab += fb(3, fv(1, self.s(k)) + fv(3, v) + (fv(4, self.s(unit)) if unit else b""))
            out += fb(2, opt_packed(1, locs) + opt_packed(2, values) + lab)
        out += fb(3, fv(1, 1) + fv(2, 0x400000) + fv(3, 0x500000) + fv(5, self.s(binary))
                  + fv(7, 1) + fv(8, 1) + fv(9, 1) + fv(10, 1))
        for loc in self.locations:
            out += fb(4, loc)
        for name, (fid, file, start) in self.functions.items():
            out += fb(5, fv(1, fid) + fv(2, self.s(name)) + fv(3, self.s(name))
                      + fv(4, self.s(file)) + fv(5, start))
        period_type = fb(11, fv(1, self.s(sample_types[-1][0])) + fv(2, self.s(sample_types[-1][1])))
        notes = b"".join(fv(13, self.s(c)) for c in comments)
        strings = b"".join(fb(6, x.encode()) for x in self.strings)
        return bytes(out) + strings + fv(9, time_nanos) + fv(10, duration) + period_type + fv(12, 1) + notes


def weird():
    p = Profile()
    src = 'dir "q"/f\\x.go'
    root = p.loc(0x1000, [('main."quoted"', src, 1, 2)])
    a = p.loc(0x2000, [('pkg\\back.slash', src, 3, 4), ('inl::Name<"x">::f', src, 5, 6)])
    c = p.loc(0x3000, [('ünïcødé.函数', 'ü/ñ.go', 7, 8)])
    d = p.loc(0x4000, [(None, '', 0, 0)])
    e = p.loc(0x5000, [('line\nbreak.fn', src, 9, 10)])
    samples = [
        ([a, root], [5, 500], [('k"ey', 'v\\al"ue', None), ('bytes', 100, None)]),
        ([c, a, root], [3, 300], [('k"ey', 'other', None), ('bytes', 2048, 'bytes')]),
        ([d, c, root], [2, -250], [('bytes', 100, None), ('bytes', 4096, None)]),
        ([e, root], [1, 100], []),
        ([e, c, root], [4, 400], [('pprof::base', 'true', None), ('x', 'y', None)]),
    ]
    return p.encode([('samples', 'count'), ('alloc', 'bytes')], samples, '/bin/we"ird\\bin',
                    comments=['comment with "quotes" and \\backslash', '#hidden', 'multi\nline'])


def manytags():
    p = Profile()
    root = p.loc(0x1000, [('main.main', 'm.go', 1, 2)])
    leaf = p.loc(0x2000, [('main.leaf', 'm.go', 3, 4)])
    mid = p.loc(0x3000, [('main.mid', 'm.go', 5, 6)])
    samples = []
    i = 0
    for h in 'abcdef':
        for size in [1, 7, 64, 1000, 1024, 1025, 4096, 65536, 1 << 20, 3 << 20, 10 << 30]:
            i += 1
            stack = [leaf, mid, root] if i % 3 else [mid, root]
            samples.append((stack, [i, i * 1000 + size % 97], [('handler', '/' + h, None), ('bytes', size, None)]))
    for size in [5, 50, 500, 5000, 50000, 500000, 123]:
        samples.append(([leaf, root], [1, size], [('bytes', size, None)]))
    return p.encode([('samples', 'count'), ('space', 'bytes')], samples, '/bin/tags')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, data in [('weird.pb.gz', weird()), ('manytags.pb.gz', manytags())]:
        with open(os.path.join(here, name), 'wb') as f:
            f.write(gzip.compress(data, mtime=0))


if __name__ == '__main__':
    main()
