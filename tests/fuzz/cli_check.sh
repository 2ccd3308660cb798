#!/usr/bin/env bash
# The crashers and regression inputs of tests/fuzz/corpus (crash-*, regress-*)
# through the prof binary with report flags the fuzz targets do not all reach
# (-mean everywhere, -weblist, -list, -callgrind, -nodefraction=0).  Every run
# must end with status 0, or with status 1 and one last line
# "prof: FILE: reason" on stderr: no signal, no sanitizer report.  regress-*
# inputs are valid profiles (once wrongly rejected): their status must be 0.
#
#   usage: cli_check.sh PROF SRCDIR
set -u
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flagsets=(
    "-top"
    "-top -mean -nodefraction=0"
    "-top -lines -cum -mean"
    "-traces -mean"
    "-tree -mean -nodefraction=0"
    "-peek=. -mean"
    "-dot -nodefraction=0 -edgefraction=0"
    "-dot -mean -nodefraction=0 -edgefraction=0"
    "-callgrind -mean"
    "-raw"
    "-tags"
    "-list=. -mean"
    "-weblist=. -mean -output=$tmp/w.html"
)
pass=0 fail=0
shopt -s nullglob
for f in "$src"/tests/fuzz/corpus/load/crash-* "$src"/tests/fuzz/corpus/load/regress-* \
         "$src"/tests/fuzz/corpus/legacy/crash-* "$src"/tests/fuzz/corpus/legacy/regress-*; do
    for flags in "${flagsets[@]}"; do
        # shellcheck disable=SC2086 # flags are words
        (cd "$tmp" && exec "$prof" $flags -source_path="$tmp" -tools="$tmp/none" "$f") > "$tmp/out" 2> "$tmp/err"
        rc=$?
        why=
        if grep -q -e 'Sanitizer' -e 'runtime error' "$tmp/err"; then
            why="sanitizer report"
        elif [ "${f##*/regress-}" != "$f" ] && [ $rc -ne 0 ]; then
            why="status $rc for a valid profile"
        elif [ $rc -eq 1 ]; then
            n=$(grep -c '^prof: ' "$tmp/err")
            last=$(tail -n 1 "$tmp/err")
            if [ "$n" -ne 1 ] || [ "${last#"prof: $f: "}" = "$last" ]; then
                why="status 1 without one last line \"prof: $f: reason\""
            fi
        elif [ $rc -ne 0 ]; then
            why="status $rc"
        fi
        if [ -n "$why" ]; then
            fail=$((fail + 1))
            echo "FAIL: prof $flags $f: $why"
            sed 's/^/    /' "$tmp/err" | head -n 20
        else
            pass=$((pass + 1))
        fi
    done
done
echo "$pass passed, $fail failed"
[ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
