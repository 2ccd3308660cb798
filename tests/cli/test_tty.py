#!/usr/bin/env python3
"""Binary reports never go to a terminal.

usage: test_tty.py PROF SRCDIR

pprof's awayFromTTY: with no -output, when standard output is a terminal,
-proto, -topproto, -callgrind and the images are written to a new file
profileNNN.<suffix> in the current directory (NNN = 001, 002, ..., the first
free), and "Generating report in profileNNN.<suffix>" is printed on standard
error.  (`go tool pprof` does this when its standard input is a terminal too:
with standard input not one it writes the bytes to the terminal; prof never
does, whatever standard input is.)

Runs prof in a pseudo-terminal (Python's pty) from a fresh directory and checks
for -proto, -png and -callgrind: exit status 0, no binary bytes on the terminal,
the message naming the file, the file in place and valid (gzip that prof reads
back / PNG signature / callgrind text); then that a second -proto takes
profile002.pb.gz; that standard input not a terminal changes nothing; that
-output=FILE writes FILE; and that with standard output a pipe the bytes go
to the pipe and no file is made.
Exit status: 0 pass, 1 fail.  The -png case is skipped without Graphviz dot.
"""
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

prof, srcdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
profile = os.path.join(srcdir, "testdata", "work.cpu.pb.gz")
env = dict(os.environ, TERM="xterm", TZ="UTC", NO_COLOR="1")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import checks  # noqa: E402
from checks import check  # noqa: E402


def on_tty(args, cwd, stdin_tty=True, timeout=120):
    """Run prof with standard output and error on a pseudo-terminal (and
    standard input too, unless stdin_tty is false: then /dev/null).
    Returns (exit status, everything the terminal received)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            if not stdin_tty:
                n = os.open(os.devnull, os.O_RDONLY)
                os.dup2(n, 0)
            os.execve(prof, [prof] + args, env)
        finally:
            os._exit(127)
    out, end = b"", time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                d = os.read(fd, 1 << 16)
            except OSError:
                d = b""
            if not d:
                break
            out += d
    os.close(fd)
    _, st = os.waitpid(pid, 0)
    return (os.WEXITSTATUS(st) if os.WIFEXITED(st) else -1), out


GZIP, PNG = b"\x1f\x8b", b"\x89PNG\r\n\x1a\n"


def binary_on(term):
    """Bytes a text report never has: NUL, the gzip and PNG signatures."""
    return b"\x00" in term or GZIP in term or PNG in term


def tty_case(fmt, suffix, valid, stdin_tty=True, name=None, expect="profile001"):
    name = name or "-%s on a terminal" % fmt
    d = tempfile.mkdtemp(prefix="prof-tty-")
    try:
        rc, term = on_tty(["-" + fmt, profile], d, stdin_tty)
        text = term.replace(b"\r", b"").decode("utf-8", "replace")
        want = expect + "." + suffix
        check(name + ": exit status 0", rc == 0, "status %d: %r" % (rc, text[-300:]))
        check(name + ": no binary output on the terminal", not binary_on(term), repr(term[:120]))
        check(name + ": says where it wrote", text == "Generating report in %s\n" % want, repr(text[-300:]))
        files = sorted(os.listdir(d))
        check(name + ": writes %s and nothing else" % want, files == [want], repr(files))
        if files == [want]:
            ok, why = valid(os.path.join(d, want))
            check(name + ": %s is valid" % want, ok, why)
        return d
    except BaseException:
        shutil.rmtree(d, ignore_errors=True)
        raise


def valid_proto(path):
    data = open(path, "rb").read()
    if not data.startswith(GZIP):
        return False, "not gzip: %r" % data[:8]
    r = subprocess.run([prof, "-top", "-nodecount=1", path], capture_output=True, text=True)
    return r.returncode == 0 and "flat%" in r.stdout, r.stderr


def valid_png(path):
    data = open(path, "rb").read()
    return data.startswith(PNG), repr(data[:8])


def valid_callgrind(path):
    data = open(path, "rb").read()
    return data.startswith(b"positions:") or b"\nfn=" in data, repr(data[:80])


d = tty_case("proto", "pb.gz", valid_proto)
try:
    # The next free number: profile002.pb.gz, profile001.pb.gz left alone.
    rc, term = on_tty(["-proto", profile], d)
    text = term.replace(b"\r", b"").decode("utf-8", "replace")
    check("a second -proto: profile002.pb.gz", rc == 0 and text == "Generating report in profile002.pb.gz\n"
          and sorted(os.listdir(d)) == ["profile001.pb.gz", "profile002.pb.gz"], "%r %r" % (text, os.listdir(d)))
    # -output=FILE: written there, said so, nothing binary on the terminal.
    rc, term = on_tty(["-proto", "-output=out.pb.gz", profile], d)
    text = term.replace(b"\r", b"").decode("utf-8", "replace")
    check("-proto -output=FILE on a terminal", rc == 0 and text == "Generating report in out.pb.gz\n"
          and not binary_on(term) and valid_proto(os.path.join(d, "out.pb.gz"))[0], repr(text))
finally:
    shutil.rmtree(d, ignore_errors=True)

shutil.rmtree(tty_case("proto", "pb.gz", valid_proto, stdin_tty=False,
                       name="-proto, stdout a terminal, stdin not"), ignore_errors=True)
shutil.rmtree(tty_case("callgrind", "callgraph.out", valid_callgrind), ignore_errors=True)
if shutil.which("dot"):
    shutil.rmtree(tty_case("png", "png", valid_png), ignore_errors=True)
    shutil.rmtree(tty_case("png", "png", valid_png, stdin_tty=False, name="-png, stdout a terminal, stdin not"),
                  ignore_errors=True)
else:
    print("skip: -png (Graphviz dot is not installed)")

# Standard output a pipe: the bytes go there, no file.
d = tempfile.mkdtemp(prefix="prof-tty-")
try:
    r = subprocess.run([prof, "-proto", profile], cwd=d, capture_output=True, stdin=subprocess.DEVNULL)
    check("-proto to a pipe: the bytes on standard output, no file",
          r.returncode == 0 and r.stdout.startswith(GZIP) and r.stderr == b"" and os.listdir(d) == [],
          "%d %r %r" % (r.returncode, r.stderr, os.listdir(d)))
finally:
    shutil.rmtree(d, ignore_errors=True)

checks.finish()
