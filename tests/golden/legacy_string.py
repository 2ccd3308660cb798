#!/usr/bin/env python3
"""Expected `-raw` output for one of pprof's legacy fixtures.

    legacy_string.py FILE.string

Prints upstream's golden FILE.string (Profile.String() of the parsed
profile) as `pprof -raw` prints that profile: unchanged, except for two
things pprof's driver does between parsing and printing:

* a profile without mappings gets the mapping the driver adds when loading it
  (locateBinaries: mapping 1, all zero, for every location), so every
  location line gets `M=1 ` after its address and the Mappings section gets
  `1: 0x0/0x0/0x0   `;
* a sample without locations is left out, with its label line: the driver
  always runs Profile.FilterSamplesByName (applyFocus, even with no -focus),
  whose focusedAndNotIgnored is false for an empty stack (with no -focus
  every location counts as focused, and an empty stack has none), so the
  sample never reaches -raw (gobench.heap's `1: 288 [2: 296] @`).  The
  Locations section is not compacted, as in pprof.

Only the standard library is used.
"""
import re
import sys


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        lines = f.read().split("\n")
    if "Mappings" not in lines:
        raise SystemExit("legacy_string: no Mappings section in " + sys.argv[1])
    m = lines.index("Mappings")
    has_mappings = any(l.strip() for l in lines[m + 1:])
    out = []
    section = None
    dropping = False
    for i, l in enumerate(lines):
        if l in ("Locations", "Mappings") or l.startswith("Samples:"):
            section = l
            dropping = False
        elif section == "Samples:" and re.match(r"^( +-?\d+)+: ", l):
            # A sample line: values, ": ", location ids each followed by a space.
            dropping = l.endswith(": ")
            if dropping:
                continue
        elif section == "Samples:" and dropping and l.startswith(" " * 16):
            continue  # label line of a dropped sample
        elif section == "Locations" and not has_mappings:
            r = re.match(r"^(\s*\d+: 0x[0-9a-f]+ )(.*)$", l)
            if not r:
                raise SystemExit("legacy_string: cannot read location line: " + l)
            l = r.group(1) + "M=1 " + r.group(2)
        out.append(l)
        if i == m and not has_mappings:
            out.append("1: 0x0/0x0/0x0   ")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
