#!/usr/bin/env python3
"""The man page agrees with the command and option tables.

usage: test_man.py PROF SRCDIR

- Flags: the page documents every flag the tables define (read from the
  binary's usage text, which is generated from those tables), and names no
  flag that does not exist.
- Texts: for every command, OUTPUT FORMATS has an entry -NAME whose text holds
  the table's description (the line `prof -help` prints), and the shell's
  Commands list has an entry whose tag is the usage line of the shell's `help
  NAME` and whose text is the rest of that help; for every option, choice and
  choice group, OPTIONS has an entry whose text is the shell's `help NAME`.
  Texts are compared with roff requests and escapes removed and white space
  collapsed.
- The INTERACTIVE SHELL section covers the prompt, every word of the shell
  (o/options, q/quit/exit, Ctrl-D, help, :, name=value, > file, the sample
  type shortcuts), the history file, TAB completion, scripting and the
  shell's defaults; EXIT STATUS says what the shell exits with.
- The generated blocks are what tools/gen-man.py makes of the tables now.
"""
import os
import re
import subprocess
import sys

prof, srcdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
env = dict(os.environ, NO_COLOR="1", TZ="UTC")
usage = subprocess.run([prof, "-help"], capture_output=True, text=True, env=env).stderr
man = open(os.path.join(srcdir, "man", "prof.1"), encoding="utf-8").read()

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + name + ("\n      " + detail if detail else ""))


# ---- roff to plain text ----

ESCAPES = {"-": "-", "e": "\\", "&": "", " ": " ", "|": "", "^": "", "(mu": "\u00d7", "(dq": '"', "(em": "\u2014",
           "(aq": "'", "(lq": '"', "(rq": '"'}


def unescape(s):
    def one(m):
        e = m.group(1)
        if e.startswith("f"):
            return ""
        return ESCAPES.get(e, e)
    return re.sub(r"\\(\(..|f[BIRP]|.)", one, s)


def macro_args(rest):
    """A request's arguments: words, or "quoted strings" where "" is a quote."""
    args = []
    for m in re.finditer(r'"((?:[^"]|"")*)"?|((?:\\.|[^\s\\])+)', rest):
        args.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
    return args


def plain(lines):
    out = []
    for line in lines:
        if line.startswith('.\\"'):
            continue
        m = re.match(r"^[.'](\S+)\s*(.*)$", line)
        if m:
            req, args = m.group(1), macro_args(m.group(2))
            if req in ("B", "I", "SM", "SB"):
                text = " ".join(args)
            elif req in ("BR", "BI", "IB", "IR", "RB", "RI"):
                text = "".join(args)
            else:
                continue
        else:
            text = line
        out.append(unescape(text))
    return " ".join(" ".join(out).split())


def norm(text):
    return " ".join(text.split())


def sections(page):
    """{"NAME": [lines]} for .SH sections and "SH/SS" for .SS subsections."""
    out, cur, sub = {}, None, None
    for line in page.split("\n"):
        m = re.match(r"^\.(SH|SS)\s+(.*)$", line)
        if m:
            name = " ".join(macro_args(m.group(2)))
            if m.group(1) == "SH":
                cur, sub = name, None
                out[cur] = []
            else:
                sub = cur + "/" + name
                out[sub] = []
            continue
        if cur:
            out[cur].append(line)
            if sub:
                out[sub].append(line)
    return out


def entries(lines):
    """The .TP entries of a section: [(tag, text)] in plain text."""
    out, i = [], 0
    while i < len(lines):
        if re.match(r"^\.TP\b", lines[i]) and i + 1 < len(lines):
            tag = lines[i + 1]
            j = i + 2
            while j < len(lines) and not re.match(r"^\.(TP|PP|P|LP|IP|SH|SS)\b", lines[j]):
                j += 1
            out.append((plain([tag]), plain(lines[i + 2:j])))
            i = j
        else:
            i += 1
    return out


secs = sections(man)
for s in ("OUTPUT FORMATS", "OPTIONS", "INTERACTIVE SHELL", "INTERACTIVE SHELL/Commands", "EXIT STATUS"):
    check("man/prof.1 has a section %s" % s, s in secs)
if failed:
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1)
shell_lines = secs["INTERACTIVE SHELL"]

# ---- flags ----

flags = set(re.findall(r"^\s+-([a-z_]+)", usage, re.M))
# Flags named outside the shell section (whose usage lines show -ignore_regex, -runtime, ...).
a = man.index("\n.SH INTERACTIVE SHELL")
not_shell = man[:a] + man[man.index("\n.SH ", a + 1):]
man_flags = set(re.findall(r"\\-([a-z_]+)", not_shell.replace("\\fB", "").replace("\\fR", "")))
for f in sorted(flags):
    check("-%s is a flag and in man/prof.1" % f, f in man_flags)
known_extra = {"name", "h", "help", "cpuprofile"}  # Go syntax, help flags, go test's flag
for f in sorted(man_flags):
    check("man/prof.1 names -%s, which is a flag" % f, f in flags or f in known_extra or len(f) == 1)
