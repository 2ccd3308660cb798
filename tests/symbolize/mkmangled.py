#!/usr/bin/env python3
"""Write testdata/symbolize/mangled.pb.gz: a symbolized CPU profile (mapping
flags set, so nothing is looked up) whose function names are raw symbols:
C++ (Itanium) and Rust (legacy and v0) mangled names, names that already
look demangled, and names that are not C++ at all, for the demangling golden
cases (-symbolize=demangle=...).  Python stdlib only; the output is the same
on every run.  usage: mkmangled.py OUT
"""
import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, packed, vfield  # noqa: E402

NAMES = [
    "main",
    "_ZN3geo9sum_normsIdEET_RKSt6vectorINS_3VecIS1_EESaIS4_EE",
    "_ZN3geo4GridIfE6smoothEi",
    "_ZN12_GLOBAL__N_15Accum3addEl",
    "_ZNSt6vectorIiSaIiEE9push_backERKi",
    "_Z3maxIiET_S0_S0_",
    "_ZL9sort_workv.constprop.0",
    "_ZZ4mainENKUlvE_clEv",
    "_ZNKSt5ctypeIcE8do_widenEc",
    "_ZNSdD0Ev",
    "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE12_M_constructIPKcEEvT_S8_St20forward_iterator_tag",
    "_ZN1AltERKS_",
    "_ZTVN10__cxxabiv117__class_type_infoE",
    "_Z1fIiEvT_.cold",
    "_ZN4core3ptr13drop_in_place17h1234567890abcdefE",
    "_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h8f2b7e7c6d5a4b3cE",
    "_ZN4core3fmt5write17h0000000000000000E",
    "std::vector<int>::push_back(int)",
    "(anonymous namespace)::Bar::Foo",
    "java.lang.Object.<init>",
    "main.(*Map[...]).Get",
    "unmatched>(x)",
    "_Zbogus",
]


def main():
    strings = ["", "samples", "count", "cpu", "nanoseconds", "prog"] + NAMES
    b = bytearray()
    b += lfield(1, vfield(1, 1) + vfield(2, 2))
    b += lfield(1, vfield(1, 3) + vfield(2, 4))
    n = len(NAMES)
    # Each function is a leaf once, under main (location 1).
    for i in range(1, n):
        b += lfield(2, packed(1, [i + 1, 1]) + packed(2, [i, i * 10**7]))
    b += lfield(3, vfield(1, 1) + vfield(2, 0x400000) + vfield(3, 0x500000) + vfield(5, 5) +
                vfield(7, 1) + vfield(8, 1) + vfield(9, 1))
    for i in range(n):
        line = lfield(4, vfield(1, i + 1) + vfield(2, 10 + i))
        b += lfield(4, vfield(1, i + 1) + vfield(2, 1) + vfield(3, 0x401000 + 16 * i) + line)
    for i in range(n):
        b += lfield(5, vfield(1, i + 1) + vfield(2, 6 + i) + vfield(3, 6 + i) + vfield(4, 5))
    for s in strings:
        b += lfield(6, s.encode())
    b += lfield(11, vfield(1, 3) + vfield(2, 4))
    b += vfield(12, 10**7)
    with open(sys.argv[1], "wb") as f:
        f.write(gzip.compress(bytes(b), mtime=0))


if __name__ == "__main__":
    main()
