#!/usr/bin/env python3
"""Write the hand-made edge-case profiles of testdata/edge/ (stdlib only).

    python3 testdata/edge/make_edge.py    # rewrites the *.pb.gz beside this file

Deterministic: the same bytes on every run (gzip mtime 0).  The profiles are
tiny profile.proto files for situations the captured corpus does not contain:

  heap.zero_inuse.pb.gz  heap profile (4 Go heap sample types, default = last =
                         inuse_space) whose inuse_* values are all zero, as
                         after everything allocated was freed
  cpu.nosamples.pb.gz    CPU profile with sample types, a duration and a time
                         but no samples at all
  cpu.zero.pb.gz         CPU profile with all-zero samples, samples whose cpu
                         value is 0 but whose count is not, and normal ones
  heap.keep_frames.pb.gz heap profile (alloc_objects, alloc_space) with both
                         drop_frames and keep_frames, whose stacks exercise
                         every rule of pprof's Profile.Prune (see keep_frames())
"""

import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "lib"))
from protowire import lfield, opt_packed, opt_vfield  # noqa: E402


class Builder:
    def __init__(self):
        self.strings = [""]
        self.index = {"": 0}
        self.functions = {}   # name -> (id, file, start line)
        self.locations = []   # encoded Location messages
        self.loc_ids = {}
        self.out = bytearray()

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
        """frames: [(function name, file, start line, line)], innermost first."""
        k = (address, tuple(frames))
        if k in self.loc_ids:
            return self.loc_ids[k]
        lid = len(self.locations) + 1
        lines = b"".join(
            lfield(4, opt_vfield(1, self.func(n, f, st)) + opt_vfield(2, ln))
            for n, f, st, ln in frames)
        self.locations.append(opt_vfield(1, lid) + opt_vfield(2, 1) + opt_vfield(3, address) + lines)
        self.loc_ids[k] = lid
        return lid

    def value_type(self, field, typ, unit):
        return lfield(field, opt_vfield(1, self.s(typ)) + opt_vfield(2, self.s(unit)))

    def build(self, sample_types, period_type, period, time_nanos, duration_nanos,
              samples, binary, drop_frames="", keep_frames=""):
        out = bytearray()
        for t, u in sample_types:
            out += self.value_type(1, t, u)
        for locs, values in samples:
            out += lfield(2, opt_packed(1, locs) + opt_packed(2, values))
        out += lfield(3, opt_vfield(1, 1) + opt_vfield(2, 0x400000) + opt_vfield(3, 0x500000)
                      + opt_vfield(5, self.s(binary)) + opt_vfield(7, 1) + opt_vfield(8, 1)
                      + opt_vfield(9, 1) + opt_vfield(10, 1))
        for loc in self.locations:
            out += lfield(4, loc)
        for name, (fid, file, start) in self.functions.items():
            out += lfield(5, opt_vfield(1, fid) + opt_vfield(2, self.s(name))
                          + opt_vfield(3, self.s(name)) + opt_vfield(4, self.s(file))
                          + opt_vfield(5, start))
        pt = self.value_type(11, *period_type)
        frames = opt_vfield(7, self.s(drop_frames)) + opt_vfield(8, self.s(keep_frames))
        # The string table must be complete before it is written.
        strings = b"".join(lfield(6, x.encode()) for x in self.strings)
        return (bytes(out) + strings + frames + opt_vfield(9, time_nanos)
                + opt_vfield(10, duration_nanos) + pt + opt_vfield(12, period))


MAIN = "example.com/edge/main.go"
PROC = "runtime/proc.go"
MALLOC = "runtime/malloc.go"
SLICE = "runtime/slice.go"


def heap_zero_inuse():
    b = Builder()
    root = b.loc(0x401000, [("runtime.main", PROC, 144, 250)])
    main = b.loc(0x402000, [("main.main", MAIN, 20, 31)])
    work = b.loc(0x402100, [("main.work", MAIN, 40, 47)])
    alloc = b.loc(0x402200, [("main.alloc", MAIN, 60, 62), ("main.work", MAIN, 40, 44)])
    buf = b.loc(0x402300, [("main.newBuffer", MAIN, 70, 71)])
    samples = [
        ([alloc, work, main, root], [12, 6291456, 0, 0]),
        ([buf, work, main, root], [3, 98304, 0, 0]),
        ([buf, main, root], [1, 1024, 0, 0]),
        ([work, main, root], [40, 2621440, 0, 0]),
    ]
    return b.build([("alloc_objects", "count"), ("alloc_space", "bytes"),
                    ("inuse_objects", "count"), ("inuse_space", "bytes")],
                   ("space", "bytes"), 524288, 1795265527_123456789, 0, samples,
                   "/usr/local/bin/edge")


def cpu_nosamples():
    b = Builder()
    return b.build([("samples", "count"), ("cpu", "nanoseconds")],
                   ("cpu", "nanoseconds"), 10000000, 1795265589_999999999, 2_000_000_000, [],
                   "/usr/local/bin/edge")