check("usage lists at least 80 flags (%d)" % len(flags), len(flags) >= 80)

# ---- the tables' texts ----

formats = usage.split("Output formats")[1].split("\n\n")[0]
commands = [(m.group(1), norm(m.group(3))) for m in re.finditer(r"^    -([a-z]+)(=RE)? +(\S.*)$", formats, re.M)]
opts_part = usage.split("\n  Options:\n")[1].split("\n\n")[0]
options = re.findall(r"^    -([a-z_]+)\s", opts_part, re.M)
groups_part = usage.split("Option groups (only set one per group):\n")[1].split("\n\n")[0]
groups = re.findall(r"^    ([a-z_]+)\s*$", groups_part, re.M)
choices = re.findall(r"^      -([a-z_]+)\s", groups_part, re.M)
check("usage lists 25 commands (%d)" % len(commands), len(commands) == 25)
check("usage lists 30 options (%d)" % len(options), len(options) >= 30)
check("usage lists the groups granularity and sort", groups == ["granularity", "sort"], repr(groups))

builtins = ["o", "q", "help", ":"]
topics = [c for c, _ in commands] + options + choices + groups + builtins
r = subprocess.run([prof, os.path.join(srcdir, "testdata", "work.cpu.pb.gz")], capture_output=True, text=True,
                   input="".join("help %s\n" % t for t in topics), env=env)
parts = r.stderr.split("for options)\n", 1)[-1].split("\n\n")
check("the shell prints one help text per topic", len(parts) == len(topics) + 1, "%d texts" % (len(parts) - 1))
helps = {}
for t, text in zip(topics, parts):
    lines = [l for l in text.split("\n") if not l.startswith("Or use sample_index=name, with name in [")]
    check("the shell has help for %s" % t, lines and not lines[0].startswith("Unknown command"), text)
    helps[t] = lines

fmt_entries = entries(secs["OUTPUT FORMATS"])
for name, desc in commands:
    e = [text for tag, text in fmt_entries if re.match(r"^-%s(=|$|,)" % re.escape(name), tag)]
    check("OUTPUT FORMATS has an entry -%s" % name, e)
    if e:
        check("OUTPUT FORMATS -%s says %r" % (name, desc), desc in e[0], e[0])

opt_entries = entries(secs["OPTIONS"])
for name in options + choices + groups:
    want = norm(" ".join(helps.get(name, [])))
    pat = r"^-%s(=|$)" % re.escape(name) if name not in groups else r"^%s=" % re.escape(name)
    e = [text for tag, text in opt_entries if re.match(pat, tag)]
    check("OPTIONS has an entry for %s" % name, e)
    if e and want:
        check("OPTIONS %s holds the text of `help %s`" % (name, name), want in e[0],
              "want: %s\n      man:  %s" % (want, e[0]))

cmd_entries = entries(secs["INTERACTIVE SHELL/Commands"])
for name in [c for c, _ in commands] + builtins:
    h = helps.get(name)
    if not h:
        continue
    if len(h) >= 3 and h[1] == "  Usage:":
        tag_want, rest = norm(h[2]), h[:1] + h[3:]
    else:
        tag_want, rest = None, h
    want = norm(" ".join(rest))
    if tag_want:
        e = [text for tag, text in cmd_entries if tag == tag_want]
        check("shell Commands has an entry %r" % tag_want, e)
    else:
        e = [text for tag, text in cmd_entries if name in re.split(r"[ ,]+", tag)]
        check("shell Commands has an entry for %s" % name, e)
    if e:
        check("shell Commands %s holds the text of `help %s`" % (name, name), want in e[0],
              "want: %s\n      man:  %s" % (want, e[0]))

# ---- the shell section covers the shell ----

shell_text = plain(shell_lines)
for phrase in ["(prof)", "name=value", "o, options", "q, quit, exit, Ctrl-D", "help, help name", ">file", "> file",
               "Clear focus, ignore, hide, tagfocus and tagignore", "total_type", "mean_type",
               "$XDG_STATE_HOME/prof/history", "~/.prof_history", "TAB completes", "sample_index=",
               "unit names after unit=", "not a terminal", "printf 'top5\\nlist main\\n' | prof cpu.pb.gz",
               "show 10 entries unless nodecount is set", "compact_labels is on", "Ctrl-C",
               "exits with status 0"]:
    check("INTERACTIVE SHELL mentions %r" % phrase, phrase in shell_text)
for name, _ in commands:
    check("INTERACTIVE SHELL names the command %s" % name, re.search(r"(^| )%s( |$)" % name, shell_text))
exit_text = plain(secs["EXIT STATUS"])
check("EXIT STATUS says what the shell exits with", re.search(r"shell exits with 0", exit_text), exit_text)

# ---- the generated blocks are up to date ----

g = subprocess.run([sys.executable, os.path.join(srcdir, "tools", "gen-man.py"), "--check", prof,
                    os.path.join(srcdir, "man", "prof.1")], capture_output=True, text=True, env=env)
check("tools/gen-man.py --check: the generated blocks are up to date", g.returncode == 0, g.stdout + g.stderr)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
