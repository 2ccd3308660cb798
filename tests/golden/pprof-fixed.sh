#!/usr/bin/env bash
# `go tool pprof` with the Time: fix-up of fix_time.py applied to its stdout,
# i.e. exactly what the expected files hold.  Usable as PROF for
# tests/run-golden.sh to check the golden data against pprof itself:
#
#   for n in $(grep -v '^#' tests/golden/cases.tsv | cut -f1); do
#       tests/run-golden.sh tests/golden/pprof-fixed.sh . "$n" || echo "FAIL $n"
#   done
#
# Exit status: pprof's (fix_time.py failing gives 3).  GO overrides go.

set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp "${TMPDIR:-/tmp}/pprof-fixed.XXXXXX") || exit 3
trap 'rm -f "$tmp"' EXIT

"${GO:-go}" tool pprof "$@" >"$tmp"
rc=$?

# Same candidate list as tests/run-golden.sh: arguments (or -flag=values)
# naming existing files, relative to the current directory.
profiles=()
for a in "$@"; do
    case "$a" in
        -*=*) a=${a#*=} ;;
    esac
    if [ -f "$a" ]; then
        profiles+=("$a")
    fi
done
[ "${#profiles[@]}" -gt 0 ] || profiles=(/dev/null)

python3 "$here/fix_time.py" "${profiles[@]}" <"$tmp" || exit 3
exit "$rc"
