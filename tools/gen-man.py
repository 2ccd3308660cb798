#!/usr/bin/env python3
"""Write the parts of man/prof.1 that come from prof's command and option tables.

usage: tools/gen-man.py [--check] PROF [MANPAGE]

The help texts live in one place: the command table (src/commands.c), the
option table (src/options.c) and the shell's usage/extra lines (src/repl.c,
repl_command_help / repl_option_help).  This script asks a built prof for them
(`prof -help` for the lists, the shell's `help NAME` for each text) and
rewrites the blocks of MANPAGE (default: man/prof.1 next to this script)
between the lines

    .\\" BEGIN GENERATED <block> ...
    .\\" END GENERATED <block>

Blocks: `formats` (OUTPUT FORMATS: one entry per command with the table's
one-line description), `options` (OPTIONS: one entry per report option, choice
flag and choice group with its whole `help NAME` text), `shell-commands`
(INTERACTIVE SHELL: one entry per shell command, its usage line as the tag and
the rest of `help NAME` as the body).  Everything else in the page is written
by hand.  After changing a help text, run `tools/gen-man.py build/prof` and
commit man/prof.1; with --check nothing is written and the exit status is 1
when the page is not up to date (tests/cli/test_man.py runs that).
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = os.path.join(HERE, "..", "testdata", "work.cpu.pb.gz")

# How the value of a non-boolean option is named in the man page (presentation only).
METAVAR = {
    "divide_by": "f",
    "edgefraction": "f",
    "nodefraction": "f",
    "nodecount": "n",
    "focus": "regexp",
    "ignore": "regexp",
    "hide": "regexp",
    "show": "regexp",
    "show_from": "regexp",
    "prune_from": "regexp",
    "taghide": "regexp",
    "tagshow": "regexp",
    "tagfocus": "spec",
    "tagignore": "spec",
    "tagleaf": "keys",
    "tagroot": "keys",
    "output": "file",
    "sample_index": "name|index",
    "source_path": "dirs",
    "trim_path": "prefixes",
    "unit": "unit",
    "granularity": "choice",
    "sort": "choice",
}

# The sample_index help ends with the loaded profile's own types: not for the page.
PROFILE_LINE = re.compile(r"^Or use sample_index=name, with name in \[")


def run(prof, args, stdin=None):
    env = dict(os.environ, NO_COLOR="1", TZ="UTC")
    r = subprocess.run([prof] + args, input=stdin, capture_output=True, text=True, env=env)
    return r.stdout, r.stderr


def tables(prof):
    """Commands (name, takes a regexp, description), options, choice flags and groups from `prof -help`."""
    usage = run(prof, ["-help"])[1]
    formats = usage.split("Output formats")[1].split("\n\n")[0]
    commands = [(m.group(1), bool(m.group(2)), m.group(3).strip())
                for m in re.finditer(r"^    -([a-z]+)(=RE)? +(\S.*)$", formats, re.M)]
    opts_part = usage.split("\n  Options:\n")[1].split("\n\n")[0]
    options = re.findall(r"^    -([a-z_]+)\s", opts_part, re.M)
    groups_part = usage.split("Option groups (only set one per group):\n")[1].split("\n\n")[0]
    groups, choices = [], []
    for line in groups_part.splitlines():
        m = re.match(r"^    ([a-z_]+)\s*$", line)
        if m:
            groups.append(m.group(1))
        m = re.match(r"^      -([a-z_]+)\s", line)
        if m:
            choices.append(m.group(1))
    return commands, options, choices, groups


def shell(prof, script):
    return run(prof, [PROFILE], script)[1]


def helps(prof, topics):
    """The shell's `help T` for every topic, as lists of lines (profile-specific lines left out)."""
    err = shell(prof, "".join("help %s\n" % t for t in topics))
    body = err.split('for options)\n', 1)[1]
    parts = body.split("\n\n")
    if len(parts) != len(topics) + 1 or parts[-1] != "":
        raise SystemExit("gen-man: could not split the shell's help output (%d parts for %d topics)"
                         % (len(parts), len(topics)))
    out = {}
    for t, text in zip(topics, parts):
        lines = [l for l in text.split("\n") if not PROFILE_LINE.match(l)]
        if not lines or lines[0].startswith("Unknown command"):
            raise SystemExit("gen-man: the shell has no help for %r" % t)
        out[t] = lines
    return out


def bool_options(prof):
    err = shell(prof, "o\n")
    return {m.group(1) for m in re.finditer(r"^  ([a-z_]+) += (true|false) ", err, re.M)}


