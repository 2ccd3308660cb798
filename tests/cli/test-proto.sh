#!/usr/bin/env bash
# -proto round trip: for each case, `prof ARGS -proto -output=X SOURCES` writes
# the (filtered, merged) profile; then `prof -top X` and `go tool pprof -top X`
# must both print what `prof -top ARGS SOURCES` prints (minus the "Active
# filters" legend, which X no longer needs).  Also checks that -topproto's
# pass 1 of pprof's topproto goldens decodes to testdata/pprof/cpu.topproto.pb.gz.
#
#   tests/cli/test-proto.sh PROF SRCDIR
#
# Exit 0 when every case passes, 1 otherwise; 77 (skip) without `go`.
# GO overrides the go command.  Cases run from SRCDIR/testdata with TZ=UTC.

set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 PROF SRCDIR" >&2
    exit 2
fi
prof=$1
src=$(cd "$2" && pwd)
case "$prof" in
    /*) ;;
    */*) prof=$(pwd)/$prof ;;
esac
go=${GO:-go}
if ! command -v "$go" >/dev/null 2>&1; then
    echo "test-proto: no go command, skipping" >&2
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-proto.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$src/testdata" || exit 1
export TZ=UTC

# The legend of filters (absent from the written profile's report).
strip_filters() {
    awk '/^Active filters:$/ { skip = 1; next } skip && /^   / { next } { skip = 0; print }'
}

fail=0
n=0
# MODE|ARGS|SOURCES (space separated; ARGS may be empty).  MODE "=": the
# reports are equal; "r": filters that drop samples, so the original report is
# made with -relative_percentages (the written profile's total is the
# filtered one); "d": -divide_by, the Duration line's percentage is left out
# (the written values are divided, the duration is not).
cases=(
    "=||work.cpu.pb.gz"
    "=||server.heap.pb.gz"
    "=|-sample_index=alloc_space|server.allocs.pb.gz"
    "=||synth.5k.pb.gz"
    "=||pprof/heap.pb.gz"
    "=||pprof/cpusmall.pb.gz"
    "=||edge/cpu.zero.pb.gz"
    "=||work.threadcreate.pb.gz"
    "=||work.block.pb.gz"
    "r|-focus=sort|work.cpu.pb.gz"
    "r|-ignore=runtime|work.cpu.pb.gz"
    "r|-hide=runtime|work.cpu.pb.gz"
    "r|-show=main|work.cpu.pb.gz"
    "r|-show_from=runtime.mallocgc|work.cpu.pb.gz"
    "=|-prune_from=sort.Sort|work.cpu.pb.gz"
    "=|-noinlines|work.cpu.pb.gz"
    "d|-divide_by=10|work.cpu.pb.gz"
    "r|-tagfocus=handler=h1[0-9]|synth.5k.pb.gz"
    "=|-tagroot=handler|synth.5k.pb.gz"
    "=|-tagleaf=bytes|synth.5k.pb.gz"
    "=|-taghide=handler|synth.5k.pb.gz"
    "=|-add_comment=round-trip|work.cpu.pb.gz"
    "=||work.cpu.pb.gz work.cpu.pb.gz"
    "=||work.heap.pb.gz work.allocs.pb.gz server.heap.pb.gz"
    "=||work.cpu.pb.gz server.cpu.pb.gz"
    "=|-base=server.allocs.pb.gz|server.heap.pb.gz"
    "=|-diff_base=server.allocs.pb.gz|server.heap.pb.gz"
    "=|-normalize -base=work.heap.pb.gz|server.heap.pb.gz"
)
for c in "${cases[@]}"; do
    n=$((n + 1))
    mode=${c%%|*}
    rest=${c#*|}
    IFS=' ' read -ra args <<<"${rest%%|*}"
    IFS=' ' read -ra srcs <<<"${rest#*|}"
    out=$tmp/p$n.pb.gz
    if ! "$prof" -proto "${args[@]}" -output="$out" "${srcs[@]}" 2>"$tmp/err"; then
        echo "FAIL [$c]: prof -proto failed: $(head -3 "$tmp/err")"
        fail=1
        continue
    fi
    extra=()
    [ "$mode" = r ] && extra=(-relative_percentages)
    filt=cat
    [ "$mode" = d ] && filt="grep -v ^Duration:"
    "$prof" -top "${extra[@]}" "${args[@]}" "${srcs[@]}" 2>/dev/null | strip_filters | $filt >"$tmp/want"
    "$prof" -top "$out" 2>/dev/null | $filt >"$tmp/mine"
    "$go" tool pprof -top "$out" 2>/dev/null | python3 "$src/tests/golden/fix_time.py" "$out" | $filt >"$tmp/go"
    if ! cmp -s "$tmp/want" "$tmp/mine"; then
        echo "FAIL [$c]: prof -top of the written profile differs"
        diff -u "$tmp/want" "$tmp/mine" | head -20
        fail=1
    elif ! cmp -s "$tmp/want" "$tmp/go"; then
        echo "FAIL [$c]: go tool pprof -top of the written profile differs"
        diff -u "$tmp/want" "$tmp/go" | head -20
        fail=1
    else
        echo "ok   [$c]"
    fi
done

# pprof's topproto goldens read the pass-1 output of
# `-topproto -addresses` with the upstream base flags on cpu.mangled.pb.gz.
base=(-symbolize=none -trim -compact_labels -nodecount=20 -nodefraction=0.05 -edgefraction=0.01 -divide_by=1
      -unit=minimum)
dump="python3 $src/tests/cli/protodump.py --strings"
if "$prof" "${base[@]}" -topproto -addresses -output="$tmp/tp.pb.gz" pprof/cpu.mangled.pb.gz 2>/dev/null &&
    $dump "$tmp/tp.pb.gz" >"$tmp/tp.mine" && $dump pprof/cpu.topproto.pb.gz >"$tmp/tp.want" &&
    cmp -s "$tmp/tp.want" "$tmp/tp.mine"; then
    echo "ok   [topproto pass 1 = pprof/cpu.topproto.pb.gz]"
else
    echo "FAIL [topproto pass 1 = pprof/cpu.topproto.pb.gz]"
    diff -u "$tmp/tp.want" "$tmp/tp.mine" 2>/dev/null | head -20
    fail=1
fi
exit $fail
