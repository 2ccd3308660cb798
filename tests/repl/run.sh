#!/usr/bin/env bash
# Transcript tests of prof's interactive shell.
#
#   tests/repl/run.sh PROF SRCDIR NAME
#
# SRCDIR/tests/repl/NAME.in is a shell session.  Its first lines are
# directives, the rest is piped to `PROF ARGS` (standard input not a terminal,
# so no prompt and no line editing) run from SRCDIR/testdata:
#   # args: ARGS...      the command line (split on whitespace, never globbed)
#   # err: pprof|prof    where NAME.err comes from (below); default pprof
# The string @TMP@ in the session stands for a scratch directory (with an
# empty subdirectory files/ for `> @TMP@/files/NAME` redirections).
#
# Compared with the expected files:
#   NAME.out    standard output, byte for byte
#   NAME.err    standard error (the greeting, messages, errors, help, options)
#   NAME.rc     exit status (default 0)
#   NAME.files  if present: every file left in @TMP@/files, as "== name ==" then
#               its contents
# with the scratch directory's path written back as @TMP@.
#
# PROF_UPDATE=1 regenerates NAME.out and NAME.files (and NAME.err for
# `err: pprof` sessions) by running the same session through `go tool pprof`
# instead (PROF is then ignored): its "(pprof) " prompts are removed from
# standard output and its 2022 `Time:` layout is rewritten by
# tests/golden/fix_time.py.  An `err: prof` session's NAME.err holds prof's own
# texts (help, the options listing, messages where prof deliberately differs
# from pprof): it is written by hand, checked against pprof's, never
# regenerated.  GO overrides the go command (default: go).

set -u
set -f

if [ $# -ne 3 ]; then
    echo "usage: $0 PROF SRCDIR NAME" >&2
    exit 1
fi
prof=$1
srcdir=$(cd "$2" && pwd) || { echo "repl-test: no directory $2" >&2; exit 1; }
name=$3
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
esac

dir=$srcdir/tests/repl
in=$dir/$name.in
datadir=$srcdir/testdata
if [ ! -r "$in" ]; then
    echo "repl-test: cannot read $in" >&2
    exit 1
fi

argstr=
errsrc=pprof
body=()
header=1
while IFS= read -r line || [ -n "$line" ]; do
    if [ "$header" = 1 ]; then
        case "$line" in
            '# args:'*) argstr=${line#'# args:'}; continue ;;
            '# err:'*) errsrc=${line#'# err:'}; errsrc=${errsrc// /}; continue ;;
            '#'*) continue ;;
        esac
        header=0
    fi
    body+=("$line")
done <"$in"
read -ra args <<<"$argstr"
if [ "${#args[@]}" -eq 0 ]; then
    echo "repl-test: $in has no '# args:' line" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/repl-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/files" "$tmp/home" "$tmp/state"

# The session, with @TMP@ replaced (and the last line's newline kept as it is in NAME.in).
: >"$tmp/session"
nl=1
if [ -s "$in" ] && [ "$(tail -c 1 "$in" | od -An -c | tr -d ' ')" != '\n' ]; then
    nl=0
fi
for ((i = 0; i < ${#body[@]}; i++)); do
    l=${body[$i]//@TMP@/$tmp}
    if [ "$i" -eq $((${#body[@]} - 1)) ] && [ "$nl" = 0 ]; then
        printf '%s' "$l" >>"$tmp/session"
    else
        printf '%s\n' "$l" >>"$tmp/session"
    fi
done

# Put @TMP@ back in place of the scratch directory.
untmp() {
    python3 -c 'import sys; d=sys.stdin.buffer.read(); sys.stdout.buffer.write(d.replace(sys.argv[1].encode(), b"@TMP@"))' "$tmp"
}

dump_files() {
    local f
    set +f
    for f in "$tmp"/files/*; do
        [ -f "$f" ] || continue
        printf '== %s ==\n' "${f##*/}"
        cat "$f"
    done
    set -f
}

run_env=(TZ=UTC HOME="$tmp/home" XDG_STATE_HOME="$tmp/state" NO_COLOR=1 TERM=dumb LC_ALL=C)

printf 'case %s: (cd %q && printf ... | TZ=UTC' "$name" "$datadir"
if [ "${PROF_UPDATE:-}" = 1 ]; then
    printf ' %q tool pprof' "${GO:-go}"
else
    printf ' %q' "$prof"
fi
printf ' %q' "${args[@]}"
printf ')\n'

if [ "${PROF_UPDATE:-}" = 1 ]; then
    (cd "$datadir" && exec env "${run_env[@]}" "${GO:-go}" tool pprof "${args[@]}") \
        <"$tmp/session" >"$tmp/raw" 2>"$tmp/rawerr"
    rc=$?
    profiles=()
    for a in "${args[@]}"; do
        case "$a" in -*=*) a=${a#*=} ;; esac
        case "$a" in /*) f=$a ;; *) f=$datadir/$a ;; esac
        [ -f "$f" ] && profiles+=("$f")
    done
    [ "${#profiles[@]}" -eq 0 ] && profiles=(/dev/null)
    python3 -c 'import sys; d=sys.stdin.buffer.read(); sys.stdout.buffer.write(d.replace(b"(pprof) ", b""))' \
        <"$tmp/raw" | python3 "$srcdir/tests/golden/fix_time.py" "${profiles[@]}" | untmp >"$dir/$name.out" || exit 1
    if [ "$errsrc" = pprof ]; then
        python3 "$srcdir/tests/golden/fix_time.py" "${profiles[@]}" <"$tmp/rawerr" | untmp >"$dir/$name.err" || exit 1
    else
        echo "--- stderr of pprof (NAME.err is prof's own, not rewritten):"
        untmp <"$tmp/rawerr"
    fi
    if [ -n "$(ls -A "$tmp/files")" ]; then
        dump_files | python3 "$srcdir/tests/golden/fix_time.py" "${profiles[@]}" | untmp >"$dir/$name.files"
    else
        rm -f "$dir/$name.files"
    fi
    if [ "$rc" -ne 0 ]; then echo "$rc" >"$dir/$name.rc"; else rm -f "$dir/$name.rc"; fi
    echo "updated $dir/$name.out"
    exit 0
fi

(cd "$datadir" && exec env "${run_env[@]}" "$prof" "${args[@]}") <"$tmp/session" >"$tmp/rawout" 2>"$tmp/rawerr"
rc=$?
untmp <"$tmp/rawout" >"$tmp/out"
untmp <"$tmp/rawerr" >"$tmp/err"

status=0
check() { # what expected actual
    if [ ! -r "$2" ]; then
        echo "FAIL: missing $2"
        status=1
    elif ! cmp -s "$2" "$3"; then
        echo "FAIL: $1 differs from $2"
        diff -u --label "expected" --label "actual $1" "$2" "$3" | head -n 80
        status=1
    fi
}
check stdout "$dir/$name.out" "$tmp/out"
check stderr "$dir/$name.err" "$tmp/err"
if [ -r "$dir/$name.files" ]; then
    dump_files | untmp >"$tmp/files.dump"
    check files "$dir/$name.files" "$tmp/files.dump"
elif [ -n "$(ls -A "$tmp/files")" ]; then
    echo "FAIL: files written but no $dir/$name.files"
    status=1
fi
want_rc=0
[ -r "$dir/$name.rc" ] && want_rc=$(tr -d '[:space:]' <"$dir/$name.rc")
if [ "$rc" != "$want_rc" ]; then
    echo "FAIL: exit status $rc, expected $want_rc"
    status=1
fi
[ "$status" -eq 0 ] && echo ok
exit "$status"
