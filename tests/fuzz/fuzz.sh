#!/usr/bin/env bash
# Fuzz one target with libFuzzer (see README.md).
#
#   tests/fuzz/fuzz.sh BUILDDIR TARGET [SECONDS] [WORKDIR]
#
# BUILDDIR was set up with `CC=clang meson setup BUILDDIR -Dfuzzing=libfuzzer`;
# TARGET is load, legacy or repl; SECONDS defaults to 600.  New inputs go to
# WORKDIR/TARGET (default /tmp/prof-fuzz), crashers to WORKDIR/TARGET-crashes/;
# the committed corpus tests/fuzz/corpus/TARGET is read, never written.  One
# worker (-fork=1) that goes on after a crash, timeout or out-of-memory, so
# that one run collects every crasher; the log ends with the executions done.
set -euo pipefail
build=$1 target=$2 secs=${3:-600} work=${4:-/tmp/prof-fuzz}
here=$(cd "$(dirname "$0")" && pwd)
exe=$(cd "$build" 2>/dev/null && pwd)/tests/fuzz/fuzz-$target
[ -x "$exe" ] || { echo "fuzz.sh: no $exe (CC=clang meson setup $build -Dfuzzing=libfuzzer)" >&2; exit 2; }
case $target in
    repl) extra=(-max_len=4096 -dict="$here/repl.dict") ;;
    *) extra=(-max_len=65536) ;;
esac
mkdir -p "$work/$target" "$work/$target-crashes"
cd "$work"
exec "$exe" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$secs" \
    -timeout=20 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
    -artifact_prefix="$work/$target-crashes/" "${extra[@]}" "$work/$target" "$here/corpus/$target"
