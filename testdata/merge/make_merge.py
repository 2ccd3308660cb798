#!/usr/bin/env python3
"""Write the hand-made profiles of testdata/merge/ (stdlib only).

    python3 testdata/merge/make_merge.py    # rewrites the *.pb.gz beside this file

Deterministic: the same bytes on every run (gzip mtime 0).  Small CPU-like
profiles for merging several sources (tests/golden/cases-merge.tsv):

  a.pb.gz   samples/count, cpu/nanoseconds; mapping /bin/app at 0x400000;
            string labels (same stack with different labels, duplicate
            samples, an all-zero sample); comments "shared", "only a";
            no default sample type
  b.pb.gz   cpu/microseconds, samples/count, alloc/bytes (other order, other
            unit, an extra type); /bin/app mapped at another address (ASLR);
            default sample type "samples", comments "shared",
            "only b", an earlier time, period 10000 (µs)
  c.pb.gz   samples/count, cpu/nanoseconds without mappings (pprof adds a
            fake one) and without a time; a numeric label
  d.pb.gz   samples/count, space/bytes with period type space/bytes: its
            period type cannot be merged with a CPU profile's
  e.pb.gz   samples/count, cpu/bytes: same type name as a's cpu with a unit
            of another family

The 2022 `go tool pprof` that makes the expected outputs has no
CompatibilizeSampleTypes (merging profiles with different sample type lists),
so for those cases this script also writes what current pprof turns the
inputs into before merging (sample types kept/reordered, default sample
type updated), named after the merge order:

  ab.b.pb.gz             b as merged after a (types of a: samples, cpu)
  ba.b.pb.gz, ba.a.pb.gz b and a as merged in the order b, a (types cpu, samples)

and `go tool pprof` on those gives the expected output of `prof` on the
originals (see tests/golden/cases-merge.tsv).
"""

import copy
import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "lib"))
from protowire import lfield, opt_packed, opt_vfield  # noqa: E402


APP = "example.com/app/main.go"


