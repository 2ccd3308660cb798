#!/usr/bin/env python3
"""Print the decoded content of a profile.proto file (gzipped or not), one
field per line, strings resolved through the string table (stdlib only).

    protodump.py FILE            # the profile's content
    protodump.py --strings FILE  # also the string table, in order

Two profiles have the same content when their dumps are equal; the bytes of
the files may differ (field encoding, packing, compression).  Fields with
their default value are printed too, so an omitted field and an explicit
zero compare equal, as they decode equal.
"""

import gzip
import sys


def varint(buf, i):
    v = shift = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return v, i


def fields(buf):
    """(field number, wire type, value) for each field of a message."""
    i, out = 0, []
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 1:
            v, i = int.from_bytes(buf[i:i + 8], "little"), i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wire == 5:
            v, i = int.from_bytes(buf[i:i + 4], "little"), i + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        out.append((num, wire, v))
    return out


def signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def ints(fs, num, sign=True):
    """A repeated integer field, packed or not."""
    out = []
    for n, w, v in fs:
        if n != num:
            continue
        if w == 2:
            i = 0
            while i < len(v):
                x, i = varint(v, i)
                out.append(signed(x) if sign else x)
        else:
            out.append(signed(v) if sign else v)
    return out


def one(fs, num, sign=True):
    vals = ints(fs, num, sign)
    return vals[-1] if vals else 0


def msgs(fs, num):
    return [fields(v) for n, w, v in fs if n == num]


def dump(data, with_strings):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    top = fields(data)
    st = [v.decode("utf-8", "replace") for n, w, v in top if n == 6]
    s = lambda i: repr(st[i]) if 0 <= i < len(st) else "<bad string %d>" % i
    out = []
    if with_strings:
        for i, x in enumerate(st):
            out.append("string %d %r" % (i, x))
    for m in msgs(top, 1):
        out.append("sample_type %s %s" % (s(one(m, 1)), s(one(m, 2))))
    for m in msgs(top, 2):
        labels = []
        for lb in msgs(m, 3):
            labels.append("%s=%s/%d/%s" % (s(one(lb, 1)), s(one(lb, 2)), one(lb, 3), s(one(lb, 4))))
        out.append("sample locs=%s values=%s labels=[%s]" % (ints(m, 1, False), ints(m, 2), " ".join(labels)))
    for m in msgs(top, 3):
        out.append("mapping id=%d start=%#x limit=%#x offset=%#x file=%s buildid=%s fn=%d fl=%d ln=%d in=%d" % (
            one(m, 1, False), one(m, 2, False), one(m, 3, False), one(m, 4, False), s(one(m, 5)), s(one(m, 6)),
            one(m, 7), one(m, 8), one(m, 9), one(m, 10)))
    for m in msgs(top, 4):
        lines = ["%d:%d:%d" % (one(ln, 1, False), one(ln, 2), one(ln, 3)) for ln in msgs(m, 4)]
        out.append("location id=%d mapping=%d address=%#x folded=%d lines=[%s]" % (
            one(m, 1, False), one(m, 2, False), one(m, 3, False), one(m, 5), " ".join(lines)))
    for m in msgs(top, 5):
        out.append("function id=%d name=%s system_name=%s file=%s start=%d" % (
            one(m, 1, False), s(one(m, 2)), s(one(m, 3)), s(one(m, 4)), one(m, 5)))
    out.append("drop_frames %s" % s(one(top, 7)))
    out.append("keep_frames %s" % s(one(top, 8)))
    out.append("time_nanos %d" % one(top, 9))
    out.append("duration_nanos %d" % one(top, 10))
    pt = msgs(top, 11)
    out.append("period_type %s %s" % ((s(one(pt[-1], 1)), s(one(pt[-1], 2))) if pt else ("''", "''")))
    out.append("period %d" % one(top, 12))
    for c in ints(top, 13):
        out.append("comment %s" % s(c))
    out.append("default_sample_type %s" % s(one(top, 14)))
    out.append("doc_url %s" % s(one(top, 15)))
    return out


def main():
    args = sys.argv[1:]
    with_strings = "--strings" in args
    args = [a for a in args if a != "--strings"]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    with open(args[0], "rb") as f:
        data = f.read()
    sys.stdout.write("\n".join(dump(data, with_strings)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