def cpu_zero():
    b = Builder()
    root = b.loc(0x401000, [("runtime.main", PROC, 144, 250)])
    main = b.loc(0x402000, [("main.main", MAIN, 20, 33)])
    spin = b.loc(0x402400, [("main.spin", MAIN, 80, 84)])
    idle = b.loc(0x402500, [("main.idle", MAIN, 90, 91)])
    hash_ = b.loc(0x402600, [("main.hash", MAIN, 100, 103)])
    samples = [
        ([spin, main, root], [3, 30000000]),
        ([idle, main, root], [0, 0]),
        ([hash_, spin, main, root], [2, 20000000]),
        ([idle, spin, main, root], [1, 0]),
        ([main, root], [0, 0]),
        ([hash_, main, root], [1, 10000000]),
    ]
    return b.build([("samples", "count"), ("cpu", "nanoseconds")],
                   ("cpu", "nanoseconds"), 10000000, 1795265600_000000000, 500_000_000, samples,
                   "/usr/local/bin/edge")


def keep_frames():
    """drop_frames and keep_frames, as pprof applies them on loading
    (Profile.RemoveUninteresting: both anchored as ^(RE)$, keep_frames only
    with a drop_frames, names simplified by cutting the argument list).

    Locations: a location is pruned whole when its outermost (caller-most)
    frame matching drop_frames and not keep_frames is its last line, else it
    keeps only the lines outside that frame and is "pruned beneath".  Samples
    are scanned from the root: at the first pruned location after a user
    frame, the stack is cut beneath it (a pruned-whole location goes too).
    Each sample below notes its expected stack, leaf first.
    """
    b = Builder()
    root = b.loc(0x401000, [("runtime.main", PROC, 144, 250)])
    bg = b.loc(0x401100, [("runtime.bgsweep", "runtime/mgcsweep.go", 270, 301)])
    malloc = b.loc(0x401200, [("runtime.mallocgc", MALLOC, 905, 1040)])
    newobj = b.loc(0x401300, [("runtime.newobject", MALLOC, 1191, 1192)])
    grow = b.loc(0x401400, [("runtime.growslice", SLICE, 157, 266)])
    mkslice = b.loc(0x401500, [("runtime.makeslice", SLICE, 88, 103)])
    main = b.loc(0x402000, [("main.main", MAIN, 20, 36)])
    work = b.loc(0x402100, [("main.work", MAIN, 40, 52)])
    build = b.loc(0x402200, [("main.build", MAIN, 60, 64)])
    akeep = b.loc(0x402300, [("main.allocKeep", MAIN, 70, 72)])
    abuf = b.loc(0x402400, [("main.allocBuf", MAIN, 80, 81)])
    # allocTiny inlined into work: pruned beneath, keeps the main.work line.
    tiny = b.loc(0x402500, [("main.allocTiny", MAIN, 90, 91), ("main.work", MAIN, 40, 47)])
    # allocKeep inlined into allocBuf: the outer line is dropped, so all of it goes.
    inl_keep = b.loc(0x402600, [("main.allocKeep", MAIN, 70, 73), ("main.allocBuf", MAIN, 80, 84)])
    # mallocgc inlined into growslice (kept): pruned beneath, keeps growslice.
    inl_grow = b.loc(0x401600, [("runtime.mallocgc", MALLOC, 905, 1010), ("runtime.growslice", SLICE, 157, 270)])
    # A C++ name: drop_frames matches it once its argument list is cut.
    opnew = b.loc(0x403000, [("operator new(unsigned long)", "new_op.cc", 50, 54)])
    samples = [
        ([malloc, newobj, build, work, main, root], [4, 4096]),       # build work main root
        ([malloc, grow, build, work, main, root], [2, 65536]),        # growslice build work main root
        ([malloc, mkslice, akeep, work, main, root], [3, 12288]),     # allocKeep work main root
        ([malloc, newobj, abuf, work, main, root], [5, 20480]),       # work main root
        ([malloc, tiny, main, root], [1, 256]),                       # work(:47) main root
        ([malloc, inl_keep, work, main, root], [6, 393216]),          # work main root
        ([inl_grow, build, main, root], [1, 131072]),                 # growslice(:270) build main root
        ([malloc, newobj], [7, 7168]),                                # no user frame: unchanged
        ([opnew, build, main, root], [2, 2048]),                      # build main root
        ([malloc, newobj, bg], [1, 512]),                             # bgsweep
        ([malloc, newobj, build, abuf, work, main, root], [2, 8192]),  # work main root
        ([malloc, newobj, build, abuf], [1, 1024]),                   # build allocBuf (root not cut)
    ]
    return b.build([("alloc_objects", "count"), ("alloc_space", "bytes")],
                   ("space", "bytes"), 524288, 1795265700_000000000, 0, samples,
                   "/usr/local/bin/edge",
                   drop_frames=r"runtime\.(mallocgc|newobject|makeslice|growslice)|main\.alloc.*|operator new",
                   keep_frames=r"runtime\.growslice|main\.allocKeep")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, data in [("heap.zero_inuse.pb.gz", heap_zero_inuse()),
                       ("cpu.nosamples.pb.gz", cpu_nosamples()),
                       ("cpu.zero.pb.gz", cpu_zero()),
                       ("heap.keep_frames.pb.gz", keep_frames())]:
        with open(os.path.join(here, name), "wb") as f:
            f.write(gzip.compress(data, mtime=0))


if __name__ == "__main__":
    main()
