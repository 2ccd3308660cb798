#!/usr/bin/env python3
"""prof -web: the graph as SVG in a temporary file, opened in $BROWSER.

usage: test_web.py PROF SRCDIR

BROWSER is a small script that records its arguments and copies the file it
is given (prof removes its temporary files when it exits, as pprof does).
Checks, for `prof -web work.cpu.pb.gz` (a profile of the corpus, see
testdata/README.md):
- exit status 0, nothing on standard output;
- the browser got one argument: a path $TMPDIR/pprofNNN.svg;
- that file was an SVG that parses (xml.etree), made to fill the window,
  whose nodes name the profile's top function;
- the file is gone once prof has exited;
- a BROWSER value with an argument ("script --new-window") is split on
  spaces as pprof does, the path coming last;
- without Graphviz's dot on PATH: one line saying to install Graphviz, exit
  status 1, the browser not started, no file left.
Exit status: 0 pass, 1 fail, 77 skip (no dot installed).
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

prof, srcdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
data = os.path.join(srcdir, "testdata")
if not shutil.which("dot"):
    print("skip: Graphviz dot is not installed")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402


tmp = tempfile.mkdtemp(prefix="prof-web-")
try:
    viewer_tmp = os.path.join(tmp, "t")
    os.mkdir(viewer_tmp)
    rec = os.path.join(tmp, "rec")
    browser = os.path.join(tmp, "browser")
    with open(browser, "w") as f:
        f.write('#!/bin/sh\n'
                '# Record the arguments, one per line, and keep a copy of the last one.\n'
                'for a in "$@"; do printf "%s\\n" "$a"; done > "$REC.args"\n'
                'for a in "$@"; do last=$a; done\n'
                'cp "$last" "$REC.copy"\n')
    os.chmod(browser, os.stat(browser).st_mode | stat.S_IXUSR)
    env = dict(os.environ, BROWSER=browser, REC=rec, TMPDIR=viewer_tmp, TZ="UTC", NO_COLOR="1")
    env.pop("DISPLAY", None)

    def run(args, **kw):
        for f in (rec + ".args", rec + ".copy"):
            if os.path.exists(f):
                os.unlink(f)
        return subprocess.run([prof] + args, cwd=data, env=kw.get("env", env), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=120)

    r = run(["-web", "work.cpu.pb.gz"])
    check("prof -web exits 0", r.returncode == 0, "status %d: %s" % (r.returncode, r.stderr.decode()))
    check("prof -web writes nothing on standard output", r.stdout == b"", repr(r.stdout[:200]))
    args = open(rec + ".args").read().splitlines() if os.path.exists(rec + ".args") else None
    check("the browser was started with one argument", args is not None and len(args) == 1, repr(args))
    path = args[0] if args else ""
    check("the argument is $TMPDIR/pprofNNN.svg", os.path.dirname(path) == viewer_tmp
          and re.fullmatch(r"pprof\d{3}\.svg", os.path.basename(path)), repr(path))
    check("the SVG file existed when the browser ran", os.path.exists(rec + ".copy"))
    check("prof removed the temporary file when it exited", path and not os.path.exists(path),
          repr(os.listdir(viewer_tmp)))

    top = subprocess.run([prof, "-top", "-nodecount=1", "work.cpu.pb.gz"], cwd=data, env=env,
                         capture_output=True, text=True).stdout.splitlines()
    hdr = [i for i, l in enumerate(top) if l.split()[:2] == ["flat", "flat%"]]
    top_fn = top[hdr[0] + 1].split(None, 5)[5] if hdr and hdr[0] + 1 < len(top) else None
    root = None
    if os.path.exists(rec + ".copy"):
        try:
            root = ET.parse(rec + ".copy").getroot()
        except ET.ParseError as e:
            check("the SVG parses", False, str(e))
    if root is not None:
        ns = "{http://www.w3.org/2000/svg}"
        check("the SVG parses, root <svg>", root.tag == ns + "svg", root.tag)
        check("the SVG fills the window", root.get("width") == "100%" and root.get("height") == "100%",
              repr(root.attrib))
        titles = [a.get("{http://www.w3.org/1999/xlink}title", "") for a in root.iter(ns + "a")]
        check("a node names the top function %r" % top_fn, top_fn and any(t.startswith(top_fn + " (") for t in titles))

    # pprof splits a BROWSER value on single spaces: "browser --new-window" gets the path last.
    r = run(["-web", "work.cpu.pb.gz"], env=dict(env, BROWSER=browser + " --new-window"))
    args = open(rec + ".args").read().splitlines() if os.path.exists(rec + ".args") else None
    check("BROWSER with an argument: exit 0", r.returncode == 0, r.stderr.decode())
    check("BROWSER with an argument: the path comes after it", args is not None and len(args) == 2
          and args[0] == "--new-window" and args[1].endswith(".svg"), repr(args))

    # No dot: one clear line, status 1 (the report could not be made), no browser.
    r = run(["-web", "work.cpu.pb.gz"], env=dict(env, PATH=os.path.join(tmp, "nonexistent")))
    err = r.stderr.decode()
    check("without dot: exit status 1", r.returncode == 1, "status %d" % r.returncode)
    check("without dot: one line on stderr", len(err.splitlines()) == 1 and err.endswith("\n"), repr(err))
    check("without dot: the line says to install Graphviz",
          err.startswith("prof: failed to execute dot. Is Graphviz installed?"), repr(err))
    check("without dot: nothing on standard output", r.stdout == b"", repr(r.stdout[:200]))
    check("without dot: the browser is not started", not os.path.exists(rec + ".args"))
    check("without dot: no temporary file left", os.listdir(viewer_tmp) == [], repr(os.listdir(viewer_tmp)))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

checks.finish()
