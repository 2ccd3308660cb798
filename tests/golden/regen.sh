#!/usr/bin/env bash
# Regenerate every expected output of tests/golden/cases.tsv with `go tool pprof`
# (never with prof), through tests/run-golden.sh in PROF_UPDATE=1 mode.
#
#   bash tests/golden/regen.sh [NAME...]
#
# Without NAMEs every case of cases.tsv is regenerated, and expected files that
# belong to no case of any cases*.tsv are listed (not deleted).  Other areas'
# case files have their own scripts where pprof cannot print the expected
# output directly (regen-merge.sh, derive_head.py, debug1_expected.py, see the
# README-*.md files).  GO overrides the go command (default: go).

set -u
set -f

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
cases=$here/cases.tsv
expected=$here/expected

names=()
if [ $# -gt 0 ]; then
    names=("$@")
else
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        case "$line" in
            ''|'#'*) continue ;;
        esac
        if [ -z "${line//[[:space:]]/}" ]; then
            continue
        fi
        names+=("${line%%$'\t'*}")
    done < "$cases"
fi

# Refuse duplicate or malformed names before touching anything.
dups=$(printf '%s\n' "${names[@]}" | sort | uniq -d)
if [ -n "$dups" ]; then
    echo "regen: duplicate case names: $dups" >&2
    exit 1
fi
for n in "${names[@]}"; do
    if ! [[ "$n" =~ ^[A-Za-z0-9._-]+$ ]]; then
        echo "regen: bad case name '$n'" >&2
        exit 1
    fi
done

mkdir -p "$expected"
failed=0
for n in "${names[@]}"; do
    if ! PROF_UPDATE=1 bash "$srcdir/tests/run-golden.sh" none "$srcdir" "$n"; then
        failed=$((failed + 1))
    fi
done

if [ $# -eq 0 ]; then
    declare -A want=()
    set +f
    for cf in "$here"/cases*.tsv; do
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in ''|'#'*) continue ;; esac
            want[${line%%$'\t'*}]=1
        done < "$cf"
    done
    for f in "$expected"/*.out "$expected"/*.rc; do
        [ -e "$f" ] || continue
        b=$(basename "$f")
        b=${b%.*}
        if [ -z "${want[$b]:-}" ]; then
            echo "regen: $f belongs to no case"
        fi
    done
    set -f
fi

echo "regen: ${#names[@]} case(s), $failed failure(s)"
[ "$failed" -eq 0 ]