def encode(p):
    """p: dict with sample_types [(type, unit)], samples [(frames, values, labels)],
    where frames are location names (leaf first) and labels [(key, str or int, unit)],
    locations {name: (address, [(function, line)])}, functions {name: (file, start)},
    mapping (start, limit, file) or None, period_type, period, time, duration,
    comments, default_sample_type, doc_url."""
    strings, index = [""], {"": 0}

    def s(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    fn_ids = {name: i + 1 for i, name in enumerate(p["functions"])}
    loc_ids = {name: i + 1 for i, name in enumerate(p["locations"])}
    out = bytearray()
    for t, u in p["sample_types"]:
        out += lfield(1, opt_vfield(1, s(t)) + opt_vfield(2, s(u)))
    for frames, values, labels in p["samples"]:
        lb = b""
        for k, v, unit in labels:
            if isinstance(v, str):
                lb += lfield(3, opt_vfield(1, s(k)) + opt_vfield(2, s(v)))
            else:
                lb += lfield(3, opt_vfield(1, s(k)) + opt_vfield(3, v) + opt_vfield(4, s(unit)))
        out += lfield(2, opt_packed(1, [loc_ids[f] for f in frames]) + opt_packed(2, values) + lb)
    if p["mapping"]:
        start, limit, file = p["mapping"]
        out += lfield(3, opt_vfield(1, 1) + opt_vfield(2, start) + opt_vfield(3, limit) + opt_vfield(5, s(file))
                      + opt_vfield(7, 1) + opt_vfield(8, 1) + opt_vfield(9, 1))
    for name, (addr, lines) in p["locations"].items():
        ls = b"".join(lfield(4, opt_vfield(1, fn_ids[f]) + opt_vfield(2, ln)) for f, ln in lines)
        out += lfield(4, opt_vfield(1, loc_ids[name]) + opt_vfield(2, 1 if p["mapping"] else 0)
                      + opt_vfield(3, addr) + ls)
    for name, (file, start) in p["functions"].items():
        out += lfield(5, opt_vfield(1, fn_ids[name]) + opt_vfield(2, s(name)) + opt_vfield(3, s(name))
                      + opt_vfield(4, s(file)) + opt_vfield(5, start))
    pt = lfield(11, opt_vfield(1, s(p["period_type"][0])) + opt_vfield(2, s(p["period_type"][1])))
    comments = [s(c) for c in p["comments"]]
    dflt = s(p["default_sample_type"])
    doc = s(p["doc_url"])
    table = b"".join(lfield(6, x.encode()) for x in strings)
    return (bytes(out) + table + opt_vfield(9, p["time"]) + opt_vfield(10, p["duration"]) + pt
            + opt_vfield(12, p["period"]) + b"".join(opt_vfield(13, c) for c in comments)
            + opt_vfield(14, dflt) + opt_vfield(15, doc))


START = {"main.main": 10, "main.work": 20, "main.helper": 30, "main.other": 40}


def functions(names):
    return {n: (APP, START[n]) for n in names}


T0 = 1_700_000_000_000_000_000


def profile_a():
    return {
        "sample_types": [("samples", "count"), ("cpu", "nanoseconds")],
        "functions": functions(["main.main", "main.work", "main.helper"]),
        "locations": {
            "main": (0x401000, [("main.main", 12)]),
            "work": (0x402000, [("main.work", 22)]),
            "helper": (0x403000, [("main.helper", 33), ("main.work", 24)]),
        },
        "samples": [
            (["work", "main"], [3, 30000000], [("handler", "h1", "")]),
            (["helper", "main"], [2, 20000000], []),
            (["work", "main"], [1, 10000000], [("handler", "h2", "")]),
            (["helper", "work", "main"], [0, 0], []),
            (["work", "main"], [1, 10000000], [("handler", "h1", "")]),
        ],
        "mapping": (0x400000, 0x500000, "/bin/app"),
        "period_type": ("cpu", "nanoseconds"),
        "period": 10000000,
        "time": T0,
        "duration": 1_000_000_000,
        "comments": ["shared", "only a"],
        "default_sample_type": "",
        "doc_url": "",
    }


def profile_b():
    return {
        "sample_types": [("cpu", "microseconds"), ("samples", "count"), ("alloc", "bytes")],
        "functions": functions(["main.other", "main.work", "main.main"]),
        "locations": {
            "other": (0x7f0000404000, [("main.other", 44)]),
            "work": (0x7f0000402000, [("main.work", 22)]),
            "main": (0x7f0000401000, [("main.main", 12)]),
        },
        "samples": [
            (["work", "main"], [20000, 2, 100], [("handler", "h1", "")]),
            (["other", "main"], [5000, 1, 0], []),
            (["other", "work", "main"], [0, 0, 512], []),
        ],
        "mapping": (0x7f0000400000, 0x7f0000500000, "/bin/app"),
        "period_type": ("cpu", "microseconds"),
        "period": 10000,
        "time": T0 - 125_000_000_000,
        "duration": 2_000_000_000,
        "comments": ["shared", "only b"],
        "default_sample_type": "samples",
        "doc_url": "",
    }


def profile_c():
    return {
        "sample_types": [("samples", "count"), ("cpu", "nanoseconds")],
        "functions": functions(["main.main", "main.work"]),
        "locations": {
            "main": (0x401000, [("main.main", 12)]),
            "work": (0x402000, [("main.work", 22)]),
        },
        "samples": [
            (["work", "main"], [4, 40000000], [("bytes", 1024, "bytes")]),
            (["main"], [1, 10000000], []),
        ],
        "mapping": None,
        "period_type": ("cpu", "nanoseconds"),
        "period": 20000000,
        "time": 0,
        "duration": 500_000_000,
        "comments": [],
        "default_sample_type": "",
        "doc_url": "",
    }


def profile_d():
    p = profile_a()
    p["sample_types"] = [("samples", "count"), ("space", "bytes")]
    p["period_type"] = ("space", "bytes")
    p["period"] = 524288
    return p


def profile_e():
    p = profile_a()
    p["sample_types"] = [("samples", "count"), ("cpu", "bytes")]
    return p


def compatibilize(p, types):
    """pprof's compatibilizeSampleTypes: keep and order the sample types named
    in types (all present in p); the default type becomes types[0] unless p's
    default is among them; unchanged when nothing moves."""
    names = [t for t, _ in p["sample_types"]]
    remap = [names.index(t) for t in types]
    if remap == list(range(len(names))):
        return p
    q = copy.deepcopy(p)
    q["default_sample_type"] = p["default_sample_type"] if p["default_sample_type"] in types else types[0]
    q["sample_types"] = [p["sample_types"][i] for i in remap]
    q["samples"] = [(f, [v[i] for i in remap], lb) for f, v, lb in p["samples"]]
    return q


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    a, b = profile_a(), profile_b()
    files = [("a.pb.gz", a), ("b.pb.gz", b), ("c.pb.gz", profile_c()), ("d.pb.gz", profile_d()),
             ("e.pb.gz", profile_e()),
             ("ab.b.pb.gz", compatibilize(b, ["samples", "cpu"])),
             ("ba.b.pb.gz", compatibilize(b, ["cpu", "samples"])),
             ("ba.a.pb.gz", compatibilize(a, ["cpu", "samples"]))]
    for name, p in files:
        with open(os.path.join(here, name), "wb") as f:
            f.write(gzip.compress(encode(p), mtime=0))


if __name__ == "__main__":
    main()
