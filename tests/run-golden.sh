#!/usr/bin/env bash
# Golden-test runner.
#
#   tests/run-golden.sh PROF SRCDIR NAME
#
# Looks NAME up in SRCDIR/tests/golden/cases.tsv (lines `NAME<TAB>ARGS`; `#`
# comments and blank lines ignored), runs PROF with ARGS split on whitespace into
# an argv array (never globbed or otherwise interpreted by the shell) from
# SRCDIR/testdata, with TZ=UTC and stdin from /dev/null, and compares
#   * stdout with SRCDIR/tests/golden/expected/NAME.out, byte for byte
#     (`diff -u` shown on mismatch), and
#   * the exit status with SRCDIR/tests/golden/expected/NAME.rc (default 0).
# Exit status: 0 on match, 1 on mismatch or on any error of the runner itself.
#
# With PROF_UPDATE=1 the comparison is replaced by regenerating NAME.out (and
# NAME.rc when the status is not 0) from `go tool pprof` (NOT from PROF, which
# is then ignored), run the same way, with the output passed through
# tests/golden/fix_time.py (see tests/golden/README.md).  GO overrides the go
# command used (default: go).

set -u
set -f

if [ $# -ne 3 ]; then
    echo "usage: $0 PROF SRCDIR NAME" >&2
    exit 1
fi

prof=$1
srcdir=$2
name=$3

srcdir=$(cd "$srcdir" && pwd) || { echo "run-golden: no directory $2" >&2; exit 1; }
# PROF is run from another directory: make a path with a slash absolute.
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
esac

golden=$srcdir/tests/golden
cases=$golden/cases.tsv
expected=$golden/expected
datadir=$srcdir/testdata

if [ ! -r "$cases" ]; then
    echo "run-golden: cannot read $cases" >&2
    exit 1
fi
# Every area's case file (cases-*.tsv) is searched too; *-pending.tsv ones are not.
set +f
case_files=("$cases")
for f in "$golden"/cases-*.tsv; do
    case "$f" in *-pending.tsv) continue ;; esac
    [ -r "$f" ] && case_files+=("$f")
done
set -f
if [ ! -d "$datadir" ]; then
    echo "run-golden: no directory $datadir" >&2
    exit 1
fi

tab=$'\t'
found=0
argstr=
while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in
        ''|'#'*) continue ;;
    esac
    # A line holding only whitespace counts as blank.
    if [ -z "${line//[[:space:]]/}" ]; then
        continue
    fi
    case "$line" in
        *"$tab"*) ;;
        *) echo "run-golden: $cases: line without TAB: $line" >&2; exit 1 ;;
    esac
    if [ "${line%%"$tab"*}" = "$name" ]; then
        argstr=${line#*"$tab"}
        found=1
        break
    fi
done < <(cat "${case_files[@]}")

if [ "$found" -ne 1 ]; then
    echo "run-golden: no case named '$name' in $cases" >&2
    exit 1
fi

# Split ARGS on whitespace into an argv array; `set -f` above disables globbing.
read -ra args <<< "$argstr"
if [ "${#args[@]}" -eq 0 ]; then
    echo "run-golden: case '$name' has no arguments" >&2
    exit 1
fi

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/run-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmpdir"' EXIT

# Print the command line in a form that can be pasted into a shell.
printf 'case %s: (cd %q && TZ=UTC' "$name" "$datadir"
if [ "${PROF_UPDATE:-}" = 1 ]; then
    printf ' %q tool pprof' "${GO:-go}"
else
    printf ' %q' "$prof"
fi
printf ' %q' "${args[@]}"
printf ' </dev/null)\n'

if [ "${PROF_UPDATE:-}" = 1 ]; then
    (cd "$datadir" && TZ=UTC exec "${GO:-go}" tool pprof "${args[@]}") \
        </dev/null >"$tmpdir/raw" 2>"$tmpdir/err"
    rc=$?
    if [ -s "$tmpdir/err" ]; then
        echo "--- stderr of pprof:"
        cat "$tmpdir/err"
    fi
    # Candidate profiles for fix_time.py: every argument (or the value of a
    # -flag=value argument) naming a file in testdata.  fix_time.py only reads
    # them when the output holds a Time: line.
    profiles=()
    for a in "${args[@]}"; do
        case "$a" in
            -*=*) a=${a#*=} ;;
        esac
        case "$a" in
            /*) f=$a ;;
            *) f=$datadir/$a ;;
        esac
        if [ -f "$f" ]; then
            profiles+=("$f")
        fi
    done
    if [ "${#profiles[@]}" -eq 0 ]; then
        profiles=(/dev/null)
    fi
    if ! python3 "$golden/fix_time.py" "${profiles[@]}" <"$tmpdir/raw" >"$tmpdir/out"; then
        echo "run-golden: fix_time.py failed for case '$name'" >&2
        exit 1
    fi
    mkdir -p "$expected" || exit 1
    cp "$tmpdir/out" "$expected/$name.out" || exit 1
    if [ "$rc" -ne 0 ]; then
        echo "$rc" >"$expected/$name.rc" || exit 1
        echo "note: pprof exited with status $rc"
    else
        rm -f "$expected/$name.rc"
    fi
    if [ ! -s "$expected/$name.out" ]; then
        echo "note: empty output"
    fi
    echo "updated $expected/$name.out"
    exit 0
fi

if [ ! -r "$expected/$name.out" ]; then
    echo "run-golden: missing $expected/$name.out (regenerate with tests/golden/regen.sh)" >&2
    exit 1
fi
want_rc=0
if [ -r "$expected/$name.rc" ]; then
    want_rc=$(tr -d '[:space:]' <"$expected/$name.rc")
fi

(cd "$datadir" && TZ=UTC exec "$prof" "${args[@]}") \
    </dev/null >"$tmpdir/out" 2>"$tmpdir/err"
rc=$?

status=0
if ! cmp -s "$expected/$name.out" "$tmpdir/out"; then
    echo "FAIL: stdout differs from $expected/$name.out"
    diff -u --label "expected/$name.out" --label "actual stdout" \
        "$expected/$name.out" "$tmpdir/out"
    status=1
fi
if [ "$rc" != "$want_rc" ]; then
    echo "FAIL: exit status $rc, expected $want_rc"
    status=1
fi
if [ "$status" -ne 0 ] && [ -s "$tmpdir/err" ]; then
    echo "--- stderr (first 40 lines):"
    head -n 40 "$tmpdir/err"
fi
if [ "$status" -eq 0 ]; then
    echo "ok"
fi
exit "$status"
