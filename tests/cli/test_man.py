#!/usr/bin/env python3
"""The man page documents every flag the command and option tables define
(read from the binary's usage text, which is generated from those tables),
and names no flag that does not exist.  usage: test_man.py PROF SRCDIR"""
import re
import subprocess
import sys

prof, srcdir = sys.argv[1], sys.argv[2]
usage = subprocess.run([prof, "-help"], capture_output=True, text=True).stderr
flags = set(re.findall(r"^\s+-([a-z_]+)", usage, re.M))
man = open(srcdir + "/man/prof.1").read()
man_flags = set(re.findall(r"\\-([a-z_]+)", man.replace("\\fB", "").replace("\\fR", "")))
missing = sorted(f for f in flags if f not in man_flags)
passed = failed = 0
for f in missing:
    print("FAIL: -%s is a flag but not in man/prof.1" % f)
failed += len(missing)
passed += len(flags) - len(missing)
known_extra = {"name", "h", "help", "cpuprofile"}  # Go syntax, help flags, go test's flag
unknown = sorted(f for f in man_flags if f not in flags and f not in known_extra and len(f) > 1)
for f in unknown:
    print("FAIL: man/prof.1 names -%s, which is not a flag" % f)
failed += len(unknown)
if len(flags) < 80:
    print("FAIL: usage lists only %d flags" % len(flags))
    failed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
