#!/usr/bin/env bash
# Run (or, with PROF_UPDATE=1, regenerate from `go tool pprof`) every golden
# case of tests/golden/cases-list.tsv through tests/run-golden.sh.
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
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    while IFS=$'\t' read -r name _; do
        case "$name" in ''|'#'*) continue ;; esac
        names+=("$name")
    done <"$src/tests/golden/cases-list.tsv"
fi
pass=0
fail=0
for n in "${names[@]}"; do
    if out=$(bash "$src/tests/run-golden.sh" "$prof" "$src" "$n" 2>&1); then
        pass=$((pass + 1))
        [ "${PROF_UPDATE:-}" = 1 ] && printf '%s\n' "$out"
    else
        fail=$((fail + 1))
        printf '%s\n' "$out"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
