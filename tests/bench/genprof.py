#!/usr/bin/env python3
"""Generate realistic synthetic CPU profiles (gzipped profile.proto).

Deterministic for a given set of options (--seed).  Python standard library only:
the protobuf is hand-encoded (varints, length-delimited fields, packed repeated
ints) and streamed into gzip (level 6), sample by sample.

Shape (like /work/shared/corpus/synth.5k.pb.gz):
  * sample types samples/count, cpu/nanoseconds (more with --sample-types K);
    period_type cpu/nanoseconds, period 10000000; time_nanos and duration_nanos set.
  * mapping 1 /usr/local/bin/synth (has_functions/filenames/line_numbers/
    inline_frames), mapping 2 a shared library (libc.so.6).
  * functions with Go-like names (example.com/synth/pkgN.FuncM,
    example.com/synth/pkgN.(*TypeK).MethodM, closures .funcN, runtime.*) and file
    names/start lines; a few C functions in the shared library.
  * locations with addresses; some carry 2-3 lines (inlined frames).
  * stacks are random walks down a call graph from runtime.goexit ->
    runtime.main -> main.main (or a goroutine entry / the GC worker) to a leaf,
    depth --depth-min..--depth-max, with direct and indirect recursion and
    runtime/libc leaf chains (mallocgc, memmove, ...).
  * samples pick stacks with a Zipf-like distribution (every stack is used at
    least once), count 1..--max-count (skewed to small), cpu = count x 10ms;
    string label `handler` and numeric label `bytes` (unit bytes) on a fraction
    of the samples.

Pathological shapes: --deep N (one extra sample whose stack has N frames of
distinct functions), --recursion N (one extra sample with N-deep recursion of one
function), --sample-types K, --distinct-functions (every non-root frame of every
stack is its own function and location: S stacks of average depth D give ~S*D
functions, e.g. --stacks 40000 for ~1M functions).

Examples:
  genprof.py --samples 200000 --stacks 50000 --functions 20000 -o big.pb.gz
  genprof.py --samples 0 --deep 100000 -o deep.pb.gz
  genprof.py --samples 20 --stacks 5 --functions 30 -o tiny.pb.gz --meta tiny.json
"""

import argparse
import bisect
import gzip
import hashlib
import json
import os
import random
import re
import sys
import time

# ---------------------------------------------------------------------------
# protobuf encoding helpers

def uvarint(n):
    """Encode a non-negative int (negative int64 as two's complement) as a varint."""
    if n < 0:
        n += 1 << 64
    if n < 0x80:
        return bytes((n,))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


_VARINT_CACHE = [uvarint(i) for i in range(1 << 14)]


def v(n):
    """Cached varint for small numbers."""
    if 0 <= n < 16384:
        return _VARINT_CACHE[n]
    return uvarint(n)


def ld(tag, payload):
    """Length-delimited field: tag byte(s), length, payload."""
    return tag + v(len(payload)) + payload


def packed(tag, ints):
    return ld(tag, b"".join(v(i) for i in ints))


# Field tags (field number << 3 | wire type).
T_PROFILE_SAMPLE_TYPE = b"\x0a"   # 1, LD
T_PROFILE_SAMPLE = b"\x12"        # 2, LD
T_PROFILE_MAPPING = b"\x1a"       # 3, LD
T_PROFILE_LOCATION = b"\x22"      # 4, LD
T_PROFILE_FUNCTION = b"\x2a"      # 5, LD
T_PROFILE_STRING = b"\x32"        # 6, LD
T_PROFILE_TIME = b"\x48"          # 9, varint
T_PROFILE_DURATION = b"\x50"      # 10, varint
T_PROFILE_PERIOD_TYPE = b"\x5a"   # 11, LD
T_PROFILE_PERIOD = b"\x60"        # 12, varint

# ---------------------------------------------------------------------------
# name pools

