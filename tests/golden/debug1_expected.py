#!/usr/bin/env python3
"""Expected output for a Go ?debug=1 text profile, with function names.

    debug1_expected.py [PPROF ARGS...] FILE      (run from testdata/, TZ=UTC)

pprof ignores the '#' comment lines of Go's debug=1 text and reports every
frame as <unknown>; prof names the frames from them (see src/legacy.c).  The
expected output is pprof's own report of the same profile with the names
filled in:

 1. `go tool pprof -raw -symbolize=none FILE` gives pprof's parse of the text:
    sample types, period, every sample's values, locations and numeric
    labels, every location's address and mapping, the mappings.
 2. The comment lines name the locations, by the rule of comment_names()
    (the same as src/legacy.c's); functions are keyed by (name, file).
 3. That profile is written as gzipped profile.proto, with the drop_frames /
    keep_frames pprof gives a legacy profile of these sample types, and
    `go tool pprof PPROF ARGS -symbolize=none` on it prints the expected
    report (stdout); its status is the expected status.

Only the standard library is used.  The profile file is written to a
temporary directory and removed.
"""
import gzip
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, opt_packed, opt_vfield  # noqa: E402

ALLOC_RX = "|".join([
    "calloc", "cfree", "malloc", "free", "memalign", "do_memalign", "(__)?posix_memalign", "pvalloc",
    "valloc", "realloc", "tcmalloc::.*", "tc_calloc", "tc_cfree", "tc_malloc", "tc_free", "tc_memalign",
    "tc_posix_memalign", "tc_pvalloc", "tc_valloc", "tc_realloc", "tc_new", "tc_delete", "tc_newarray",
    "tc_deletearray", "tc_new_nothrow", "tc_newarray_nothrow", "malloc_zone_malloc", "malloc_zone_calloc",
    "malloc_zone_valloc", "malloc_zone_realloc", "malloc_zone_memalign", "malloc_zone_free", r"runtime\..*",
    "BaseArena::.*", "(::)?do_malloc_no_errno", "(::)?do_malloc_pages", "(::)?do_malloc",
    "DoSampledAllocation", "MallocedMemBlock::MallocedMemBlock", "_M_allocate", "__builtin_(vec_)?delete",
    "__builtin_(vec_)?new", "__gnu_cxx::new_allocator::allocate", "__libc_malloc",
    "__malloc_alloc_template::allocate", "allocate", "cpp_alloc", r"operator new(\[\])?",
    "simple_alloc::allocate"])
ALLOC_SKIP_RX = r"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*"
CPU_RX = "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore"
LOCK_RX = "|".join([
    "RecordLockProfileData", "(base::)?RecordLockProfileData.*", "(base::)?SubmitMutexProfileData.*",
    "(base::)?SubmitSpinLockProfileData.*", "(base::Mutex::)?AwaitCommon.*", "(base::Mutex::)?Unlock.*",
    "(base::Mutex::)?UnlockSlow.*", "(base::Mutex::)?ReaderUnlock.*", "(base::MutexLock::)?~MutexLock.*",
    "(Mutex::)?AwaitCommon.*", "(Mutex::)?Unlock.*", "(Mutex::)?UnlockSlow.*", "(Mutex::)?ReaderUnlock.*",
    "(MutexLock::)?~MutexLock.*", "(SpinLock::)?Unlock.*", "(SpinLock::)?SlowUnlock.*",
    "(SpinLockHolder::)?~SpinLockHolder.*"])


def frame_rx(types):
    heap = [["allocations", "size"], ["objects", "space"], ["inuse_objects", "inuse_space"],
            ["alloc_objects", "alloc_space"], ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]]
    if types in heap:
        return ALLOC_RX, ALLOC_SKIP_RX
    if types == ["contentions", "delay"]:
        return LOCK_RX, ""
    return CPU_RX, ""


