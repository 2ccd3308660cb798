#!/usr/bin/env bash
# Regenerate the expected outputs of tests/golden/cases-merge.tsv with
# `go tool pprof` (never with prof).  Cases with a `#pprof NAME<TAB>ARGS` line
# are run with those ARGS (inputs already made compatible, see the file's
# header); error cases (merge.err.*, base.err.*) keep their hand-written .rc.
#
#   bash tests/golden/regen-merge.sh [NAME...]
#
# GO overrides the go command (default: go).

set -u
set -f
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
cases=$here/cases-merge.tsv

declare -A args=() alt=()
order=()
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        '#pprof '*)
            line=${line#'#pprof '}
            alt[${line%%$'\t'*}]=${line#*$'\t'}
            continue ;;
        ''|'#'*) continue ;;
    esac
    name=${line%%$'\t'*}
    args[$name]=${line#*$'\t'}
    order+=("$name")
done <"$cases"

[ $# -gt 0 ] && order=("$@")
failed=0
for n in "${order[@]}"; do
    if [ -z "${args[$n]:-}" ]; then
        echo "regen-merge: no case $n" >&2
        failed=$((failed + 1))
        continue
    fi
    a=${alt[$n]:-${args[$n]}}
    read -ra argv <<<"$a"
    # fix_time.py needs the one profile whose time pprof's merge keeps
    # (several sources may share the minute of the Time: line).
    profile=$(cd "$srcdir/testdata" && python3 - "$here" "${argv[@]}" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
from fix_time import time_nanos

def merged(paths):
    t = 0
    for p in paths:
        if t == 0 or p[1] < t:
            t = p[1]
    return t

srcs, bases = [], []
for a in sys.argv[2:]:
    base = a.startswith(("-base=", "-diff_base="))
    if a.startswith("-"):
        if not base:
            continue
        a = a.split("=", 1)[1]
    if not os.path.isfile(a):
        continue
    try:
        with open(a, "rb") as f:
            t = time_nanos(f.read())
    except Exception:
        continue
    (bases if base else srcs).append((a, t))
t = merged(srcs)
if bases:
    t = merged([("", t), ("", merged(bases))])
print(next((p for p, pt in srcs + bases if pt == t and t != 0), "/dev/null"))
PY
)
    profiles=("$profile")
    (cd "$srcdir/testdata" && TZ=UTC "${GO:-go}" tool pprof "${argv[@]}" </dev/null 2>/dev/null |
        python3 "$here/fix_time.py" "${profiles[@]}") >"$here/expected/$n.out"
    echo "regen-merge: $n"
done
[ "$failed" -eq 0 ]
