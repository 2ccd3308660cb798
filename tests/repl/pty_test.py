#!/usr/bin/env python3
"""Drive prof's shell through a real pseudo-terminal (Python's pty module):
the prompt, TAB completion of a command, of a function name, of option names
and values (granularities; on a heap profile the sample types after
sample_index= and as line-start shortcuts, and units after unit=), history recall
with the up arrow (in the session and across sessions through the history
file), the history file under $XDG_STATE_HOME, Ctrl-C at the prompt and during
a report leaving the shell alive, Ctrl-D leaving it with status 0.

usage: pty_test.py PROF SRCDIR

Skipped (exit 77) when prof was built without libedit (no line editing: the
shell then says nothing about completion).
"""
import os
import pty
import re
import select
import shutil
import signal
import sys
import tempfile
import termios
import time

PROMPT = b"(prof) "
TIMEOUT = float(os.environ.get("PTY_TEST_TIMEOUT", "60"))


class Session:
    def __init__(self, prof, profile, cwd, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(prof, [prof, profile], env)
        self.buf = b""

    def read_until(self, pred, what):
        end = time.time() + TIMEOUT
        while time.time() < end:
            if pred(self.buf):
                return
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    d = os.read(self.fd, 1 << 16)
                except OSError:
                    break
                if not d:
                    break
                self.buf += d
        raise AssertionError("timed out waiting for %s; output so far:\n%r" % (what, self.buf[-2000:]))

    def mark(self):
        self.buf = b""

    def send(self, data):
        os.write(self.fd, data)

    def wait_prompt(self, what="the prompt"):
        self.read_until(lambda b: b.endswith(PROMPT), what)
        self.wait_raw(what)

    def wait_raw(self, what):
        """libedit prints the prompt first and puts the terminal in raw mode only
        when it reads: a key sent in between is seen by the terminal's cooked
        mode (Ctrl-D there becomes an end-of-file mark that libedit then reads
        as a NUL).  Wait until the terminal is raw (no ICANON)."""
        end = time.time() + TIMEOUT
        while time.time() < end:
            try:
                if not termios.tcgetattr(self.fd)[3] & termios.ICANON:
                    return
            except termios.error:
                return
            time.sleep(0.01)
        raise AssertionError("the terminal never left cooked mode after %s" % what)

    def command(self, data, what):
        """Send keys ending in Enter; return the output up to the next prompt."""
        self.mark()
        self.send(data)
        self.wait_prompt(what)
        return self.buf

    def exit_status(self):
        end = time.time() + TIMEOUT
        while time.time() < end:
            # select first: a blocking read would wait forever for a prof that does not exit.
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    self.buf += os.read(self.fd, 1 << 16)
                except OSError:
                    pass
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return st
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("prof did not exit; output since the last mark:\n%r" % self.buf[-2000:])

    def alive(self):
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        return pid == 0


def text(b):
    """Terminal output without escape sequences and carriage returns."""
    b = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z@]", b"", b)
    return b.replace(b"\r", b"").decode("utf-8", "replace")


checks = []


def check(name, cond, detail=""):
    checks.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else "\n     " + detail))


