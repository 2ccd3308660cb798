#!/usr/bin/env python3
"""Bad input and bad usage: each case gives one exact line on stderr, an exact
exit status and nothing on stdout.  Inputs are made here (stdlib only).

usage: test_errors.py PROF SRCDIR
"""
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from protowire import key, lfield, packed, varint, vfield  # noqa: E402


def valuetype(t, u):
    return vfield(1, t) + vfield(2, u)


def profile(sample_types=((1, 2),), samples=(((1,), (5,)),), mappings=((1,),), locations=((1, 1, ((1, 0),)),),
            functions=((1, 3),), strings=("", "cpu", "nanoseconds", "main"), extra=b""):
    """Build a profile.proto message.  samples: (location ids, values);
    mappings: (id,); locations: (id, mapping id, ((function id, line), ...));
    functions: (id, name string index)."""
    b = bytearray()
    for t, u in sample_types:
        b += lfield(1, valuetype(t, u))
    for locs, vals in samples:
        b += lfield(2, packed(1, locs) + packed(2, vals))
    for (mid,) in mappings:
        # has_functions set, as in Go's profiles: no "Main binary filename not available." from symbolization
        b += lfield(3, vfield(1, mid) + vfield(7, 1))
    for lid, mid, lines in locations:
        body = vfield(1, lid) + vfield(2, mid)
        for fid, line in lines:
            body += lfield(4, vfield(1, fid) + vfield(2, line))
        b += lfield(4, body)
    for fid, name in functions:
        b += lfield(5, vfield(1, fid) + vfield(2, name))
    for s in strings:
        b += lfield(6, s.encode())
    return bytes(b) + extra


GOOD = profile()