RUNTIME_FUNCS = [
    ("runtime.mallocgc", "runtime/malloc.go", 905),
    ("runtime.newobject", "runtime/malloc.go", 1191),
    ("runtime.nextFreeFast", "runtime/malloc.go", 832),
    ("runtime.memclrNoHeapPointers", "runtime/memclr_amd64.s", 12),
    ("runtime.makeslice", "runtime/slice.go", 88),
    ("runtime.growslice", "runtime/slice.go", 162),
    ("runtime.memmove", "runtime/memmove_amd64.s", 33),
    ("runtime.typedmemmove", "runtime/mbarrier.go", 157),
    ("runtime.mapaccess2_faststr", "runtime/map_faststr.go", 108),
    ("runtime.mapassign_faststr", "runtime/map_faststr.go", 202),
    ("runtime.mapiternext", "runtime/map.go", 860),
    ("runtime.aeshashbody", "runtime/asm_amd64.s", 1112),
    ("runtime.memequal", "runtime/memequal_amd64.s", 10),
    ("runtime.concatstrings", "runtime/string.go", 24),
    ("runtime.rawstring", "runtime/string.go", 268),
    ("runtime.convTstring", "runtime/iface.go", 387),
    ("runtime.assertE2I", "runtime/iface.go", 452),
    ("runtime.chansend1", "runtime/chan.go", 144),
    ("runtime.chansend", "runtime/chan.go", 160),
    ("runtime.chanrecv1", "runtime/chan.go", 441),
    ("runtime.chanrecv", "runtime/chan.go", 455),
    ("runtime.selectgo", "runtime/select.go", 121),
    ("runtime.lock2", "runtime/lock_futex.go", 48),
    ("runtime.unlock2", "runtime/lock_futex.go", 113),
    ("runtime.futex", "runtime/sys_linux_amd64.s", 553),
    ("runtime.morestack", "runtime/asm_amd64.s", 550),
    ("runtime.newstack", "runtime/stack.go", 964),
    ("runtime.copystack", "runtime/stack.go", 843),
    ("runtime.systemstack", "runtime/asm_amd64.s", 484),
    ("runtime.gcBgMarkWorker", "runtime/mgc.go", 1214),
    ("runtime.gcBgMarkWorker.func2", "runtime/mgc.go", 1296),
    ("runtime.gcDrain", "runtime/mgcmark.go", 1002),
    ("runtime.scanobject", "runtime/mgcmark.go", 1269),
    ("runtime.findObject", "runtime/mbitmap.go", 338),
    ("runtime.greyobject", "runtime/mgcmark.go", 1470),
    ("runtime.markBits.isMarked", "runtime/mbitmap.go", 267),
    ("runtime.cgocall", "runtime/cgocall.go", 123),
    ("runtime.asmcgocall", "runtime/asm_amd64.s", 795),
    ("runtime.nanotime", "runtime/time_nofake.go", 18),
    ("runtime.gcAssistAlloc", "runtime/mgcmark.go", 392),
    ("runtime.mcall", "runtime/asm_amd64.s", 425),
    ("runtime.park_m", "runtime/proc.go", 3336),
    ("runtime.schedule", "runtime/proc.go", 3187),
    ("runtime.findrunnable", "runtime/proc.go", 2674),
    ("runtime.netpoll", "runtime/netpoll_epoll.go", 106),
    ("runtime.epollwait", "runtime/sys_linux_amd64.s", 683),
    ("syscall.Syscall", "syscall/syscall_linux.go", 68),
    ("runtime/internal/syscall.Syscall6", "runtime/internal/syscall/asm_linux_amd64.s", 36),
]

# Leaf chains appended to the end of a stack (caller first).
RUNTIME_CHAINS = [
    (["runtime.mallocgc"], 6),
    (["runtime.newobject", "runtime.mallocgc"], 8),
    (["runtime.newobject", "runtime.mallocgc", "runtime.nextFreeFast"], 3),
    (["runtime.makeslice", "runtime.mallocgc", "runtime.memclrNoHeapPointers"], 3),
    (["runtime.growslice", "runtime.memmove"], 4),
    (["runtime.growslice", "runtime.mallocgc", "runtime.gcAssistAlloc"], 1),
    (["runtime.memmove"], 5),
    (["runtime.typedmemmove", "runtime.memmove"], 2),
    (["runtime.mapaccess2_faststr", "runtime.aeshashbody"], 4),
    (["runtime.mapaccess2_faststr", "runtime.memequal"], 2),
    (["runtime.mapassign_faststr"], 2),
    (["runtime.mapiternext"], 2),
    (["runtime.concatstrings", "runtime.rawstring", "runtime.mallocgc"], 2),
    (["runtime.convTstring", "runtime.mallocgc"], 2),
    (["runtime.assertE2I"], 1),
    (["runtime.chansend1", "runtime.chansend", "runtime.lock2"], 1),
    (["runtime.chanrecv1", "runtime.chanrecv", "runtime.unlock2"], 1),
    (["runtime.selectgo", "runtime.lock2", "runtime.futex"], 1),
    (["runtime.morestack", "runtime.newstack", "runtime.copystack"], 1),
    (["runtime.nanotime"], 1),
    (["syscall.Syscall", "runtime/internal/syscall.Syscall6"], 2),
]

LIBC_FUNCS = [
    ("__memmove_avx_unaligned_erms", "string/memmove-vec-unaligned-erms.S", 221),
    ("__memset_avx2_unaligned_erms", "string/memset-vec-unaligned-erms.S", 188),
    ("__strlen_avx2", "string/strlen-avx2.S", 42),
    ("malloc", "malloc/malloc.c", 3287),
    ("free", "malloc/malloc.c", 3350),
    ("_int_malloc", "malloc/malloc.c", 3790),
    ("pthread_mutex_lock", "nptl/pthread_mutex_lock.c", 76),
    ("__libc_read", "sysdeps/unix/sysv/linux/read.c", 25),
    ("__libc_write", "sysdeps/unix/sysv/linux/write.c", 25),
    ("epoll_wait", "sysdeps/unix/sysv/linux/epoll_wait.c", 28),
    ("qsort_r", "stdlib/msort.c", 221),
    ("deflate_slow", "zlib/deflate.c", 1872),
]