def main():
    prof, srcdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    data = os.path.join(srcdir, "testdata")
    state = tempfile.mkdtemp(prefix="prof-pty-")
    env = dict(os.environ, TERM="xterm", TZ="UTC", XDG_STATE_HOME=state, HOME=state, NO_COLOR="1",
               LC_ALL="C.UTF-8")
    env.pop("INPUTRC", None)
    hist = os.path.join(state, "prof", "history")
    try:
        s = Session(prof, "work.cpu.pb.gz", data, env)
        s.wait_prompt()
        check("greeting then prompt", b"Entering interactive mode" in s.buf and s.buf.endswith(PROMPT), repr(s.buf))
        if not os.path.exists(os.path.join(state, "prof")):
            print("SKIP: no history directory: prof has no line editor (built without libedit)")
            s.send(b"q\r")
            s.exit_status()
            sys.exit(77)

        # to<TAB> completes to "top" (top and topproto share it); Enter runs it.
        out = text(s.command(b"to\t\r", "top after to<TAB>"))
        check("to<TAB> completes to top", "Showing top 10 nodes out of" in out, out[-600:])

        # A function name in a regexp argument, quoted as a regexp.
        out = text(s.command(b"top sortI\t\r", "top with a completed function name"))
        check("function name completion", "focus=main\\.sortInts" in out, out[-600:])

        # Option name and value completion.
        out = text(s.command(b"granu\tli\t\r", "granularity=lines"))
        s.command(b"o\r", "options")
        check("option and value completion", re.search(r"granularity += lines", text(s.buf)), text(s.buf)[-2000:])
        s.command(b"granularity=functions\r", "reset")

        # Up arrow recalls the previous line.
        s.command(b"top2\r", "top2")
        out = text(s.command(b"\x1b[A\r", "top2 again"))
        check("up arrow recalls the last line", "Showing top 2 nodes out of" in out, out[-600:])

        # Ctrl-C at the prompt: the line is dropped, the shell goes on.
        s.mark()
        s.send(b"top3 sha256")
        time.sleep(0.3)
        s.send(b"\x03")
        s.wait_prompt("the prompt after Ctrl-C")
        out = text(s.command(b"top1\r", "top1 after Ctrl-C"))
        check("Ctrl-C cancels the line", s.alive() and "Showing top 1 nodes" in out and "sha256" not in out,
              out[-600:])

        # Ctrl-C just after a report starts (whether it is still running or
        # already done, the shell lives on).
        s.mark()
        s.send(b"traces\r")
        time.sleep(0.05)
        s.send(b"\x03")
        time.sleep(0.5)
        # The prompt after the report (or after "interrupted") may come after the
        # sleep on a loaded machine: wait for top1's own output and prompt.
        s.mark()
        s.send(b"top1\r")
        try:
            s.read_until(lambda b: b"Showing top 1 nodes" in b and b.endswith(PROMPT), "top1 after Ctrl-C during a report")
        except AssertionError:
            pass
        out = text(s.buf)
        check("Ctrl-C during a report leaves the shell alive", s.alive() and "Showing top 1 nodes" in out,
              out[-600:])

        # Ctrl-C stops a long report: `traces` of a 5000-sample profile is ~6 MB;
        # nothing is read for a second, so prof is blocked writing it.
        s.send(b"q\r")
        s.exit_status()
        s = Session(prof, "synth.5k.pb.gz", data, env)
        s.wait_prompt()
        s.mark()
        s.send(b"traces\r")
        time.sleep(1.0)
        s.send(b"\x03")
        s.wait_prompt("the prompt after Ctrl-C during a long report")
        out = text(s.buf)
        check("Ctrl-C stops a long report", "interrupted" in out and len(s.buf) < 3000000,
              "%d bytes: %r" % (len(s.buf), out[-600:]))
        out = text(s.command(b"top1\r", "top1 after the interrupted report"))
        check("the shell goes on after an interrupted report", s.alive() and "Showing top 1 nodes" in out,
              out[-600:])

        # Ctrl-D on an empty line leaves with status 0; the history file is written.
        s.mark()
        s.send(b"\x04")
        st = s.exit_status()
        check("Ctrl-D exits with status 0", os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0, "status %r" % st)
        content = open(hist, encoding="utf-8", errors="replace").read() if os.path.exists(hist) else ""
        check("history file written under $XDG_STATE_HOME", "top2" in content and "top1" in content,
              "%s: %r" % (hist, content[-400:]))

        # A new session recalls the last line of the previous one.
        s = Session(prof, "work.cpu.pb.gz", data, env)
        s.wait_prompt()
        out = text(s.command(b"\x1b[A\r", "recall from the history file"))
        check("history kept across sessions", "Showing top 1 nodes" in out, out[-600:])
        s.mark()
        s.send(b"quit\r")
        st = s.exit_status()
        check("quit exits with status 0", os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0, "status %r" % st)

        # Option values on a heap profile: its sample types and the units.
        s = Session(prof, "work.heap.pb.gz", data, env)
        s.wait_prompt()
        types = ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]

        def listed(what, words, line):
            """The candidates printed below the line, then the prompt and the line again."""
            s.read_until(lambda b: all(w in text(b) for w in words) and text(b).endswith(PROMPT.decode() + line),
                         what)
            return text(s.buf)

        def option(name):
            m = re.search(r"^  %s +=  *(\S+)" % name, text(s.command(b"o\r", "options")), re.M)
            return m.group(1) if m else None

        def completes(keys, what, name, want):
            """Send keys (ending in TAB, Enter); the option name must now be want."""
            s.command(keys, what)
            v = option(name)
            check("%s completes to %s" % (what, want), v == want, repr(v))

        s.mark()
        s.send(b"sample_index=\t")
        out = listed("the sample types after sample_index=<TAB>", types, "sample_index=")
        check("sample_index=<TAB> lists the sample types", all(t in out for t in types), out[-600:])
        completes(b"alloc_s\t\r", "sample_index=alloc_s<TAB>", "sample_index", "alloc_space")
        completes(b"sample_index=inuse_o\t\r", "sample_index=inuse_o<TAB>", "sample_index", "inuse_objects")

        # A sample type alone is a shortcut for sample_index=TYPE; it completes too.
        out = text(s.command(b"alloc_o\t\r", "alloc_o<TAB>"))
        v = option("sample_index")
        check("alloc_o<TAB> completes to the shortcut alloc_objects", v == "alloc_objects" and "unrecognized" not in out,
              "%r: %s" % (v, out[-300:]))

        s.mark()
        s.send(b"unit=\t")
        units = ["minimum", "auto", "ns", "hrs", "kB", "MB", "kilobytes", "megabytes"]
        out = listed("the units after unit=<TAB>", units, "unit=")
        check("unit=<TAB> lists the units", all(u in out.split() for u in units), out[-600:])
        completes(b"kilo\t\r", "unit=kilo<TAB>", "unit", "kilobytes")
        completes(b"unit=M\t\r", "unit=M<TAB>", "unit", "MB")
        out = text(s.command(b"top1\r", "top1 in MB"))
        check("the completed unit is used", re.search(r"Showing nodes accounting for [0-9.]+MB", out), out[-600:])
        s.mark()
        s.send(b"q\r")
        st = s.exit_status()
        check("q exits with status 0", os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0, "status %r" % st)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    failed = sum(1 for _, ok in checks if not ok)
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
