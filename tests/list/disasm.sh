#!/usr/bin/env bash
# -disasm, -list and -weblist on a real binary, compared with pprof.
#
#   bash tests/list/disasm.sh PROF
#
# Builds tests/list/prog.c twice (cc -O1 -g, PIE and -no-pie), writes a CPU
# profile for each with mkprof.py (samples inside the functions, a mapping
# naming the binary), builds the reference pprof with oracle.sh, and runs
# every case below through both, with the default object tools (llvm-objdump
# when installed) and with GNU objdump/nm forced through PPROF_TOOLS.  Stdout
# and the exit status (0 or not) must match.  -weblist pages are compared from
# the legend on (prof has its own page head), without the Time: line (prof
# prints current pprof's layout), on profiles whose mapping starts at file
# offset 0 (the vendored pprof mishandles samples less than 500 bytes above
# a mapping's start).  Exit 77 (skip) without cc, binutils or Go.
set -u
here=$(cd "$(dirname "$0")" && pwd)
prof=${1:?usage: disasm.sh PROF}
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
esac
for t in cc python3 nm objdump addr2line; do
    command -v "$t" >/dev/null 2>&1 || { echo "skip: no $t"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/list-disasm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
oracle_dir=${PROF_ORACLE_DIR:-$tmp/oracle}
bash "$here/oracle.sh" "$oracle_dir"
rc=$?
[ $rc -eq 77 ] && { echo "skip: cannot build the reference pprof"; exit 77; }
[ $rc -ne 0 ] && exit 1
pprof=$oracle_dir/pprof

cc -O1 -g -o "$tmp/pie" "$here/prog.c" || exit 1
cc -O1 -g -no-pie -o "$tmp/nopie" "$here/prog.c" || exit 1
python3 "$here/mkprof.py" "$tmp/pie" "$tmp/pie.pb.gz" || exit 1
python3 "$here/mkprof.py" "$tmp/nopie" "$tmp/nopie.pb.gz" || exit 1
python3 "$here/mkprof.py" "$tmp/pie" "$tmp/piew.pb.gz" whole || exit 1
python3 "$here/mkprof.py" "$tmp/nopie" "$tmp/nopiew.pb.gz" whole || exit 1
# A profile whose binary is missing, and one whose binary is not ELF.
python3 - "$tmp" <<'PY' || exit 1
import gzip, sys
d = sys.argv[1]
raw = gzip.decompress(open(d + "/pie.pb.gz", "rb").read())
# Same length as the original name, so no length prefix changes.
for name, target in (("missing", d + "/mis"), ("notelf", d + "/not")):
    open(d + "/" + name + ".pb.gz", "wb").write(gzip.compress(raw.replace((d + "/pie").encode(), target.encode())))
# The binary named on the command line instead: the mapping names another path.
raw = gzip.decompress(open(d + "/nopie.pb.gz", "rb").read())
open(d + "/elsewhere.pb.gz", "wb").write(gzip.compress(raw.replace((d + "/nopie").encode(), (d + "/nopiX").encode())))
PY
printf 'not an object file\n' >"$tmp/not"
mkdir -p "$tmp/gnu" "$tmp/objdump-only"
ln -s "$(command -v objdump)" "$tmp/gnu/objdump"
ln -s "$(command -v nm)" "$tmp/gnu/nm"
ln -s "$(command -v addr2line)" "$tmp/gnu/addr2line"
ln -s "$(command -v objdump)" "$tmp/objdump-only/objdump"

cases=(
    "-disasm=."
    "-disasm=main"
    "-disasm=leaf_sum"
    "-disasm=alias"
    "-disasm=hidden -unit=ms"
    "-disasm=leaf -intel_syntax"
    "-disasm=. -mean"
    "-disasm=. -divide_by=7"
    "-disasm=hidden -focus=leaf_sum"
    "-disasm=main -hide=copy"
    "-disasm=. -sample_index=samples"
    "-disasm=nosuchsymbol"
    "-disasm=prog.c"
    "-disasm=0x4011cb"
    "-disasm=0x4011d0"
    "-disasm=0x1"
    "-list=."
    "-list=leaf"
    "-list=mix"
    "-list=. -noinlines"
    "-list=main -trim_path=/nonexistent"
)
pass=0
fail=0
for tools in "" "$tmp/gnu"; do
    for f in pie nopie missing notelf; do
        for c in "${cases[@]}"; do
            read -ra args <<<"$c"
            (cd "$tmp" && PPROF_TOOLS=$tools "$prof" -symbolize=none "${args[@]}" "$f.pb.gz" >"$tmp/got" 2>"$tmp/got.err")
            prc=$?
            (cd "$tmp" && PPROF_TOOLS=$tools "$pprof" -symbolize=none "${args[@]}" "$f.pb.gz" >"$tmp/want" 2>/dev/null)
            orc=$?
            if cmp -s "$tmp/got" "$tmp/want" && { [ $prc -eq 0 ] && [ $orc -eq 0 ] || { [ $prc -ne 0 ] && [ $orc -ne 0 ]; }; }; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL: PPROF_TOOLS=$tools prof -symbolize=none $c $f.pb.gz (status $prc, pprof $orc)"
                diff "$tmp/got" "$tmp/want" | head -20
                head -5 "$tmp/got.err"
            fi
        done
    done
done
# The binary given before the profile on the command line.
for c in "-disasm=." "-disasm=alias" "-list=leaf" "-disasm=0x4011cb"; do
    read -ra args <<<"$c"
    (cd "$tmp" && "$prof" -symbolize=none "${args[@]}" nopie elsewhere.pb.gz >"$tmp/got" 2>"$tmp/got.err")
    prc=$?
    (cd "$tmp" && "$pprof" -symbolize=none "${args[@]}" nopie elsewhere.pb.gz >"$tmp/want" 2>/dev/null)
    orc=$?
    if cmp -s "$tmp/got" "$tmp/want" && [ $prc -eq 0 ] && [ $orc -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: prof -symbolize=none $c nopie elsewhere.pb.gz (status $prc, pprof $orc)"
        diff "$tmp/got" "$tmp/want" | head -20
        head -5 "$tmp/got.err"
    fi
done

weblist=(
    "-weblist=."
    "-weblist=leaf"
    "-weblist=mix"
    "-weblist=hidden -mean"
    "-weblist=prog.c -unit=ms"
    "-weblist=main -focus=copy"
    "-weblist=nosuchsymbol"
)
body() { sed -n '/<div class="legend">/,$p' "$1" 2>/dev/null | grep -v '^Time: '; }
for tools in "" "$tmp/gnu" "$tmp/objdump-only"; do
    # (Not on missing.pb.gz: without the binary pprof's page depends on Go's map order.)
    for f in piew nopiew; do
        for c in "${weblist[@]}"; do
            read -ra args <<<"$c"
            rm -f "$tmp/got.html" "$tmp/want.html"
            (cd "$tmp" && PPROF_TOOLS=$tools "$prof" -symbolize=none "${args[@]}" -output=got.html "$f.pb.gz" \
                >/dev/null 2>"$tmp/got.err")
            prc=$?
            (cd "$tmp" && PPROF_TOOLS=$tools "$pprof" -symbolize=none "${args[@]}" -output=want.html "$f.pb.gz" \
                >/dev/null 2>&1)
            orc=$?
            if [ "$(body "$tmp/got.html")" = "$(body "$tmp/want.html")" ] &&
                { [ $prc -eq 0 ] && [ $orc -eq 0 ] || { [ $prc -ne 0 ] && [ $orc -ne 0 ]; }; }; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                echo "FAIL: PPROF_TOOLS=$tools prof -symbolize=none $c $f.pb.gz (status $prc, pprof $orc)"
                diff <(body "$tmp/got.html") <(body "$tmp/want.html") | head -20
                head -5 "$tmp/got.err"
            fi
        done
    done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
