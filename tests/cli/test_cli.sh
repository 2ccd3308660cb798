#!/usr/bin/env bash
# Command-line behaviour outside the reports: stdin as a source, -output,
# -help, missing sources, flag syntax.  usage: test_cli.sh PROF SRCDIR
set -u
prof=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
td=$src/testdata
want=$src/tests/golden/expected/work.cpu.top.out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
pass=0 fail=0
check() { # name, condition-command...
    local name=$1; shift
    if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name"; fi
}

# A source of "-" is standard input, compressed or not.
"$prof" -top - < "$td/work.cpu.pb.gz" > "$tmp/stdin.out" 2> "$tmp/stdin.err"
check "stdin gzip" cmp -s "$tmp/stdin.out" "$want"
gzip -dc "$td/work.cpu.pb.gz" > "$tmp/raw.pb"
"$prof" -top "$tmp/raw.pb" > "$tmp/raw.out"
check "uncompressed file" cmp -s "$tmp/raw.out" "$want"
"$prof" -top - < "$tmp/raw.pb" > "$tmp/rawstdin.out"
check "uncompressed stdin" cmp -s "$tmp/rawstdin.out" "$want"

# -output writes the file, says so on stderr, and prints nothing on stdout.
(cd "$tmp" && "$prof" -top -output=top.txt "$td/work.cpu.pb.gz" > out.txt 2> err.txt)
check "-output file" cmp -s "$tmp/top.txt" "$want"
check "-output stdout empty" test ! -s "$tmp/out.txt"
check "-output message" grep -qx "Generating report in top.txt" "$tmp/err.txt"
# A failing report leaves an existing output file alone.
echo keep > "$tmp/keep.txt"
"$prof" -top -sample_index=nosuch -output="$tmp/keep.txt" "$td/work.cpu.pb.gz" 2>/dev/null
check "failed report keeps -output file" grep -qx keep "$tmp/keep.txt"

# -help: usage on stderr, exit 0.  No source: usage, one error line, exit 2.
"$prof" -help > "$tmp/h.out" 2> "$tmp/h.err"; rc=$?
check "-help status" test $rc -eq 0
check "-help stdout empty" test ! -s "$tmp/h.out"
check "-help usage" grep -q '^usage:' "$tmp/h.err"
"$prof" -top > "$tmp/n.out" 2> "$tmp/n.err"; rc=$?
check "no source status" test $rc -eq 2
check "no source message" test "$(tail -1 "$tmp/n.err")" = "prof: no profile source specified"

# Go flag syntax: --flag, -flag value, -flag=value, base prefixes; stop at the first non-flag.
"$prof" --top --nodecount 3 "$td/work.cpu.pb.gz" > "$tmp/a.out"
"$prof" -top -nodecount=0x3 "$td/work.cpu.pb.gz" > "$tmp/b.out"
check "flag spellings agree" cmp -s "$tmp/a.out" "$tmp/b.out"
check "nodecount 3 rows" test "$(sed -n '/flat%/,$p' "$tmp/a.out" | tail -n +2 | wc -l)" -eq 3
# (as in pprof, "-cum" is then a second source, which fails to load and is skipped)
"$prof" -top "$td/work.cpu.pb.gz" -cum > "$tmp/stop.out" 2> "$tmp/stop.err"
check "flags stop at the first source" grep -q '^-cum: ' "$tmp/stop.err"
check "the other source still reports" cmp -s "$tmp/stop.out" "$want"
# -- ends the flags: what follows is a source even if it starts with '-'.
"$prof" -top -- - < "$td/work.cpu.pb.gz" > "$tmp/dd.out"
check "-- then stdin" cmp -s "$tmp/dd.out" "$want"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
