#!/usr/bin/env python3
"""Write an unsymbolized CPU profile (profile.proto, gzipped) whose addresses
fall inside an ELF binary, with a mapping naming it as /proc/self/maps would
for a process that loaded it at a made-up address.  Python stdlib only (the
ELF file is read here: program headers, .symtab, the build id note).

usage:
  mkprof.py funcs BINARY OUT [--step N] [--offset0] [--build-id HEX]
      every N-th byte (default 3) of every function of BINARY's .symtab
      (but the C runtime's) is the leaf of a sample; samples outside main
      have a second frame inside main.  Values are made up but fixed.
  mkprof.py spread BINARY OUT COUNT
      COUNT distinct addresses spread over BINARY's executable segment, each
      the leaf of a sample with three more frames (a benchmark input).

--offset0 maps the whole file from offset 0 (pprof 2022's binutils
mishandle mappings of the text segment alone for -disasm).  --build-id
puts that build id in the mapping instead of the file's (to test the
mismatch warning).  The mapping has no has_* flags, so prof symbolizes it.
"""
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import lfield, packed, vfield  # noqa: E402

BASE = 0x555555554000  # where the made-up process loaded the binary


class Elf:
    def __init__(self, path):
        self.data = data = open(path, "rb").read()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit("%s: not a little-endian ELF64 file" % path)
        (self.e_type, _, _, _, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
         shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
        self.loads = []
        for i in range(phnum):
            p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
                "<IIQQQQQQ", data, phoff + i * phentsize)
            if p_type == 1:
                self.loads.append((p_offset, p_vaddr, p_filesz, p_memsz, p_flags))
        self.sections = []
        for i in range(shnum):
            sh = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            self.sections.append(sh)
        names = self.sections[shstrndx]
        self.secnames = [self.cstr(names[4] + s[0]) for s in self.sections]

    def cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode()

    def symbols(self):
        """(name, value, size) of the FUNC symbols of .symtab."""
        out = []
        for i, sh in enumerate(self.sections):
            if sh[1] != 2:  # SHT_SYMTAB
                continue
            strtab = self.sections[sh[6]]
            for k in range(sh[5] // sh[9]):
                st_name, st_info, _, st_shndx, st_value, st_size = struct.unpack_from(
                    "<IBBHQQ", self.data, sh[4] + k * sh[9])
                if st_info & 0xF == 2 and st_shndx != 0 and st_name:
                    out.append((self.cstr(strtab[4] + st_name), st_value, st_size))
        return sorted(out, key=lambda s: (s[1], s[0]))

    def build_id(self):
        for i, sh in enumerate(self.sections):
            if sh[1] != 7:  # SHT_NOTE
                continue
            off, end = sh[4], sh[4] + sh[5]
            while off + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from("<III", self.data, off)
                name = self.data[off + 12:off + 12 + namesz]
                desc_off = off + 12 + ((namesz + 3) & ~3)
                if ntype == 3 and name[:3] == b"GNU":
                    return self.data[desc_off:desc_off + descsz].hex()
                off = desc_off + ((descsz + 3) & ~3)
        return ""

    def text_segment(self):
        for seg in self.loads:
            if seg[4] & 1:
                return seg
        raise SystemExit("no executable segment")


def encode(strings, mapping, locations, samples):
    """strings: list (index 0 = ""); mapping: dict; locations: [(id, addr)];
    samples: [([loc ids], [values])]."""
    b = bytearray()
    b += lfield(1, vfield(1, strings.index("samples")) + vfield(2, strings.index("count")))
    b += lfield(1, vfield(1, strings.index("cpu")) + vfield(2, strings.index("nanoseconds")))
    for locs, vals in samples:
        b += lfield(2, packed(1, locs) + packed(2, vals))
    m = (vfield(1, 1) + vfield(2, mapping["start"]) + vfield(3, mapping["limit"]) +
         vfield(4, mapping["offset"]) + vfield(5, strings.index(mapping["file"])))
    if mapping["build_id"]:
        m += vfield(6, strings.index(mapping["build_id"]))
    b += lfield(3, m)
    for lid, addr in locations:
        b += lfield(4, vfield(1, lid) + vfield(2, 1) + vfield(3, addr))
    for s in strings:
        b += lfield(6, s.encode())
    b += vfield(9, 1700000000 * 10**9)
    b += vfield(10, 10 * 10**9)
    b += lfield(11, vfield(1, strings.index("cpu")) + vfield(2, strings.index("nanoseconds")))
    b += vfield(12, 10**7)
    return bytes(b)


def mapping_for(elf, path, offset0, build_id):
    off, vaddr, _, memsz, _ = elf.text_segment()
    bid = elf.build_id() if build_id is None else build_id
    if offset0:
        end = max(v + m for _, v, _, m, _ in elf.loads)
        return {"start": BASE, "limit": BASE + ((end + 0xFFF) & ~0xFFF), "offset": 0, "file": path,
                "build_id": bid}
    start = BASE + (vaddr & ~0xFFF)
    return {"start": start, "limit": BASE + ((vaddr + memsz + 0xFFF) & ~0xFFF), "offset": off & ~0xFFF,
            "file": path, "build_id": bid}


CRT = {"_start", "_init", "_fini", "deregister_tm_clones", "register_tm_clones", "__do_global_dtors_aux",
       "frame_dummy"}


def main():
    args = sys.argv[1:]
    step, offset0, build_id = 3, False, None
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--step":
            step = int(args[i + 1])
            i += 2
        elif args[i] == "--offset0":
            offset0 = True
            i += 1
        elif args[i] == "--build-id":
            build_id = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    if len(rest) < 3 or rest[0] not in ("funcs", "spread"):
        raise SystemExit(__doc__)
    mode, path, out = rest[0], rest[1], rest[2]
    elf = Elf(path)
    base = BASE if elf.e_type == 3 else 0  # only ET_DYN (PIE, shared objects) gets a load address
    mapping = mapping_for(elf, path, offset0, build_id)
    if base == 0:
        mapping.update(start=mapping["start"] - BASE, limit=mapping["limit"] - BASE)
    locations, samples = [], []
    if mode == "funcs":
        syms = [s for s in elf.symbols() if s[2] > 0 and s[0] not in CRT]
        main_sym = [s for s in syms if s[0] == "main"]
        if not main_sym:
            raise SystemExit("no main in " + path)
        caller = base + main_sym[0][1] + main_sym[0][2] // 2
        locations.append((1, caller))
        lid = 2
        seen = set()  # aliases (D1/D2 destructors...) share addresses: one location each
        for name, value, size in syms:
            if value in seen:
                continue
            seen.add(value)
            for a in range(value, value + size, step):
                locations.append((lid, base + a))
                stack = [lid] if name == "main" else [lid, 1]
                samples.append((stack, [1 + a % 5, (1 + a % 5) * 10**7]))
                lid += 1
    else:
        count = int(rest[3])
        off, vaddr, filesz, memsz, _ = elf.text_segment()
        for k in range(count):
            a = base + vaddr + (k * filesz) // count
            locations.append((k + 1, a))
        for k in range(count):
            stack = [k + 1] + [(k * 7919 + j * 104729) % count + 1 for j in range(1, 4)]
            samples.append((stack, [1, 10**7]))
    strings = ["", "samples", "count", "cpu", "nanoseconds", path]
    if mapping["build_id"]:
        strings.append(mapping["build_id"])
    data = encode(strings, mapping, locations, samples)
    with open(out, "wb") as f:
        f.write(gzip.compress(data, mtime=0))


if __name__ == "__main__":
    main()