HANDLERS = [
    "/api/v1/items", "/api/v1/items/{id}", "/api/v1/users", "/api/v1/users/{id}",
    "/api/v1/orders", "/api/v2/search", "/api/v2/items", "/healthz", "/metrics",
    "/debug/pprof/profile",
]

EXTRA_SAMPLE_TYPES = [
    ("alloc_objects", "count", 3), ("alloc_space", "bytes", 4096),
    ("wall", "nanoseconds", 15000000), ("contentions", "count", 1),
    ("delay", "nanoseconds", 250000),
]

MAIN_FILE = "/usr/local/bin/synth"
LIB_FILE = "/lib/x86_64-linux-gnu/libc.so.6"
MAIN_START = 0x400000
LIB_START = 0x7F3A1C000000
TIME_NANOS = 1700000000000000000  # 2023-11-14 22:13:20 UTC
PERIOD = 10000000


class Builder:
    """Holds string table, functions, locations; encodes them."""

    def __init__(self, rng):
        self.rng = rng
        self.strings = {"": 0}
        self.strlist = [""]
        # functions: parallel lists, id = index + 1
        self.fname = []
        self.ffile = []
        self.fstart = []
        self.fsize = []     # text size in bytes
        self.fbase = []     # start address
        self.fmap = []      # mapping id
        self.next_addr = {1: MAIN_START + 0x1000, 2: LIB_START + 0x28000}
        # locations: parallel lists, id = index + 1
        self.lmap = []
        self.laddr = []
        self.llines = []    # tuple of (function id, line), innermost first
        self.func_by_name = {}

    def s(self, text):
        idx = self.strings.get(text)
        if idx is None:
            idx = len(self.strlist)
            self.strings[text] = idx
            self.strlist.append(text)
        return idx

    def add_function(self, name, filename, start, mapping=1):
        rng = self.rng
        size = 64 + (int(rng.random() ** 2 * 3000) & ~15)
        base = self.next_addr[mapping]
        self.next_addr[mapping] = base + size
        self.fname.append(name)
        self.ffile.append(filename)
        self.fstart.append(start)
        self.fsize.append(size)
        self.fbase.append(base)
        self.fmap.append(mapping)
        fid = len(self.fname)
        self.func_by_name[name] = fid
        return fid

    def add_location(self, fid, inlined=()):
        """New location inside function fid; inlined = function ids called inline
        (outermost inlined callee last), each gets its own Line."""
        rng = self.rng
        i = fid - 1
        addr = self.fbase[i] + 1 + int(rng.random() * (self.fsize[i] - 2))
        lines = []
        for g in inlined:
            lines.append((g, self.fstart[g - 1] + 1 + int(rng.random() * 30)))
        lines.append((fid, self.fstart[i] + 1 + int(rng.random() * 60)))
        # lines[0] must be the innermost frame: inlined callees first, fid last
        self.lmap.append(self.fmap[i])
        self.laddr.append(addr)
        self.llines.append(tuple(lines))
        return len(self.lmap)

    # Only used locations and functions are written, numbered 1..n in order of
    # first use (as Go's runtime/pprof does); use_loc maps an internal location
    # id to its id in the file.
    def start_ids(self):
        self.loc_new = [0] * (len(self.lmap) + 1)
        self.loc_order = []
        self.fun_new = [0] * (len(self.fname) + 1)
        self.fun_order = []

    def use_loc(self, old):
        new = self.loc_new[old] if old < len(self.loc_new) else 0
        if new:
            return new
        if old >= len(self.loc_new):
            self.loc_new.extend([0] * (len(self.lmap) + 1 - len(self.loc_new)))
            self.fun_new.extend([0] * (len(self.fname) + 1 - len(self.fun_new)))
        self.loc_order.append(old)
        new = self.loc_new[old] = len(self.loc_order)
        for fid, _ in self.llines[old - 1]:
            if not self.fun_new[fid]:
                self.fun_order.append(fid)
                self.fun_new[fid] = len(self.fun_order)
        return new

    # encoding ----------------------------------------------------------------
    def enc_functions(self):
        fname, ffile, fstart, s = self.fname, self.ffile, self.fstart, self.s
        for new, fid in enumerate(self.fun_order, 1):
            i = fid - 1
            n = v(s(fname[i]))
            body = (b"\x08" + v(new) + b"\x10" + n + b"\x18" + n +
                    b"\x20" + v(s(ffile[i])) + b"\x28" + v(fstart[i]))
            yield T_PROFILE_FUNCTION + v(len(body)) + body

    def enc_locations(self):
        lmap, laddr, llines, fun_new = self.lmap, self.laddr, self.llines, self.fun_new
        for new, old in enumerate(self.loc_order, 1):
            i = old - 1
            parts = [b"\x08", v(new), b"\x10", v(lmap[i]), b"\x18", uvarint(laddr[i])]
            for fid, line in llines[i]:
                lb = b"\x08" + v(fun_new[fid]) + b"\x10" + v(line)
                parts.append(b"\x22" + v(len(lb)) + lb)
            body = b"".join(parts)
            yield T_PROFILE_LOCATION + v(len(body)) + body

    def enc_mappings(self):
        out = []
        used = set(self.lmap[old - 1] for old in self.loc_order)
        for mid, start, fname, build_id in (
                (1, MAIN_START, MAIN_FILE, "5f0c3a8e2b1d4c6e9a7f0b1c2d3e4f5a6b7c8d9e"),
                (2, LIB_START, LIB_FILE, "c289da5071a3399de893d2af81d6a30c62646e1e")):
            if mid != 1 and mid not in used:
                continue
            limit = (self.next_addr[mid] + 0xFFF) & ~0xFFF
            body = (b"\x08" + v(mid) + b"\x10" + uvarint(start) + b"\x18" + uvarint(limit) +
                    b"\x20" + v(0) + b"\x28" + v(self.s(fname)) + b"\x30" + v(self.s(build_id)) +
                    b"\x38\x01\x40\x01\x48\x01\x50\x01")
            out.append(ld(T_PROFILE_MAPPING, body))
        return b"".join(out)

    def enc_strings(self):
        for text in self.strlist:
            b = text.encode()
            yield T_PROFILE_STRING + v(len(b)) + b