def shell_words(prof):
    """The shell's own commands from the `help` listing: (topic, [spellings])."""
    err = shell(prof, "help\n")
    listing = err.split("  Commands:\n")[1].split("\n\n")[0]
    words = []
    for m in re.finditer(r"^    (\S+)\s+\S", listing, re.M):
        names = [n for n in m.group(1).split("/") if n != "^D"]
        if len(names) > 1:
            words.append((names[0], names))
    words.append(("help", ["help"]))
    if re.search(r"^  :   ", err, re.M):
        words.append((":", [":"]))
    return words


def esc(s):
    """Text for a roff line: backslashes, option dashes, a leading dot or quote."""
    s = s.replace("\\", "\\e")
    s = re.sub(r"(^|(?<=[\s\[(|]))-", r"\\-", s)
    if s.startswith((".", "'")):
        s = "\\&" + s
    return s


def body(lines):
    """Help lines as an entry body: the first (the table's description) on a line of its
    own, the sentences after it filled, indented lines (choice lists) unfilled."""
    out, nf = [], False
    for i, l in enumerate(lines):
        ind = l.startswith("  ")
        if ind and not nf:
            out.append(".nf")
            nf = True
        elif not ind and nf:
            out.append(".fi")
            nf = False
        elif i == 1 and not nf:
            out.append(".br")
        out.append(esc(l))
    if nf:
        out.append(".fi")
    return out


def gen_formats(commands):
    out = []
    for name, param, desc in commands:
        out.append(".TP")
        out.append(".BI \\-%s= regexp" % name if param else ".B \\-%s" % name)
        out.extend(body([desc]))
    return out


def gen_options(options, choices, groups, help_of, bools):
    out = []
    for name in options + choices:
        out.append(".TP")
        if name in bools or name in choices:
            out.append(".B \\-%s" % name)
        else:
            out.append(".BI \\-%s= %s" % (name, METAVAR.get(name, "value")))
        out.extend(body(help_of[name]))
    for name in groups:
        out.append(".TP")
        out.append(".BI %s= %s" % (name, METAVAR.get(name, "choice")))
        out.extend(body(help_of[name]))
    return out


def gen_shell(commands, words, help_of):
    out = []
    for topic, names in [(c[0], [c[0]]) for c in commands] + words:
        lines = help_of[topic]
        if len(lines) >= 3 and lines[1] == "  Usage:":
            usage = lines[2].strip()
            rest = [lines[0]] + [l[4:] if l.startswith("    ") else l for l in lines[3:]]
        else:
            usage, rest = None, lines
        out.append(".TP")
        if usage:
            cmd, _, args = usage.partition(" ")
            if '"' in args:
                raise SystemExit("gen-man: a quote in the usage of %s" % topic)
            out.append('.BR %s " %s"' % (esc(cmd), esc(args)) if args else ".B %s" % esc(cmd))
        else:
            out.append(".B " + "\\fR, \\fB".join(esc(n) for n in names))
        out.extend(body(rest))
    return out


def generate(prof):
    commands, options, choices, groups = tables(prof)
    words = shell_words(prof)
    topics = [c[0] for c in commands] + options + choices + groups + [w[0] for w in words]
    help_of = helps(prof, topics)
    return {
        "formats": gen_formats(commands),
        "options": gen_options(options, choices, groups, help_of, bool_options(prof)),
        "shell-commands": gen_shell(commands, words, help_of),
    }


def splice(page, blocks):
    lines = page.split("\n")
    out, i, seen = [], 0, set()
    while i < len(lines):
        m = re.match(r'^\.\\" BEGIN GENERATED (\S+)', lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        name = m.group(1)
        if name not in blocks:
            raise SystemExit("gen-man: unknown block %r" % name)
        end = '.\\" END GENERATED ' + name
        try:
            j = lines.index(end, i)
        except ValueError:
            raise SystemExit("gen-man: no %r line" % end)
        out.append(lines[i])
        out.extend(blocks[name])
        out.append(end)
        seen.add(name)
        i = j + 1
    missing = sorted(set(blocks) - seen)
    if missing:
        raise SystemExit("gen-man: the page has no block %s" % ", ".join(missing))
    return "\n".join(out)


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    if not 1 <= len(args) <= 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    prof = os.path.abspath(args[0])
    man = args[1] if len(args) == 2 else os.path.join(HERE, "..", "man", "prof.1")
    page = open(man, encoding="utf-8").read()
    new = splice(page, generate(prof))
    if check:
        if new != page:
            print("%s is not up to date with the tables: run tools/gen-man.py PROF" % man)
            sys.exit(1)
        return
    if new != page:
        with open(man, "w", encoding="utf-8") as f:
            f.write(new)


if __name__ == "__main__":
    main()
