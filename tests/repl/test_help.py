#!/usr/bin/env python3
"""The shell's help is made from the same tables as the command line: every
report command and every option the CLI usage lists (`prof -help`) is listed by
the shell's `help` and has its own `help NAME` text; `help top`, `help focus`
and `help granularity` say what they should.

usage: test_help.py PROF SRCDIR
"""
import os
import re
import subprocess
import sys

prof, srcdir = os.path.abspath(sys.argv[1]), sys.argv[2]
data = os.path.join(srcdir, "testdata")
usage = subprocess.run([prof, "-help"], capture_output=True, text=True).stderr
formats = usage.split("Output formats")[1].split("\n\n")[0]
commands = re.findall(r"^    -([a-z]+)", formats, re.M)
options_part = usage.split("  Options:")[1].split("Source options")[0]
options = re.findall(r"^ {4,6}-([a-z_]+)", options_part, re.M)
groups = ["granularity", "sort"]

names = commands + options + groups
script = "help\n" + "".join("help %s\n" % n for n in names)
r = subprocess.run([prof, "work.cpu.pb.gz"], cwd=data, input=script, capture_output=True, text=True,
                   env=dict(os.environ, NO_COLOR="1", TZ="UTC"))
err = r.stderr
listing = err.split("  Commands:")[1].split('type "help <cmd|option>"')[0] if "  Commands:" in err else ""

passed = failed = 0


def check(name, cond):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + name)


check("usage lists 25 commands (found %d)" % len(commands), len(commands) == 25)
check("usage lists options (found %d)" % len(options), len(options) >= 35)
for c in commands:
    check("help lists command %s" % c, re.search(r"^    %s +\S" % re.escape(c), listing, re.M))
for o in options + groups:
    check("help lists option %s" % o, re.search(r"^ {4,6}%s +" % re.escape(o), listing, re.M))
for n in names:
    check("help %s is known" % n, "Unknown command: %s\n" % n not in err)
check("help top shows usage", "    top [n] [focus_regex]* [-ignore_regex]* [-cum] [>file]\n" in err)
check("help focus explains it", "Restricts to samples going through a node matching regexp\n" in err)
check("help granularity lists the choices", re.search(r"^  filefunctions +\S", err, re.M))
check("no unknown topics", "Unknown command" not in err)
check("exit status 0", r.returncode == 0)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
