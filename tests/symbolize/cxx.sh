#!/usr/bin/env bash
# Symbolization of a C++ program built here (tests/symbolize/cxxprog.cpp,
# g++ -g -O2: templates, inlined functions, an anonymous namespace, a lambda)
# from a profile written by tests/symbolize/mkprof.py (addresses inside its
# functions, a mapping naming it, no symbols).
#
#   tests/symbolize/cxx.sh PROF SRCDIR
#
# Part 1 checks prof alone: demangled names and their -symbolize=demangle=
# forms, inline frames in the right order, -list showing the source, the
# build-id mismatch warning, PPROF_BINARY_PATH, -symbolize=none|fastlocal,
# -v.  Part 2 compares prof with pprof 2022 using its real object tool
# (llvm-symbolizer/addr2line, nm, objdump; built by tests/list/oracle.sh,
# kept in PROF_ORACLE_DIR if set) on -top, -lines, -traces, -tree, -list,
# -disasm and the demangling modes; it is skipped when Go is missing.
# Exit 77 (skip) without g++.
set -u
prof=$1
srcdir=$(cd "$2" && pwd)
case "$prof" in /*) ;; */*) prof=$PWD/$prof ;; esac
here=$srcdir/tests/symbolize
command -v g++ >/dev/null 2>&1 || { echo "skip: no g++"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/symcxx.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

pass=0
fail=0
ok() { echo "ok: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
# has NAME FILE REGEX: FILE has a line matching the extended REGEX.
has() { if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1 (no line matching /$3/ in $2)"; head -20 "$2"; fi; }
hasnot() { if grep -Eq -- "$3" "$2"; then bad "$1 (a line matches /$3/ in $2)"; else ok "$1"; fi; }

g++ -g -O2 -o cxxprog "$here/cxxprog.cpp" || { echo "FAIL: g++ cannot build cxxprog.cpp"; exit 1; }
python3 "$here/mkprof.py" funcs cxxprog cxx.pb.gz || exit 1
python3 "$here/mkprof.py" funcs cxxprog cxx0.pb.gz --offset0 || exit 1

P() { TZ=UTC "$prof" "$@" </dev/null; }

# --- Part 1: prof alone ---
P -top -nodecount=500 -nodefraction=0 -edgefraction=0 cxx.pb.gz >top.txt 2>top.err
has "function template" top.txt ' geo::sum_norms$'
has "member of a class template" top.txt ' geo::Grid::smooth$'
has "inlined template (inner)" top.txt ' geo::dot \(inline\)$'
has "inlined template (outer)" top.txt ' geo::norm2 \(inline\)$'
has "anonymous namespace" top.txt ' \(anonymous namespace\)::Accum::add$'
has "libstdc++ template instance" top.txt ' std::__insertion_sort$'
has "main" top.txt ' main$'
hasnot "no address left" top.txt ' 0x[0-9a-f]+$|\[cxxprog\]'
hasnot "no warning" top.err '.'

P -traces cxx.pb.gz >traces.txt 2>/dev/null
# The caller frame is the middle of main, whose inline frames depend on the
# compiler: only the leaf chain and the root are fixed.
python3 - traces.txt <<'PY' && ok "inline chain dot < norm2 < sum_norms ... main" || bad "inline chain order in -traces"
import re, sys
blocks = open(sys.argv[1]).read().split("-----------+-------------------------------------------------------")
want = ["geo::dot (inline)", "geo::norm2 (inline)", "geo::sum_norms"]
for b in blocks:
    frames = [l.strip() for l in b.splitlines()]
    frames = [re.sub(r"^\S+\s+", "", f) if re.match(r"^\d", f) else f for f in frames if f]
    if frames[:3] == want and frames[-1] == "main":
        sys.exit(0)
sys.exit(1)
PY

P -top -symbolize=demangle=templates cxx.pb.gz >templates.txt 2>/dev/null
has "demangle=templates keeps template arguments" templates.txt ' geo::sum_norms<double>$'
has "demangle=templates: class template" templates.txt ' geo::Grid<float>::smooth$'
P -top -symbolize=demangle=full cxx.pb.gz >full.txt 2>/dev/null
has "demangle=full" full.txt ' double geo::sum_norms<double>\(std::vector<geo::Vec<double>, std::allocator<geo::Vec<double> > > const&\)$'
has "demangle=full: anonymous namespace" full.txt ' \(anonymous namespace\)::Accum::add\(long\)$'
P -top -symbolize=demangle=none cxx.pb.gz >none.txt 2>/dev/null
has "demangle=none: raw symbols" none.txt ' _ZN3geo9sum_normsIdEET_RKSt6vectorINS_3VecIS1_EESaIS4_EE$'
P -top -symbolize=none cxx.pb.gz >unsym.txt 2>/dev/null
has "-symbolize=none: the mapping only" unsym.txt ' \[cxxprog\]$'
hasnot "-symbolize=none: no names" unsym.txt 'geo::'

P -list='geo::sum_norms' cxx.pb.gz >list.txt 2>/dev/null
has "-list: routine and source file" list.txt "^ROUTINE =+ geo::sum_norms in $here/cxxprog.cpp\$"
has "-list: source text" list.txt ':        s \+= norm2\(a\);$'

P -top -lines -symbolize=fastlocal cxx.pb.gz >fast.txt 2>/dev/null
has "fastlocal: names" fast.txt ' geo::sum_norms$'
hasnot "fastlocal: no files or inline frames" fast.txt 'cxxprog.cpp|\(inline\)'

P -top -v cxx.pb.gz >/dev/null 2>verbose.txt
has "-v: one line for the mapping" verbose.txt "^symbolize: mapping 1 .*cxxprog .*[0-9]+ resolved \([0-9]+ with lines\) with .*cxxprog"
PROF_VERBOSE=1 P -top cxx.pb.gz >/dev/null 2>verbose2.txt
has "PROF_VERBOSE" verbose2.txt '^symbolize: mapping 1 '

python3 "$here/mkprof.py" funcs cxxprog wrongid.pb.gz --build-id 0123456789abcdef0123456789abcdef01234567
P -top wrongid.pb.gz >wrongid.txt 2>wrongid.err
has "build id mismatch: pprof's warning" wrongid.err '^Local symbolization failed for cxxprog \(build ID 0123456789abcdef0123456789abcdef01234567\): build ID mismatch$'
hasnot "build id mismatch: not symbolized" wrongid.txt 'geo::'

# PPROF_BINARY_PATH: the profile names a file that does not exist; the binary
# is found as $PPROF_BINARY_PATH/<build id>/cxxprog.
mkdir -p elsewhere
cp cxxprog elsewhere/cxxprog
python3 "$here/mkprof.py" funcs elsewhere/cxxprog moved.pb.gz
id=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import mkprof; print(mkprof.Elf(sys.argv[2]).build_id())' "$here" cxxprog)
rm -rf elsewhere
mkdir -p bins/"$id"
cp cxxprog bins/"$id"/cxxprog
PPROF_BINARY_PATH=$tmp/bins P -top moved.pb.gz >moved.txt 2>moved.err
has "PPROF_BINARY_PATH by build id" moved.txt ' geo::sum_norms$'
PPROF_BINARY_PATH=$tmp/bins P -raw moved.pb.gz >moved.raw 2>/dev/null
has "PPROF_BINARY_PATH: the mapping names the file found" moved.raw "$tmp/bins/$id/cxxprog"
PPROF_BINARY_PATH=$tmp/nowhere P -top moved.pb.gz >lost.txt 2>lost.err
has "missing binary: pprof's messages" lost.err '^Try setting PPROF_BINARY_PATH to the search path for local binaries.$'
has "missing binary: the mapping's name" lost.txt '\[cxxprog\]$'

# --- Part 2: against pprof with its real object tool ---
if ! command -v go >/dev/null 2>&1; then
    echo "part 2 skipped: no Go"
else
    odir=${PROF_ORACLE_DIR:-$tmp/oracle}
    if bash "$srcdir/tests/list/oracle.sh" "$odir" >/dev/null 2>&1; then
        oracle=$odir/pprof
        compare() {
            local what=$1
            shift
            TZ=UTC "$oracle" "$@" </dev/null 2>/dev/null | python3 "$srcdir/tests/golden/fix_time.py" "${@: -1}" >o.txt
            P "$@" >p.txt 2>/dev/null
            if cmp -s o.txt p.txt; then
                ok "same as pprof: $what"
            else
                bad "differs from pprof: $what"
                diff -u o.txt p.txt | head -20
            fi
        }
        compare "-top" -top -nodecount=500 cxx.pb.gz
        compare "-top -lines" -top -lines -nodecount=500 cxx.pb.gz
        compare "-top -addresses" -top -addresses -nodecount=100 cxx.pb.gz
        compare "-traces" -traces cxx.pb.gz
        compare "-tree" -tree -nodecount=60 cxx.pb.gz
        compare "-list" -list='geo::|Accum' cxx.pb.gz
        compare "-peek" -peek='sum_norms|smooth' cxx.pb.gz
        compare "demangle=templates" -top -nodecount=500 -symbolize=demangle=templates cxx.pb.gz
        compare "demangle=full" -top -nodecount=500 -symbolize=demangle=full cxx.pb.gz
        compare "fastlocal" -top -nodecount=500 -symbolize=fastlocal cxx.pb.gz
        compare "-disasm (mapping at offset 0)" -disasm='sum_norms|smooth|Accum' cxx0.pb.gz
        compare "-top (mapping at offset 0)" -top -nodecount=500 cxx0.pb.gz
    else
        echo "part 2 skipped: the oracle does not build"
    fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
