#!/usr/bin/env bash
# Regenerate the expected files of tests/golden/cases-inputs.tsv (and of
# cases-inputs-pending.tsv), never from prof:
#
#   inputs.debug1.*  tests/golden/debug1_expected.py ARGS (pprof's values, names from the comments)
#   inputs.raw.*     tests/golden/legacy_string.py on the fixture's upstream .string golden
#                    (for testdata/legacy-variants/F.32le etc., the .string of pprof/legacy/F)
#   other inputs.*   go tool pprof, through tests/run-golden.sh with PROF_UPDATE=1 (Time fix-up included)
#
# Usage: tests/golden/regen-inputs.sh [NAME...]   (default: every case)
set -eu
set -f
golden=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$golden/../.." && pwd)
export TZ=UTC
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    while IFS=$'\t' read -r name args; do
        case "$name" in ''|'#'*) continue ;; esac
        names+=("$name")
    done < <(cat "$golden/cases-inputs.tsv" "$golden/cases-inputs-pending.tsv")
fi
for name in "${names[@]}"; do
    args=$(awk -F'\t' -v n="$name" '$1 == n { print $2; exit }' "$golden/cases-inputs.tsv" "$golden/cases-inputs-pending.tsv")
    [ -n "$args" ] || { echo "regen-inputs: no case $name" >&2; exit 1; }
    read -ra argv <<< "$args"
    out=$golden/expected/$name.out
    case "$name" in
    inputs.debug1.*)
        rc=0
        (cd "$src/testdata" && python3 "$golden/debug1_expected.py" "${argv[@]}") >"$out" 2>/dev/null || rc=$?
        if [ "$rc" -ne 0 ]; then echo "$rc" >"$golden/expected/$name.rc"; else rm -f "$golden/expected/$name.rc"; fi
        echo "updated $out"
        ;;
    inputs.raw.*)
        fixture=${argv[${#argv[@]}-1]}
        # A variant of a fixture (testdata/legacy-variants/NAME.{32,64}{le,be})
        # reads as the fixture does: its golden is the fixture's .string.
        case "$fixture" in
            legacy-variants/*) fixture=pprof/legacy/${fixture#legacy-variants/}
                               fixture=${fixture%.[36][24][lb]e} ;;
        esac
        python3 "$golden/legacy_string.py" "$src/testdata/$fixture.string" >"$out"
        rm -f "$golden/expected/$name.rc"
        echo "updated $out"
        ;;
    *)
        # run-golden.sh looks cases up in the active case files only.
        if grep -q "^$name	" "$golden/cases-inputs.tsv"; then
            PROF_UPDATE=1 "$src/tests/run-golden.sh" none "$src" "$name" | grep -v '^case ' || true
        else
            echo "regen-inputs: $name: pending pprof case, regenerate by hand" >&2
        fi
        ;;
    esac
done