CASES = [
    # name, file content (bytes or None for no file), args before the file, rc, stderr
    ("missing file", None, ["-top"], 1, "prof: {f}: open: no such file or directory"),
    ("directory", "DIR", ["-top"], 1, "prof: {f}: is a directory, not a profile"),
    ("empty file", b"", ["-top"], 1, "prof: {f}: parsing profile: empty input file"),
    ("empty gzip", gzip.compress(b""), ["-top"], 1, "prof: {f}: parsing profile: empty input file"),
    ("random bytes", bytes(range(7, 200)) * 3, ["-top"], 1,
     "prof: {f}: parsing profile: unrecognized profile format: neither profile.proto nor a known legacy format"),
    ("text", b"hello, this is not a profile\n", ["-top"], 1,
     "prof: {f}: parsing profile: unrecognized profile format: text that is not a known profile format"),
    ("html page", b"<!DOCTYPE html>\n<html><body>404 page not found</body></html>\n", ["-top"], 1,
     "prof: {f}: parsing profile: unrecognized profile format: this is an HTML/XML page, not a profile"),
    ("truncated gzip", gzip.compress(GOOD * 50)[:-30], ["-top"], 1,
     "prof: {f}: decompressing profile: unexpected end of gzip data (truncated file)"),
    ("bad crc", gzip.compress(GOOD)[:-8] + b"\0\0\0\0" + gzip.compress(GOOD)[-4:], ["-top"], 1,
     "prof: {f}: decompressing profile: corrupt gzip data: incorrect data check"),
    ("truncated protobuf", GOOD[:-3], ["-top"], 1,
     "prof: {f}: parsing profile: Profile.string_table: length 4 at offset 58 runs past the end of its message "
     "(1 bytes left; truncated file?)"),
    ("wrong wire type", lfield(1, valuetype(1, 2)) + key(2, 0) + varint(5), ["-top"], 1,
     "prof: {f}: parsing profile: Profile.sample (field 2): wrong wire type 0 (expected length-delimited 2) at offset 6"),
    ("group wire type", lfield(1, valuetype(1, 2)) + key(9, 3), ["-top"], 1,
     "prof: {f}: parsing profile: Profile.time_nanos (field 9): invalid wire type 3 at offset 6"),
    ("varint too long", lfield(1, valuetype(1, 2)) + key(9, 0) + b"\xff" * 11, ["-top"], 1,
     "prof: {f}: parsing profile: Profile.time_nanos: over-long (more than 10 bytes) varint at offset 6"),
    ("length past end", lfield(1, valuetype(1, 2)) + key(6, 2) + varint(1000) + b"abc", ["-top"], 1,
     "prof: {f}: parsing profile: Profile.string_table: length 1000 at offset 6 runs past the end of its message "
     "(3 bytes left; truncated file?)"),
    ("string index out of range", profile(functions=((1, 99),)), ["-top"], 1,
     "prof: {f}: parsing profile: function[0].name: string index 99 out of range (string table has 4 entries)"),
    ("first string not empty", profile(strings=("x", "cpu", "nanoseconds", "main")), ["-top"], 1,
     "prof: {f}: parsing profile: string_table[0] must be \"\", not \"x\""),
    ("unknown location", profile(samples=(((7,), (5,)),)), ["-top"], 1,
     "prof: {f}: malformed profile: sample 0 refers to location id 7, which does not exist"),
    ("unknown function", profile(locations=((1, 1, ((4, 0),)),)), ["-top"], 1,
     "prof: {f}: malformed profile: location id 1 has a line referring to function id 4, which does not exist"),
    ("function id zero", profile(locations=((1, 1, ((0, 0),)),)), ["-top"], 1,
     "prof: {f}: malformed profile: location id 1 has a line with no function (function id 0)"),
    ("unknown mapping", profile(locations=((1, 9, ((1, 0),)),)), ["-top"], 1,
     "prof: {f}: malformed profile: location id 1 refers to mapping id 9, which does not exist"),
    ("duplicate location id", profile(locations=((1, 1, ((1, 0),)), (1, 1, ((1, 0),)))), ["-top"], 1,
     "prof: {f}: malformed profile: location[1]: duplicate location id 1"),
    ("zero function id", profile(functions=((0, 3), (2, 3))), ["-top"], 1,
     "prof: {f}: malformed profile: function[0] has the reserved id 0"),
    ("duplicate mapping id", profile(mappings=((1,), (1,))), ["-top"], 1,
     "prof: {f}: malformed profile: mapping[1]: duplicate mapping id 1"),
    ("duplicate function id", profile(functions=((1, 3), (1, 3))), ["-top"], 1,
     "prof: {f}: malformed profile: function[1]: duplicate function id 1"),
    # the location has no mapping (id 0), so only the mapping's own id is wrong
    ("zero mapping id", profile(mappings=((0,),), locations=((1, 0, ((1, 0),)),)), ["-top"], 1,
     "prof: {f}: malformed profile: mapping[0] has the reserved id 0"),
    ("zero sample location id", profile(samples=(((1, 0), (5,)),)), ["-top"], 1,
     "prof: {f}: malformed profile: sample 0 refers to location id 0, which does not exist"),
    ("values vs types", profile(samples=(((1,), (5, 6)),)), ["-top"], 1,
     "prof: {f}: malformed profile: sample 0 has 2 values but there are 1 sample types"),
    ("samples without types", profile(sample_types=(), samples=(((1,), ()),)), ["-top"], 1,
     "prof: {f}: malformed profile: 1 samples but no sample types"),
    # usage errors: Go flag messages, then the usage text (only the first line is checked)
    ("unknown flag", GOOD, ["-nosuchflag"], 2, "flag provided but not defined: -nosuchflag"),
    ("bad int", GOOD, ["-nodecount=x"], 2, "invalid value \"x\" for flag -nodecount: parse error"),
    ("int out of range", GOOD, ["-nodecount=99999999999999999999"], 2,
     "invalid value \"99999999999999999999\" for flag -nodecount: value out of range"),
    ("bad bool", GOOD, ["-trim=maybe"], 2, "invalid boolean value \"maybe\" for -trim: parse error"),
    ("bad float", GOOD, ["-nodefraction=abc"], 2, "invalid value \"abc\" for flag -nodefraction: parse error"),
    ("two formats", GOOD, ["-top", "-text"], 2, "prof: must set at most one output format"),
    ("conflicting choices", GOOD, ["-top", "-lines", "-files"], 2, "prof: conflicting options set: [files lines]"),
    ("base and diff_base", GOOD, ["-top", "-base=a", "-diff_base=b"], 2,
     "prof: -base and -diff_base flags cannot both be specified"),
    ("normalize without base", GOOD, ["-top", "-normalize"], 2, "prof: must have base profile to normalize by"),
    ("bad sample index", GOOD, ["-top", "-sample_index=bogus"], 2, "prof: sample_index \"bogus\" must be one of: [cpu]"),
    ("sample index range", GOOD, ["-top", "-sample_index=3"], 2, "prof: sample_index 3 is outside the range [0..0]"),
    ("zero divisor", GOOD, ["-top", "-divide_by=0"], 2, "prof: zero divisor specified"),
]


def main():
    prof, srcdir = sys.argv[1], sys.argv[2]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, data, args, rc, want) in enumerate(CASES):
            f = os.path.join(tmp, "case%02d.pb" % i)
            if data == "DIR":
                os.mkdir(f)
            elif data is not None:
                with open(f, "wb") as fh:
                    fh.write(data)
            p = subprocess.run([prof] + args + [f], capture_output=True, stdin=subprocess.DEVNULL,
                               env=dict(os.environ, TZ="UTC"))
            err_lines = p.stderr.decode(errors="replace").splitlines()
            want_line = want.format(f=f)
            problems = []
            if p.returncode != rc:
                problems.append("exit status %d, want %d" % (p.returncode, rc))
            if p.stdout:
                problems.append("stdout not empty: %r" % p.stdout[:200])
            if not err_lines or err_lines[0] != want_line:
                problems.append("stderr %r, want %r" % (err_lines[:2], want_line))
            if rc == 1 and len(err_lines) != 1:
                problems.append("stderr has %d lines, want 1" % len(err_lines))
            if "AddressSanitizer" in p.stderr.decode(errors="replace") or "runtime error" in p.stderr.decode(errors="replace"):
                problems.append("sanitizer report")
            if problems:
                failed += 1
                print("FAIL %s: %s" % (name, "; ".join(problems)))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
