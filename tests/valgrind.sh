#!/usr/bin/env bash
# valgrind memcheck over a handful of reports, for a prof built WITHOUT
# sanitizers (valgrind cannot run an ASan binary):
#
#   tests/valgrind.sh PROF [SRCDIR]
#
# Each case runs `valgrind --tool=memcheck --leak-check=full
# --errors-for-leak-kinds=all --error-exitcode=99` and fails on any memcheck
# error or leak (definite, indirect, possible or still reachable), on an exit
# status other than the expected one, or on output that is not there.
# tests/valgrind.supp holds the one suppression (PCRE2's JIT code reading
# past a subject with SIMD loads).  Prints
# one line per case, then `valgrind: N passed, M failed`; exits 1 if any
# failed.  .ci/run runs it on a plain build after the meson tests.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 PROF [SRCDIR]" >&2
    exit 2
fi
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
srcdir=$(cd "${2:-$(dirname "$0")/..}" && pwd)
data=$srcdir/testdata
command -v valgrind >/dev/null || { echo "valgrind: not installed (tools/setup installs it)" >&2; exit 1; }
if nm -- "$prof" 2>/dev/null | grep -q __asan_init; then
    echo "valgrind: $prof is built with AddressSanitizer; use a plain build" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# vg NAME WANT_STATUS OUTPUT_PATTERN [STDIN_FILE] -- ARGS...: run prof under memcheck
# from testdata/; OUTPUT_PATTERN is a grep -E pattern stdout+stderr must match.
vg() {
    local name=$1 want=$2 pattern=$3 input=/dev/null
    shift 3
    if [ "$1" != "--" ]; then
        input=$1
        shift
    fi
    shift
    local log=$tmp/vg.log out=$tmp/out.txt
    local t0=$SECONDS
    (cd "$data" && TZ=UTC NO_COLOR=1 PPROF_TMPDIR="$tmp/pprof" HOME="$tmp" \
        valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        --track-origins=yes --error-exitcode=99 --suppressions="$srcdir/tests/valgrind.supp" \
        --log-file="$log" -- "$prof" "$@" <"$input" >"$out" 2>&1)
    local rc=$? problems=""
    if [ $rc -eq 99 ]; then
        problems="memcheck errors"
    elif [ $rc -ne "$want" ]; then
        problems="exit status $rc, want $want"
    fi
    if ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
        problems="${problems:+$problems; }$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log")"
    fi
    if ! grep -Eq -- "$pattern" "$out"; then
        problems="${problems:+$problems; }output does not match /$pattern/"
    fi
    if [ -z "$problems" ]; then
        passed=$((passed + 1))
        printf 'ok   %s (%ds)\n' "$name" $((SECONDS - t0))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: %s\n' "$name" "$problems"
        printf '     prof %s\n' "$*"
        # from the first error or leak record on
        awk '/Invalid|uninitialised|Mismatched|Syscall param|Source and destination|in loss record/ {on = 1} on' "$log" |
            head -60 | sed 's/^/     /'
        head -5 "$out" | sed 's/^/     out: /'
    fi
}

vg "-top" 0 'Showing nodes accounting for' -- -top work.cpu.pb.gz
vg "-tree -focus" 0 'flat  flat%' -- -tree -focus=sort work.cpu.pb.gz
vg "-dot" 0 '^digraph' -- -dot -nodecount=30 work.cpu.pb.gz
vg "-traces (heap, labels)" 0 '^-----------' -- -traces work.heap.pb.gz
vg "-list -source_path" 0 'ROUTINE =+ line1000' -- -symbolize=none -list=line1000 -source_path=../tests/list pprof/cpu.pb.gz
vg "-top -lines, legacy gperftools CPU with crunch.bin" 0 "^File: crunch.bin" -- -top -lines crunch.bin crunch.cpu.prof
vg "-top legacy heap, -base" 0 'Showing nodes accounting for' -- -top -base=work.heap.debug1.txt work.heap.pb.gz
vg "-proto -output" 0 'Generating report in' -- -proto -output="$tmp/saved.pb.gz" -tagfocus=bytes=1: work.allocs.pb.gz
vg "-top of the saved -proto" 0 'Showing nodes accounting for' -- -top "$tmp/saved.pb.gz"
printf 'top5 -cum\nfocus=sort\ntree\nsample_index=0\no\npeek main\nlist sort.partition\nhelp top\nbogus\nq\n' >"$tmp/cmds"
vg "shell, piped commands" 0 'flat  flat%' "$tmp/cmds" -- work.cpu.pb.gz
vg "bad input" 1 'unrecognized profile format' -- -top README.md
vg "bad flag" 2 'flag provided but not defined' -- -top -nosuchflag work.cpu.pb.gz
python3 -c 'import sys, zlib; c = zlib.compressobj(9, zlib.DEFLATED, 31); sys.stdout.buffer.write(c.compress(bytes(8 << 20)) + c.flush())' >"$tmp/bomb.gz"
vg "gzip bomb" 1 'a gzip bomb' -- -top "$tmp/bomb.gz"
vg "-max_size" 1 'raise it with -max_size' -- -top -max_size=4kb work.cpu.pb.gz

echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