def pprof(args):
    return subprocess.run(["go", "tool", "pprof"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def parse_raw(text):
    """pprof's -raw dump -> dict."""
    prof = {"samples": [], "locations": {}, "mappings": [], "period_type": ("", ""), "period": 0}
    section = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        i += 1
        if l.startswith("PeriodType: "):
            parts = l[len("PeriodType: "):].split(" ")
            prof["period_type"] = (parts[0], parts[1] if len(parts) > 1 else "")
        elif l.startswith("Period: "):
            prof["period"] = int(l[len("Period: "):])
        elif l.startswith("Duration: ") or l.startswith("Time: "):
            raise SystemExit("debug1_expected: unexpected header line: " + l)
        elif l in ("Samples:", "Locations", "Mappings"):
            section = l
            if l == "Samples:":
                prof["types"] = [t.split("/") for t in lines[i].split()]
                i += 1
        elif not l.strip():
            continue
        elif section == "Samples:":
            if ":" in l and not l.strip().startswith(("bytes:", "[")) and re.match(r"^\s*-?\d", l):
                vals, locs = l.split(":", 1)
                prof["samples"].append({"values": [int(v) for v in vals.split()],
                                        "locs": [int(x) for x in locs.split()], "num": []})
            else:
                m = re.match(r"^\s*(\w+):\[(.*)\]\s*$", l)
                if not m:
                    raise SystemExit("debug1_expected: cannot read sample line: " + l)
                for v in m.group(2).split():
                    prof["samples"][-1]["num"].append((m.group(1), int(v)))
        elif section == "Locations":
            m = re.match(r"^\s*(\d+): 0x([0-9a-f]+)(?: M=(\d+))?\s*$", l)
            if not m:
                raise SystemExit("debug1_expected: cannot read location line (already named?): " + l)
            prof["locations"][int(m.group(1))] = (int(m.group(2), 16), int(m.group(3) or 0))
        elif section == "Mappings":
            m = re.match(r"^(\d+): 0x([0-9a-f]+)/0x([0-9a-f]+)/0x([0-9a-f]+) (\S*) ?(\S*)", l)
            if not m:
                raise SystemExit("debug1_expected: cannot read mapping line: " + l)
            prof["mappings"].append((int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16),
                                     int(m.group(4), 16), m.group(5), m.group(6)))
    return prof


def comment_names(text, locations):
    """address -> [(function, file, line)] from the debug=1 comment blocks.

    Only addresses of locations are named.  After each sample line "... @
    0x.. 0x..", one comment per frame: "#<TAB>0x<pc><TAB>func+0x<off><TAB>
    file:line", innermost first; consecutive comments with one pc are that
    frame's inlined functions, unless the first function comes again (direct
    recursion: the next frame).  The first block naming an address wins.  A
    frame of the sample's stack (addresses minus one) without a comment, after
    the first one with a comment, is runtime.goexit (Go's printStackRecord
    leaves out only runtime.goexit once it shows a frame), named without file
    and line.
    """
    names = {}
    stack, covered, first, nxt = [], [], None, 0
    frame = None  # (pc, first function, naming) of the frame being read

    def end_block():
        if first is None:
            return
        for k in range(first + 1, len(stack)):
            a = stack[k]
            if not covered[k] and a in locations and a not in names:
                names[a] = [("runtime.goexit", "", 0)]

    for line in text.split("\n"):
        if not line.startswith("#"):
            end_block()
            frame = None
            stack, covered, first, nxt = [], [], None, 0
            if "@" in line:
                tail = line[line.rindex("@") + 1:]
                stack = [int(h, 16) - 1 for h in re.findall(r"0x[0-9a-f]+", tail)]
                covered = [False] * len(stack)
            continue
        fields = [f for f in re.split(r"[\t ]+", line[1:].strip(), maxsplit=1) if f]
        if not fields or not fields[0].startswith("0x"):
            frame = None
            continue
        addr = int(fields[0], 16)
        fn = file = None
        lineno = 0
        rest = re.split(r"\t+", fields[1].strip(), maxsplit=1) if len(fields) > 1 else []
        if len(rest) == 2 and addr in locations:
            fn = re.sub(r"\+0x[0-9a-f]+$", "", rest[0])
            fl = rest[1].strip()
            m = re.match(r"^(.*):(\d+)$", fl)
            file, lineno = (m.group(1), int(m.group(2))) if m else (fl, 0)
        if frame is not None and frame[0] == addr and fn is not None and fn != frame[1]:
            if frame[2]:
                names[addr].append((fn, file, lineno))
            continue
        for k in range(nxt, len(stack)):
            if stack[k] == addr:
                covered[k] = True
                if first is None:
                    first = k
                nxt = k + 1
                break
        naming = fn is not None and addr not in names
        if naming:
            names[addr] = [(fn, file, lineno)]
        frame = (addr, fn, naming)
    end_block()
    return names


# ---- profile.proto writer ----

class Strings:
    def __init__(self):
        self.table = [""]
        self.index = {"": 0}

    def __call__(self, s):
        if s not in self.index:
            self.index[s] = len(self.table)
            self.table.append(s)
        return self.index[s]


def encode(prof, names):
    st = Strings()
    out = bytearray()
    types = prof["types"]
    for t, u in types:
        out += lfield(1, opt_vfield(1, st(t)) + opt_vfield(2, st(u)))
    for s in prof["samples"]:
        msg = opt_packed(1, s["locs"]) + opt_packed(2, s["values"])
        for k, v in s["num"]:
            msg += lfield(3, opt_vfield(1, st(k)) + opt_vfield(3, v))
        out += lfield(2, msg)
    for mid, start, limit, off, file, bid in prof["mappings"]:
        out += lfield(3, opt_vfield(1, mid) + opt_vfield(2, start) + opt_vfield(3, limit) +
                      opt_vfield(4, off) + opt_vfield(5, st(file)) + opt_vfield(6, st(bid)))
    funcs = {}
    for lid in sorted(prof["locations"]):
        addr, mid = prof["locations"][lid]
        msg = opt_vfield(1, lid) + opt_vfield(2, mid) + opt_vfield(3, addr)
        for fn, file, lineno in names.get(addr, []):
            if (fn, file) not in funcs:
                funcs[(fn, file)] = len(funcs) + 1
            msg += lfield(4, opt_vfield(1, funcs[(fn, file)]) + opt_vfield(2, lineno))
        out += lfield(4, msg)
    for (fn, file), fid in funcs.items():
        out += lfield(5, opt_vfield(1, fid) + opt_vfield(2, st(fn)) + opt_vfield(3, st(fn)) +
                      opt_vfield(4, st(file)))
    drop, keep = frame_rx([t for t, _ in types])
    out += opt_vfield(7, st(drop)) + opt_vfield(8, st(keep))
    pt, pu = prof["period_type"]
    out += lfield(11, opt_vfield(1, st(pt)) + opt_vfield(2, st(pu)))
    out += opt_vfield(12, prof["period"])
    head = bytearray()
    for s in st.table:
        head += lfield(6, s.encode())
    return bytes(out + head)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    src, args = sys.argv[-1], sys.argv[1:-1]
    raw = pprof(["-raw", "-symbolize=none", src])
    if raw.returncode != 0:
        sys.stderr.write(raw.stderr.decode())
        raise SystemExit("debug1_expected: pprof -raw failed")
    prof = parse_raw(raw.stdout.decode())
    with open(src, encoding="utf-8", errors="surrogateescape") as f:
        names = comment_names(f.read(), {a for a, _ in prof["locations"].values()})
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "named.pb.gz")
        with open(path, "wb") as f:
            f.write(gzip.compress(encode(prof, names)))
        r = pprof(args + ["-symbolize=none", path])
    sys.stdout.write(r.stdout.decode())
    sys.stderr.write(r.stderr.decode())
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
