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
import random
import re
import struct
import subprocess
import sys

LOAD_BASE = 0x555555554000


def varint(v):
    if v < 0:
        v += 1 << 64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def f_varint(field, v):
    return key(field, 0) + varint(v) if v else b""


def f_bytes(field, data):
    return key(field, 2) + varint(len(data)) + data


def f_packed(field, values):
    if not values:
        return b""
    return f_bytes(field, b"".join(varint(v) for v in values))


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
        body += f_bytes(1, f_varint(1, s(t)) + f_varint(2, s(u)))
    loc_id = {a: i + 1 for i, a in enumerate(addrs)}
    for st, v in stacks:
        body += f_bytes(2, f_packed(1, [loc_id[a] for a in st]) + f_packed(2, [v // 10000000, v]))
    body += f_bytes(3, f_varint(1, 1) + f_varint(2, start) + f_varint(3, limit) + f_varint(4, offset) +
                    f_varint(5, s(binary)) + f_varint(7, 1) + f_varint(8, 1) + f_varint(9, 1) + f_varint(10, 1))
    for a in addrs:
        lines = b""
        for fn, file, line in frs.get(a, []):
            if (fn, file) not in funcs:
                funcs[(fn, file)] = len(funcs) + 1
            lines += f_bytes(4, f_varint(1, funcs[(fn, file)]) + f_varint(2, line))
        body += f_bytes(4, f_varint(1, loc_id[a]) + f_varint(2, 1) + f_varint(3, a + base) + lines)
    for (fn, file), fid in funcs.items():
        body += f_bytes(5, f_varint(1, fid) + f_varint(2, s(fn)) + f_varint(3, s(fn)) + f_varint(4, s(file)))
    strings_copy = list(strings)
    tail = f_varint(10, 3000000000) + f_bytes(11, f_varint(1, s("cpu")) + f_varint(2, s("nanoseconds")))
    tail += f_varint(12, 10000000)
    for text in strings:
        body += f_bytes(6, text.encode())
    assert strings == strings_copy, "strings added after the table was written"
    body += tail
    with open(out, "wb") as f:
        f.write(gzip.compress(bytes(body), mtime=0))


if __name__ == "__main__":
    main()
