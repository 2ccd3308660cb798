#!/usr/bin/env bash
# Regenerate the expected outputs of the symbolization golden cases
# (tests/golden/cases-symbolize.tsv and tests/symbolize/cases-libc.tsv) and
# testdata/symbolize/mangled.pb.gz.  Needs Go (for `go tool pprof` and the
# oracle built by tests/list/oracle.sh; PROF_ORACLE_DIR keeps it between runs)
# and LLVM's llvm-symbolizer, the object tool the oracle symbolizes with.
#
#   tests/symbolize/regen.sh [NAME...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
odir=${PROF_ORACLE_DIR:-$srcdir/build-oracle}
bash "$srcdir/tests/list/oracle.sh" "$odir" || { echo "regen: cannot build the oracle" >&2; exit 1; }
command -v llvm-symbolizer >/dev/null || { echo "regen: llvm-symbolizer is needed" >&2; exit 1; }
python3 "$here/mkmangled.py" "$srcdir/testdata/symbolize/mangled.pb.gz"
bash "$here/golden.sh" update "$odir/pprof" "$srcdir" "$srcdir/tests/golden/cases-symbolize.tsv" "$@"
bash "$here/golden.sh" update "$odir/pprof" "$srcdir" "$here/cases-libc.tsv" "$@"
