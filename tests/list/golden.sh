#!/usr/bin/env bash
# Run (or, with PROF_UPDATE=1, regenerate from `go tool pprof`) the golden cases
# of tests/golden/cases-list.tsv through tests/run-golden.sh, which only reads
# tests/golden/cases.tsv: a scratch source tree of symlinks presents
# cases-list.tsv under that name.
#
#   bash tests/list/golden.sh PROF [NAME...]
#
# Without NAMEs every case of cases-list.tsv runs.  Exit status 0 when all pass.
set -u
set -f
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
prof=${1:?usage: golden.sh PROF [NAME...]}
shift
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
esac
cases=$src/tests/golden/cases-list.tsv

tmp=$(mktemp -d "${TMPDIR:-/tmp}/list-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tests/golden"
ln -s "$src/testdata" "$tmp/testdata"
ln -s "$src/tests/list" "$tmp/tests/list"
ln -s "$src/tests/golden/expected" "$tmp/tests/golden/expected"
ln -s "$src/tests/golden/fix_time.py" "$tmp/tests/golden/fix_time.py"
ln -s "$cases" "$tmp/tests/golden/cases.tsv"
mkdir -p "$tmp/tests" && cp "$src/tests/run-golden.sh" "$tmp/tests/run-golden.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    while IFS=$'\t' read -r name _; do
        case "$name" in ''|'#'*) continue ;; esac
        names+=("$name")
    done <"$cases"
fi
pass=0
fail=0
for n in "${names[@]}"; do
    if out=$(bash "$tmp/tests/run-golden.sh" "$prof" "$tmp" "$n" 2>&1); then
        pass=$((pass + 1))
        [ "${PROF_UPDATE:-}" = 1 ] && printf '%s\n' "$out"
    else
        fail=$((fail + 1))
        printf '%s\n' "$out"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
