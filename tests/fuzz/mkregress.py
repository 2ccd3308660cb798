#!/usr/bin/env python3
"""Write the hand-made regression inputs of the loader target (README.md).

    tests/fuzz/mkregress.py [OUTDIR]     (default: tests/fuzz/corpus/load)

Each is a small profile.proto (not compressed) for a bug found by fuzzing and
fixed; the replay test (suite fuzz) runs the loader and the reports on it,
cli_check.sh runs prof on it with report flags.  The files are committed; this
script says how they were made.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, packed, vfield  # noqa: E402

M64 = 1 << 64
MIN_INT64 = -(1 << 63)
MAX_INT64 = (1 << 63) - 1

STRINGS = ["", "contentions", "count", "delay", "nanoseconds", "main.f", "f.go", "main.g"]
S = {s: i for i, s in enumerate(STRINGS)}


def sample(locs, values, *extra):
    return lfield(2, packed(1, locs) + packed(2, values) + b"".join(extra))


def tables():
    """Sample types contentions/count, delay/nanoseconds; main.f (location 1)
    called by main.g (location 2); the string table."""
    out = lfield(1, vfield(1, S["contentions"]) + vfield(2, S["count"]))
    out += lfield(1, vfield(1, S["delay"]) + vfield(2, S["nanoseconds"]))
    out += lfield(4, vfield(1, 1) + vfield(3, 0x1000) + lfield(4, vfield(1, 1) + vfield(2, 10)))
    out += lfield(4, vfield(1, 2) + vfield(3, 0x2000) + lfield(4, vfield(1, 2) + vfield(2, 20)))
    out += lfield(5, vfield(1, 1) + vfield(2, S["main.f"]) + vfield(4, S["f.go"]))
    out += lfield(5, vfield(1, 2) + vfield(2, S["main.g"]) + vfield(4, S["f.go"]))
    for s in STRINGS:
        out += lfield(6, s.encode())
    return out


def mean_minint64():
    """-mean divides each value by the sample's first one: MinInt64 / -1, which
    is MinInt64 in Go and a SIGFPE in C (-traces, -top -nodefraction=0,
    -weblist -mean)."""
    return sample([1, 2], [-1, MIN_INT64]) + tables()


def dot_edge_weight():
    """-dot's edge weight is w*100/total and w*5/total: with w = 2**61, w*100
    wraps to MinInt64, and the |values| summed wrap to a total of -1."""
    w = 1 << 61
    assert (w * 100) % M64 == 1 << 63
    b = (-1 - w - MAX_INT64) % M64
    assert b <= MAX_INT64
    return (sample([1, 2], [1, w]) + sample([2], [1, MAX_INT64]) + sample([2], [1, b]) + tables())


def empty_packed():
    """Empty packed location_id and value fields (valid protobuf: no
    elements) were rejected as a malformed Sample."""
    return (lfield(2, lfield(1, b"") + lfield(2, b"") + packed(1, [1, 2]) + packed(2, [3, 300])) +
            lfield(2, packed(1, [2]) + lfield(1, b"") + packed(2, [1, 100]) + lfield(2, b"")) + tables())


INPUTS = {
    "crash-mean-minint64-div-minus1.pb": mean_minint64,
    "crash-dot-edge-weight-minint64-div-minus1.pb": dot_edge_weight,
    "regress-empty-packed-fields.pb": empty_packed,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "load")
    for name, make in INPUTS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