def value_type(b, typ, unit):
    return b"\x08" + v(b.s(typ)) + b"\x10" + v(b.s(unit))


def zipf_cum_weights(n, s):
    cw = []
    acc = 0.0
    for r in range(1, n + 1):
        acc += 1.0 / (r ** s)
        cw.append(acc)
    return cw


# ---------------------------------------------------------------------------

def build_world(args, rng, b):
    """Create functions/locations and return (stacks, stack_funcsets) where a stack
    is a list of location ids, root first."""
    nfun = max(args.functions, 1)

    # fixed functions
    goexit = b.add_function("runtime.goexit", "runtime/asm_amd64.s", 1597)
    rtmain = b.add_function("runtime.main", "runtime/proc.go", 144)
    mainmain = b.add_function("main.main", "example.com/synth/main.go", 31)
    rt = {}
    for name, fn, line in RUNTIME_FUNCS:
        rt[name] = b.add_function(name, fn, line)
    libc = [b.add_function(name, fn, line, mapping=2) for name, fn, line in LIBC_FUNCS]

    # application functions
    napp = max(nfun - len(b.fname), 12)
    npkg = max(3, napp // 40)
    pkg_counter = [0] * npkg
    type_counter = [0] * npkg
    app = []
    for k in range(napp):
        p = int(npkg * rng.random())
        pkg = "example.com/synth/pkg%d" % p
        pkg_counter[p] += 1
        m = pkg_counter[p]
        r = rng.random()
        if r < 0.6:
            name = "%s.Func%d" % (pkg, m)
        elif r < 0.9:
            if m % 4 == 1 or type_counter[p] == 0:
                type_counter[p] += 1
            t = 1 + int(rng.random() * type_counter[p])
            name = "%s.(*Type%d).Method%d" % (pkg, t, m)
        else:
            name = "%s.Func%d.func%d" % (pkg, m, 1 + int(rng.random() * 3))
        filename = "example.com/synth/pkg%d/file%d.go" % (p, 1 + m // 8)
        app.append(b.add_function(name, filename, 10 + int(rng.random() * 1500)))
    napp = len(app)

    if args.distinct_functions:
        return build_distinct(args, rng, b, goexit, rtmain, mainmain, app)

    # Call graph over the app functions (random order `perm`):
    #  * the last 15% are utility helpers; a stack ends with 0-2 of them, picked
    #    Zipf-like, so a few helpers are hot (high flat);
    #  * the others form a random graph: each calls 2-7 functions, 85% uniformly
    #    chosen, 15% Zipf-like among "framework" functions (high cum); cycles in
    #    it give indirect recursion, the walk adds direct recursion;
    #  * entry points (called by main.main or started as goroutines) come first.
    perm = app[:]
    rng.shuffle(perm)
    nhelp = max(2, napp * 15 // 100)
    hstart = napp - nhelp
    helpers = perm[hstart:]
    inner = perm[:hstart]
    ninner = len(inner)
    rand = rng.random

    callees = {}
    for f in inner:
        cl = []
        for _ in range(2 + int(rand() * 6)):
            if rand() < 0.15:
                cl.append(inner[int(ninner ** rand()) - 1])
            else:
                cl.append(inner[int(rand() * ninner)])
        callees[f] = cl
    nent = min(20, max(1, ninner // 4))
    entries_main = inner[:nent]
    entries_go = inner[nent: nent + 8] or entries_main

    # locations: each function has 1-4 call-site locations; some with inlined frames
    inl_pool = helpers[: max(8, nhelp // 2)]
    floc = [None] * (len(b.fname) + 1)
    for f in [goexit, rtmain, mainmain] + list(rt.values()) + libc:
        floc[f] = [b.add_location(f) for _ in range(1 + int(rand() * 2))]
    for f in app:
        n = 1 + (rand() < 0.6) + (rand() < 0.3) + (rand() < 0.1)
        locs = []
        for _ in range(n):
            inl = ()
            if rand() < 0.12:
                inl = tuple(inl_pool[int(rand() * len(inl_pool))]
                            for _ in range(1 + (rand() < 0.35)))
            locs.append(b.add_location(f, inl))
        floc[f] = locs

    def loc_of(f, callee):
        """The call site in f that calls callee (0: f is the leaf)."""
        ls = floc[f]
        return ls[(callee * 2654435761) % len(ls)]

    # per-edge call sites, parallel to the callee lists, for the hot loop below
    callee_l = [None] * (len(b.fname) + 1)
    eloc_l = [None] * (len(b.fname) + 1)
    for f, cl in callees.items():
        callee_l[f] = cl
        eloc_l[f] = [loc_of(f, g) for g in cl]

    chains = [[rt[n] for n in names] for names, _ in RUNTIME_CHAINS]
    chain_cw = []
    acc = 0
    for _, w in RUNTIME_CHAINS:
        acc += w
        chain_cw.append(acc)
    gc_chain = [rt["runtime.gcBgMarkWorker"], rt["runtime.systemstack"],
                rt["runtime.gcBgMarkWorker.func2"], rt["runtime.gcDrain"],
                rt["runtime.scanobject"]]
    gc_leaves = [rt["runtime.findObject"], rt["runtime.greyobject"],
                 rt["runtime.markBits.isMarked"]]
    sched_chain = [rt["runtime.mcall"], rt["runtime.park_m"], rt["runtime.schedule"],
                   rt["runtime.findrunnable"], rt["runtime.netpoll"], rt["runtime.epollwait"]]
    cgo = [rt["runtime.cgocall"], rt["runtime.asmcgocall"]]

    dmin, dmax = args.depth_min, args.depth_max

    def chain_locs(fr):
        return [loc_of(fr[i], fr[i + 1] if i + 1 < len(fr) else 0) for i in range(len(fr))]

    def walk():
        """One random stack as a list of location ids, root first."""
        d = dmin + int(rand() * (dmax - dmin + 1))
        r = rand()
        if r < 0.03 and dmin <= 6 and dmax >= 7:
            tail = gc_chain if rand() < 0.5 else gc_chain[:4]
            return chain_locs([goexit] + tail + [gc_leaves[int(rand() * 3)]])
        if r < 0.05 and dmin <= 6 and dmax >= 7:
            return chain_locs([goexit] + sched_chain[: 6 if rand() < 0.5 else 5])
        if r < 0.25:
            fr = [goexit, entries_go[int(rand() * len(entries_go))]]
        else:
            fr = [goexit, rtmain, mainmain, entries_main[int(rand() * len(entries_main))]]
        # leaf end: 0-2 helpers, then maybe a runtime or libc chain
        r = rand()
        suffix = []
        if r < 0.35:
            suffix = chains[bisect.bisect(chain_cw, rand() * chain_cw[-1])]
        elif r < 0.43:
            suffix = ([] if rand() < 0.5 else cgo) + [libc[int(rand() * len(libc))]]
        r = rand()
        nh = 0 if r < 0.4 else 1 if r < 0.8 else 2
        if len(fr) + nh + len(suffix) > d:
            suffix = []
            nh = 0
        body_len = d - len(suffix) - nh
        first = len(fr) - 1  # index of the entry point, the first app function
        locs = [loc_of(fr[i], fr[i + 1]) for i in range(len(fr) - 1)]
        f = fr[-1]
        n = len(fr)
        while n < body_len:
            r = rand()
            if r < 0.03:  # direct recursion
                for _ in range(min(body_len - n, 1 + int(rand() * 3))):
                    locs.append(loc_of(f, f))
                    fr.append(f)
                    n += 1
                continue
            if r < 0.04 and n - first >= 3:  # indirect recursion: an ancestor again
                g = fr[n - 2 - int(rand() * min(6, n - 1 - first))]
                locs.append(loc_of(f, g))
            else:
                i = int(len(callee_l[f]) * rand() ** 1.5)
                g = callee_l[f][i]
                locs.append(eloc_l[f][i])
            fr.append(g)
            f = g
            n += 1
        tail = [helpers[int(nhelp ** rand()) - 1] for _ in range(nh)] + suffix
        for g in tail:
            locs.append(loc_of(f, g))
            f = g
        locs.append(loc_of(f, 0))
        return locs

    return make_stacks(args, walk)


def make_stacks(args, walk):
    stacks = []
    seen = set()
    tries = 0
    S = args.stacks
    while len(stacks) < S:
        locs = walk()
        tries += 1
        key = tuple(locs)
        if key in seen:
            if tries > 50 * S + 1000:
                sys.exit("genprof: cannot find %d distinct stacks (got %d); "
                         "use more functions or a wider depth range" % (S, len(stacks)))
            continue
        seen.add(key)
        stacks.append(key)
    return stacks


def build_distinct(args, rng, b, goexit, rtmain, mainmain, app):
    """Every non-root frame is a new function with a new location."""
    roots = [b.add_location(goexit), b.add_location(rtmain), b.add_location(mainmain)]
    dmin, dmax = max(args.depth_min, 4), args.depth_max
    stacks = []
    counter = 0
    for _ in range(args.stacks):
        d = dmin + int(rng.random() * (dmax - dmin + 1))
        locs = roots[:]
        for _ in range(d - 3):
            counter += 1
            p = counter % 997
            f = b.add_function("example.com/synth/pkg%d.Fn%d" % (p, counter),
                               "example.com/synth/pkg%d/file%d.go" % (p, counter % 13),
                               10 + counter % 1500)
            locs.append(b.add_location(f))
        stacks.append(locs)
    return stacks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=5000, help="number of Sample messages")
    ap.add_argument("--stacks", type=int, default=None,
                    help="distinct stacks (default: min(samples, 5000))")
    ap.add_argument("--functions", type=int, default=2000, help="number of functions")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True, help="output file (.pb.gz)")
    ap.add_argument("--depth-min", type=int, default=4)
    ap.add_argument("--depth-max", type=int, default=48)
    ap.add_argument("--max-count", type=int, default=10, help="sample count is 1..K")
    ap.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of stack popularity")
    ap.add_argument("--label-fraction", type=float, default=0.2,
                    help="fraction of samples with handler/bytes labels")
    ap.add_argument("--sample-types", type=int, default=2, help="number of sample types (>=1)")
    ap.add_argument("--deep", type=int, default=0,
                    help="add one sample with an N-frame stack of distinct functions")
    ap.add_argument("--recursion", type=int, default=0,
                    help="add one sample with N-deep recursion of one function")
    ap.add_argument("--distinct-functions", action="store_true",
                    help="every frame of every stack is its own function")
    ap.add_argument("--meta", help="write a JSON summary (sizes, counts, focus suggestion) here")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="print phase timings")
    args = ap.parse_args(argv)

    t0 = time.time()

    def phase(name):
        if args.verbose:
            print("genprof: %6.2fs %s" % (time.time() - t0, name), file=sys.stderr)

    if args.stacks is None:
        args.stacks = min(args.samples, 5000)
    if args.depth_min < 1 or args.depth_max < args.depth_min:
        ap.error("need 1 <= --depth-min <= --depth-max")
    if args.depth_min < 4 and not args.distinct_functions:
        args.depth_min = 4  # root frames + entry + something
    args.stacks = min(args.stacks, args.samples)
    if args.sample_types < 1:
        ap.error("--sample-types must be >= 1")

    rng = random.Random(args.seed)
    b = Builder(rng)
    stacks = build_world(args, rng, b) if args.stacks > 0 else []
    S = len(stacks)
    phase("stacks built")

    # sample -> stack assignment: every stack once, the rest Zipf-distributed.
    order = list(range(S))
    extra = args.samples - S
    if extra > 0 and S > 0:
        order.extend(rng.choices(range(S), cum_weights=zipf_cum_weights(S, args.zipf), k=extra))
    rng.shuffle(order)

    phase("samples assigned")
    # share of samples containing each function, estimated from (at most) 20000
    # samples, for the --meta focus suggestion (own RNG: output is the same
    # with or without --meta)
    llines = b.llines
    cum = {}
    nest = 0
    if args.meta and S:
        picks = random.Random(args.seed + 7).choices(order, k=min(len(order), 20000))
        nest = len(picks)
        pm = {}
        for s in picks:
            pm[s] = pm.get(s, 0) + 1
        for s, m in pm.items():
            fs = set()
            for loc in stacks[s]:
                for fid, _ in llines[loc - 1]:
                    fs.add(fid)
            for f in fs:
                c = cum.get(f)
                if c is None:
                    cum[f] = [m, 1]
                else:
                    c[0] += m
                    c[1] += 1
    phase("focus statistics")
    # pre-encode each stack's location field (leaf first), numbering locations
    # in order of first use by the samples
    b.start_ids()
    use_loc = b.use_loc
    stack_bytes = [None] * S
    loc_enc = [None] * (len(b.lmap) + 1)  # internal location id -> varint of file id
    for s in order:
        if stack_bytes[s] is None:
            st = stacks[s][::-1]
            for x in st:
                if loc_enc[x] is None:
                    loc_enc[x] = uvarint(use_loc(x))
            payload = b"".join([loc_enc[x] for x in st])
            stack_bytes[s] = b"\x0a" + v(len(payload)) + payload
    del loc_enc
    phase("stacks encoded")
    del stacks

    # sample types and value encodings
    types = [("samples", "count", 1), ("cpu", "nanoseconds", PERIOD)]
    for j in range(max(0, args.sample_types - 2)):
        if j < len(EXTRA_SAMPLE_TYPES):
            types.append(EXTRA_SAMPLE_TYPES[j])
        else:
            types.append(("extra%d" % (j + 1), "count", j + 1))
    types = types[: args.sample_types]
    K = max(1, args.max_count)
    val_bytes = [None]
    for c in range(1, K + 1):
        val_bytes.append(packed(b"\x12", [c * mul for _, _, mul in types]))
    # count distribution skewed to small values
    count_cw = zipf_cum_weights(K, 1.3)

    # labels
    k_handler = b.s("handler")
    k_bytes = b.s("bytes")
    u_bytes = b.s("bytes")
    handler_labels = []
    for h in HANDLERS:
        lb = b"\x08" + v(k_handler) + b"\x10" + v(b.s(h))
        handler_labels.append(b"\x1a" + v(len(lb)) + lb)
    handler_cw = zipf_cum_weights(len(HANDLERS), 1.1)
    bytes_prefix = b"\x08" + v(k_bytes) + b"\x18"
    bytes_suffix = b"\x20" + v(u_bytes)

    tmp = args.output + ".tmp%d" % os.getpid()
    raw_size = 0
    total_count = 0
    with open(tmp, "wb") as fo:
        gz = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=fo, mtime=0)
        buf = []
        buflen = 0

        def emit(chunk):
            nonlocal buflen, raw_size
            buf.append(chunk)
            buflen += len(chunk)
            if buflen >= 1 << 22:
                data = b"".join(buf)
                gz.write(data)
                raw_size += len(data)
                buf.clear()
                buflen = 0

        # 1: sample types
        for typ, unit, _ in types:
            emit(ld(T_PROFILE_SAMPLE_TYPE, value_type(b, typ, unit)))

        # 2: samples
        rand = rng.random
        bis = bisect.bisect
        vc = _VARINT_CACHE
        lf = args.label_fraction
        htot = handler_cw[-1]
        nlab = 0
        counts = rng.choices(range(1, K + 1), cum_weights=count_cw, k=len(order))
        total_count += sum(counts)
        out = []
        for s, c in zip(order, counts):
            body = stack_bytes[s] + val_bytes[c]
            if rand() < lf:
                nlab += 1
                lb = bytes_prefix + uvarint(int(2 ** (6 + 14 * rand()))) + bytes_suffix
                body = (body + handler_labels[bis(handler_cw, rand() * htot)] +
                        b"\x1a" + vc[len(lb)] + lb)
            n = len(body)
            out.append(b"\x12" + (vc[n] if n < 16384 else uvarint(n)) + body)
            if len(out) >= 32768:
                emit(b"".join(out))
                out.clear()
        emit(b"".join(out))
        del out, counts
        phase("samples written")
        del stack_bytes, order

        # pathological samples
        mainmain = b.func_by_name.get("main.main")
        if mainmain is None:
            mainmain = b.add_function("main.main", "example.com/synth/main.go", 31)
        root_locs = []
        for name, fn, line in (("runtime.goexit", "runtime/asm_amd64.s", 1597),
                               ("runtime.main", "runtime/proc.go", 144)):
            fid = b.func_by_name.get(name) or b.add_function(name, fn, line)
            root_locs.append(b.add_location(fid))
        root_locs.append(b.add_location(mainmain))
        one = packed(b"\x12", [mul for _, _, mul in types])
        if args.deep > 0:
            locs = root_locs[: min(3, args.deep)]
            for i in range(args.deep - len(locs)):
                f = b.add_function("example.com/synth/deep.Level%d" % (i + 1),
                                   "example.com/synth/deep/deep%d.go" % (i // 1000),
                                   10 + (i % 1000) * 12)
                locs.append(b.add_location(f))
            body = packed(b"\x0a", [use_loc(x) for x in reversed(locs)]) + one
            emit(b"\x12" + v(len(body)) + body)
            total_count += 1
        if args.recursion > 0:
            rf = b.add_function("example.com/synth/rec.Recurse", "example.com/synth/rec/rec.go", 12)
            leaf = b.add_function("example.com/synth/rec.leaf", "example.com/synth/rec/rec.go", 40)
            rloc = b.add_location(rf)
            locs = root_locs + [rloc] * args.recursion + [b.add_location(leaf)]
            body = packed(b"\x0a", [use_loc(x) for x in reversed(locs)]) + one
            emit(b"\x12" + v(len(body)) + body)
            total_count += 1

        # 3-6: mappings, locations, functions, strings
        emit(b.enc_mappings())
        for chunk in b.enc_locations():
            emit(chunk)
        for chunk in b.enc_functions():
            emit(chunk)
        # header scalars must be interned before the string table is written
        pt = value_type(b, "cpu", "nanoseconds")
        for chunk in b.enc_strings():
            emit(chunk)
        # 9-12: time, duration, period type, period
        total_ns = total_count * PERIOD
        duration = max(1, round(total_ns / 4 / 1e9)) * 1000000000  # ~4 busy cores
        emit(T_PROFILE_TIME + uvarint(TIME_NANOS + args.seed * 1000000000))
        emit(T_PROFILE_DURATION + uvarint(duration))
        emit(ld(T_PROFILE_PERIOD_TYPE, pt))
        emit(T_PROFILE_PERIOD + uvarint(PERIOD))
        data = b"".join(buf)
        gz.write(data)
        raw_size += len(data)
        gz.close()
    phase("done")
    os.replace(tmp, args.output)
    elapsed = time.time() - t0
    gz_size = os.path.getsize(args.output)

    summary = {
        "params": {
            "samples": args.samples, "stacks": args.stacks, "functions": args.functions,
            "seed": args.seed, "depth_min": args.depth_min, "depth_max": args.depth_max,
            "max_count": args.max_count, "zipf": args.zipf,
            "label_fraction": args.label_fraction, "sample_types": args.sample_types,
            "deep": args.deep, "recursion": args.recursion,
            "distinct_functions": args.distinct_functions,
        },
        "output": args.output,
        "generator": generator_id(),
        "gz_size": gz_size,
        "raw_size": raw_size,
        "n_samples": args.samples + (args.deep > 0) + (args.recursion > 0),
        "n_stacks": S,
        "n_functions": len(b.fun_order),
        "n_locations": len(b.loc_order),
        "n_strings": len(b.strlist),
        "labelled_samples": nlab,
        "total_count": total_count,
        "gen_seconds": round(elapsed, 3),
    }
    if args.meta:
        summary["focus"] = pick_focus(b, cum, nest, args.samples)
        tmpm = args.meta + ".tmp%d" % os.getpid()
        with open(tmpm, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        os.replace(tmpm, args.meta)
    if not args.quiet:
        print("genprof: %s: %d samples, %d stacks, %d functions, %d locations, "
              "%d bytes gz, %d bytes raw, %.2fs" % (
                  args.output, summary["n_samples"], S, len(b.fun_order), len(b.loc_order),
                  gz_size, raw_size, elapsed), file=sys.stderr)
    return 0


def generator_id():
    """Short hash of this script: cached profiles are regenerated when it changes."""
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:12]


def pick_focus(b, cum, nest, nsamples, lo=0.01, hi=0.04):
    """A plain app function (pkgN.FuncM) in lo..hi of the samples and in as many
    distinct stacks as possible (a mid-frequency function, not one hot stack),
    whose name as a regexp matches no other function name or file name.
    cum: function -> [samples, distinct stacks] among nest sampled samples."""
    if not cum:
        return None
    plain = re.compile(r"^example\.com/synth/pkg\d+\.(Func|Fn)\d+$")
    cands = []
    for f, (c, d) in cum.items():
        name = b.fname[f - 1]
        if plain.match(name):
            frac = c / nest
            if lo <= frac <= hi:
                cands.append((-d, name, c))
            else:
                cands.append((1e9 * min(abs(frac - lo), abs(frac - hi)), name, c))
    if not cands:
        return None
    cands.sort()
    # A plain name N used as a regexp (its dots match any character) matches
    # only itself when no other function name starts with N (closures N.func1,
    # N0..N9): all synthetic names share the literal example.com/synth/ prefix
    # and file names contain no "Func"/"Fn".  Checked by bisecting the sorted
    # names; the winner is verified with a full regexp scan.
    names = sorted(set(b.fname))
    pick = None
    for _, name, c in cands[:200]:
        i = bisect.bisect_right(names, name)
        if i < len(names) and names[i].startswith(name):
            continue
        rx = re.compile(name)
        if sum(1 for n in names if rx.search(n)) + sum(
                1 for n in set(b.ffile) if rx.search(n)) == 1:
            pick = (name, c)
            break
    if pick is None:
        pick = (re.escape(cands[0][1]) + "$", cands[0][2])
    frac = pick[1] / nest
    return {"name": pick[0], "fraction": round(frac, 4),
            "samples_estimate": int(frac * nsamples)}


if __name__ == "__main__":
    sys.exit(main())
