#!/usr/bin/env bash
# Golden cases of the symbolization tests (a case file in the format of
# tests/golden/cases*.tsv; expected outputs in tests/golden/expected/).
#
#   golden.sh check PROF SRCDIR TSV [NAME...]     compare PROF's stdout and status
#   golden.sh update ORACLE SRCDIR TSV [NAME...]  regenerate the expected outputs
#
# Cases run from SRCDIR/testdata with TZ=UTC and stdin from /dev/null, their
# arguments split on whitespace (never globbed).  In update mode the name
# says what produces the expected output (see tests/symbolize/README.md):
#   symbolize.go.*      go tool pprof (GO overrides the go command; for a
#                       *demangle.none case, with -symbolize=none instead)
#   symbolize.oracle.*  ORACLE: pprof 2022 with its real object tool, as built
#                       by tests/list/oracle.sh
#   symbolize.oracle0.* ORACLE on a copy of crunch.cpu.prof whose crunch text
#                       mapping starts at file offset 0 (same load bias), for
#                       -disasm, which pprof 2022 gets wrong otherwise (and
#                       even then only now and then: retried until it works)
# and pprof 2022's `Time:` lines are rewritten by tests/golden/fix_time.py.
set -u
set -f
if [ $# -lt 4 ]; then
    echo "usage: $0 check|update PROF|ORACLE SRCDIR TSV [NAME...]" >&2
    exit 2
fi
mode=$1
tool=$2
srcdir=$(cd "$3" && pwd) || exit 2
tsv=$4
shift 4
case "$tool" in
    /*) ;;
    */*) tool=$PWD/$tool ;;
esac
datadir=$srcdir/testdata
expected=$srcdir/tests/golden/expected
tab=$'\t'
tmp=$(mktemp -d "${TMPDIR:-/tmp}/symgolden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

if [ "$mode" = update ]; then
    # The r-xp line of the crunch mapping, moved to offset 0 (same length).
    python3 - "$datadir/crunch.cpu.prof" "$tmp/crunch0.cpu.prof" <<'PY' || exit 2
import sys
data = open(sys.argv[1], "rb").read()
old = b"563b170de000-563b170df000 r-xp 00001000"
new = b"563b170dd000-563b170df000 r-xp 00000000"
assert data.count(old) == 1
open(sys.argv[2], "wb").write(data.replace(old, new))
PY
fi

want() {
    [ $# -eq 1 ] && return 0
    local n=$1
    shift
    for w in "$@"; do
        [ "$w" = "$n" ] && return 0
    done
    return 1
}

pass=0
fail=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        '' | '#'*) continue ;;
    esac
    name=${line%%"$tab"*}
    argstr=${line#*"$tab"}
    want "$name" "$@" || continue
    read -ra args <<<"$argstr"
    if [ "$mode" = check ]; then
        (cd "$datadir" && TZ=UTC exec "$tool" "${args[@]}") </dev/null >"$tmp/out" 2>"$tmp/err"
        rc=$?
        want_rc=0
        [ -r "$expected/$name.rc" ] && want_rc=$(tr -d '[:space:]' <"$expected/$name.rc")
        if [ ! -r "$expected/$name.out" ]; then
            echo "FAIL $name: no $expected/$name.out"
            fail=$((fail + 1))
        elif cmp -s "$expected/$name.out" "$tmp/out" && [ "$rc" = "$want_rc" ]; then
            echo "ok $name"
            pass=$((pass + 1))
        else
            echo "FAIL $name (status $rc, want $want_rc)"
            diff -u --label "expected/$name.out" --label "prof $argstr" "$expected/$name.out" "$tmp/out" | head -40
            head -5 "$tmp/err"
            fail=$((fail + 1))
        fi
        continue
    fi
    case "$name" in
        symbolize.go.*demangle.none)
            # Current pprof shows raw names with demangle=none; pprof 2022
            # demangled them fully.  Raw names are what -symbolize=none shows.
            cmd=("${GO:-go}" tool pprof)
            for i in "${!args[@]}"; do
                [ "${args[$i]}" = -symbolize=demangle=none ] && args[$i]=-symbolize=none
            done
            ;;
        symbolize.go.*) cmd=("${GO:-go}" tool pprof) ;;
        symbolize.oracle0.*)
            cmd=("$tool")
            for i in "${!args[@]}"; do
                [ "${args[$i]}" = crunch.cpu.prof ] && args[$i]=$tmp/crunch0.cpu.prof
            done
            ;;
        symbolize.oracle.*) cmd=("$tool") ;;
        *)
            echo "$name: no rule for where its expected output comes from" >&2
            exit 2
            ;;
    esac
    # pprof 2022's -disasm looks the symbols up in an order that depends on
    # Go's map iteration: on this profile it finds them only now and then,
    # so an oracle0 case is retried until it succeeds.
    tries=1
    [[ $name == symbolize.oracle0.* ]] && tries=40
    for ((t = 0; t < tries; t++)); do
        (cd "$datadir" && TZ=UTC exec "${cmd[@]}" "${args[@]}") </dev/null >"$tmp/raw" 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 0 ] && break
    done
    profiles=()
    for a in "${args[@]}"; do
        a=${a#-*=}
        case "$a" in /*) f=$a ;; *) f=$datadir/$a ;; esac
        [ -f "$f" ] && profiles+=("$f")
    done
    [ ${#profiles[@]} -eq 0 ] && profiles=(/dev/null)
    python3 "$srcdir/tests/golden/fix_time.py" "${profiles[@]}" <"$tmp/raw" >"$expected/$name.out" || exit 2
    if [ "$rc" -ne 0 ]; then
        echo "$rc" >"$expected/$name.rc"
    else
        rm -f "$expected/$name.rc"
    fi
    echo "updated $name (status $rc)"
    [ "$rc" -ne 0 ] && sed 's/^/    stderr: /' "$tmp/err"
done <"$tsv"
if [ "$mode" = check ]; then
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
fi
