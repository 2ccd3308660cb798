#!/usr/bin/env bash
# Make testdata/legacy-variants/ (gperftools CPU profiles in other word sizes
# and byte orders) with tests/golden/gperf_convert.py, or with --check
# (meson test golden-gperf-variants) check that the committed files are what
# the script makes.  See testdata/README.md.
#
# Usage: tests/golden/gperf_variants.sh [--check] [SRCDIR]
set -eu
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
conv=$src/tests/golden/gperf_convert.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gperf-variants.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$src/testdata"
status=0
# OUT  SOURCE  BITS ENDIAN [--truncate]
while read -r out in bits endian opt; do
    python3 "$conv" ${opt:+"$opt"} "$in" "$tmp/out" "$bits" "$endian"
    if [ "$check" = 1 ]; then
        if cmp -s "$tmp/out" "legacy-variants/$out"; then
            echo "ok $out"
        else
            echo "FAIL: legacy-variants/$out is not what gperf_convert.py makes from $in"
            status=1
        fi
    else
        mkdir -p legacy-variants
        cp "$tmp/out" "legacy-variants/$out"
        echo "made legacy-variants/$out"
    fi
done <<'LIST'
crunch.cpu.32le.prof crunch.cpu.prof 32 little --truncate
crunch.cpu.32be.prof crunch.cpu.prof 32 big --truncate
crunch.cpu.64be.prof crunch.cpu.prof 64 big
gobench.cpu.32le pprof/legacy/gobench.cpu 32 little
gobench.cpu.32be pprof/legacy/gobench.cpu 32 big
gobench.cpu.64be pprof/legacy/gobench.cpu 64 big
java.cpu.32be pprof/legacy/java.cpu 32 big
java.cpu.64be pprof/legacy/java.cpu 64 big
LIST
exit "$status"
