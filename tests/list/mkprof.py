#!/usr/bin/env python3
"""Write a CPU profile (profile.proto, gzipped) whose samples fall inside a
binary's functions, for the -disasm/-list/-weblist tests (stdlib only).

    python3 mkprof.py BINARY OUT.pb.gz [whole]

The binary is only inspected: its ELF program headers give a realistic
mapping (as if loaded at 0x555555554000), `nm -n` its functions, `objdump -d`
their instruction addresses and `addr2line -a -f -i` the (inlined) frames of
every sampled address.  The profile is already symbolized (mapping flags set),
so pprof and prof read it the same way with -symbolize=none.  With `whole`
the mapping starts at the beginning of the file (offset 0) instead of at the
executable segment.  Deterministic for a given binary.
"""

import gzip
import os
import random
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, opt_packed, opt_vfield  # noqa: E402

LOAD_BASE = 0x555555554000


def text_segment(path):
    """(offset, vaddr, memsz, is_exec) of the executable PT_LOAD segment of an ELF64 LE file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("mkprof: %s: not a little-endian ELF64 file" % path)
    e_type, = struct.unpack_from("<H", data, 0x10)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, _, _, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_flags & 1:
            return p_offset, p_vaddr, p_memsz, e_type == 2
    sys.exit("mkprof: %s: no executable segment" % path)


def functions(path):
    """name -> start address of the text symbols, from nm -n."""
    out = subprocess.run(["nm", "-n", path], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT":
            syms.setdefault(parts[2], int(parts[0], 16))
    return syms


def instructions(path, start, stop):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % start,
                          "--stop-address=%#x" % stop, path],
                         check=True, capture_output=True, text=True).stdout
    addrs = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s", line)
        if m:
            addrs.append(int(m.group(1), 16))
    return addrs


def frames(path, addrs):
    """address -> [(function, file, line)], innermost first, from addr2line."""
    out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", path] + ["%#x" % a for a in addrs],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    result, cur, i = {}, None, 0
    while i < len(out):
        line = out[i]
        if line.startswith("0x"):
            cur = int(line, 16)
            result[cur] = []
            i += 1
            continue
        fn, loc = line, out[i + 1]
        i += 2
        loc = re.sub(r" \(discriminator \d+\)$", "", loc)
        file, _, num = loc.rpartition(":")
        result[cur].append((fn, file if file != "??" else "", int(num) if num.isdigit() else 0))
    return result


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] != "whole"):
        sys.exit("usage: mkprof.py BINARY OUT.pb.gz [whole]")
    binary, out = sys.argv[1], sys.argv[2]
    off, vaddr, memsz, fixed = text_segment(binary)
    start = (0 if fixed else LOAD_BASE) + (vaddr & ~0xFFF)
    limit = start + ((vaddr & 0xFFF) + memsz + 0xFFF & ~0xFFF)
    offset = off & ~0xFFF
    if len(sys.argv) == 4:
        start -= offset
        offset = 0
    base = start - offset + off - vaddr

    syms = functions(binary)
    order = sorted(syms.items(), key=lambda kv: kv[1])
    want = ["leaf_sum", "hidden_work", "aliased_target", "copy_block", "main"]
    insns = {}
    for name in want:
        s = syms[name]
        nxt = min((a for _, a in order if a > s), default=s + 64)
        insns[name] = instructions(binary, s, nxt) or [s]

    rnd = random.Random(1)
    stacks = []  # (object addresses leaf first, cpu ns)
    for _ in range(60):
        leaf = rnd.choice(want)
        a = rnd.choice(insns[leaf])
        if rnd.random() < 0.2:
            a += 1  # inside an instruction: credited to it
        stack = [a]
        if leaf == "leaf_sum":
            stack.append(rnd.choice(insns["hidden_work"]))
        if leaf != "main":
            stack.append(rnd.choice(insns["main"]))
        stacks.append((stack, rnd.randint(1, 30) * 10000000))

    addrs = sorted({a for st, _ in stacks for a in st})
    frs = frames(binary, addrs)

    strings, sindex = [""], {"": 0}

    def s(text):
        if text not in sindex:
            sindex[text] = len(strings)
            strings.append(text)
        return sindex[text]

    funcs = {}
    body = bytearray()
    for t, u in (("samples", "count"), ("cpu", "nanoseconds")):
        body += lfield(1, opt_vfield(1, s(t)) + opt_vfield(2, s(u)))
    loc_id = {a: i + 1 for i, a in enumerate(addrs)}
    for st, v in stacks:
        body += lfield(2, opt_packed(1, [loc_id[a] for a in st]) + opt_packed(2, [v // 10000000, v]))
    body += lfield(3, opt_vfield(1, 1) + opt_vfield(2, start) + opt_vfield(3, limit) + opt_vfield(4, offset) +
                   opt_vfield(5, s(binary)) + opt_vfield(7, 1) + opt_vfield(8, 1) + opt_vfield(9, 1) +
                   opt_vfield(10, 1))
    for a in addrs:
        lines = b""
        for fn, file, line in frs.get(a, []):
            if (fn, file) not in funcs:
                funcs[(fn, file)] = len(funcs) + 1
            lines += lfield(4, opt_vfield(1, funcs[(fn, file)]) + opt_vfield(2, line))
        body += lfield(4, opt_vfield(1, loc_id[a]) + opt_vfield(2, 1) + opt_vfield(3, a + base) + lines)
    for (fn, file), fid in funcs.items():
        body += lfield(5, opt_vfield(1, fid) + opt_vfield(2, s(fn)) + opt_vfield(3, s(fn)) +
                       opt_vfield(4, s(file)))
    strings_copy = list(strings)
    tail = opt_vfield(10, 3000000000) + lfield(11, opt_vfield(1, s("cpu")) + opt_vfield(2, s("nanoseconds")))
    tail += opt_vfield(12, 10000000)
    for text in strings:
        body += lfield(6, text.encode())
    assert strings == strings_copy, "strings added after the table was written"
    body += tail
    with open(out, "wb") as f:
        f.write(gzip.compress(bytes(body), mtime=0))


if __name__ == "__main__":
    main()
