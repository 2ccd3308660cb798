#!/usr/bin/env bash
# test-svg.sh PROF SRCDIR: prof -svg through the real Graphviz dot.
#
# Checks that `prof -svg` on a corpus profile writes a well-formed SVG
# (parsed by python3's xml.etree) with prof's pan/zoom viewport group and a
# node whose tooltip names the profile's top function (first row of -top),
# that -output=FILE -png writes a PNG file and says "Generating report in
# FILE" on stderr, and that a missing dot gives one clear error line.
# Exit status: 0 pass, 1 fail, 77 skip (no Graphviz dot installed).

set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 PROF SRCDIR" >&2
    exit 1
fi
prof=$1
srcdir=$(cd "$2" && pwd) || exit 1
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
    *) prof=$(command -v "$prof") || { echo "no program $1" >&2; exit 1; } ;;
esac

if ! command -v dot >/dev/null 2>&1; then
    echo "skip: Graphviz dot is not installed"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-svg.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$srcdir/testdata" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}

"$prof" -svg work.cpu.pb.gz >"$tmp/out.svg" 2>"$tmp/err" </dev/null || fail "prof -svg exited $?: $(cat "$tmp/err")"
"$prof" -top -nodecount=1 work.cpu.pb.gz >"$tmp/top" 2>/dev/null </dev/null || fail "prof -top failed"

python3 - "$tmp/out.svg" "$tmp/top" <<'EOF' || exit 1
import sys
import xml.etree.ElementTree as ET

svg_path, top_path = sys.argv[1], sys.argv[2]
rows = open(top_path, encoding="utf-8").read().splitlines()
hdr = [i for i, l in enumerate(rows) if l.split()[:2] == ["flat", "flat%"]]
if not hdr or hdr[0] + 1 >= len(rows):
    print("FAIL: no -top row to name the top node")
    sys.exit(1)
top = rows[hdr[0] + 1].split(None, 5)[5].split(" (")[0]

try:
    root = ET.parse(svg_path).getroot()
except ET.ParseError as e:
    print("FAIL: the SVG does not parse:", e)
    sys.exit(1)
ns = "{http://www.w3.org/2000/svg}"
xlink = "{http://www.w3.org/1999/xlink}title"
if root.tag != ns + "svg":
    print("FAIL: root element is", root.tag)
    sys.exit(1)
if root.get("width") != "100%" or root.get("height") != "100%" or root.get("viewBox") is not None:
    print("FAIL: the <svg> element was not made to fill the window:", root.attrib)
    sys.exit(1)
viewport = [g for g in root.iter(ns + "g") if g.get("id") == "viewport"]
if len(viewport) != 1 or viewport[0].find(ns + "g") is None or viewport[0].find(ns + "g").get("id") != "graph0":
    print("FAIL: no viewport group around graph0")
    sys.exit(1)
titles = [a.get(xlink, "") for a in root.iter(ns + "a")]
if not any(t.startswith(top + " (") for t in titles):
    print("FAIL: no node tooltip names the top function", repr(top))
    sys.exit(1)
EOF

"$prof" -png -output="$tmp/out.png" work.cpu.pb.gz >"$tmp/stdout" 2>"$tmp/err" </dev/null || fail "prof -png -output exited $?"
grep -qx "Generating report in $tmp/out.png" "$tmp/err" || fail "no 'Generating report in' line: $(cat "$tmp/err")"
[ ! -s "$tmp/stdout" ] || fail "-output also wrote to standard output"
head -c 8 "$tmp/out.png" | od -An -tx1 | tr -d ' \n' | grep -qx '89504e470d0a1a0a' || fail "out.png is not a PNG file"

PATH=/nonexistent "$prof" -svg work.cpu.pb.gz >"$tmp/stdout" 2>"$tmp/err" </dev/null && fail "prof -svg without dot succeeded"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one error line without dot, got: $(cat "$tmp/err")"
grep -q "Is Graphviz installed?" "$tmp/err" || fail "the error does not mention Graphviz: $(cat "$tmp/err")"
[ ! -s "$tmp/stdout" ] || fail "output written although dot is missing"

echo ok
exit 0
