#!/usr/bin/env bash
# The crunch.cpu.prof reports that name this machine's libc frames
# (tests/symbolize/cases-libc.tsv), checked only where they can hold: the libc
# at the profile's mapping path must be the one the profile was recorded with
# and its debug file must be installed (Debian: libc6-dbg).  Exit 77 (skip)
# otherwise.
#
#   tests/symbolize/libc.sh PROF SRCDIR
set -u
prof=$1
srcdir=$(cd "$2" && pwd)
here=$srcdir/tests/symbolize
libc=/usr/lib/x86_64-linux-gnu/libc.so.6
id=93ac61ec5a8eb1396f9fbd350e3169a558528a40
debug=/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
if [ ! -r "$libc" ] || ! python3 - "$libc" "$id" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
ok = False
shoff, = struct.unpack_from("<Q", d, 0x28)
shentsize, shnum = struct.unpack_from("<HH", d, 0x3A)
for i in range(shnum):
    sh = struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize)
    if sh[1] == 7 and sh[5] >= 36:
        off = sh[4]
        namesz, descsz, ntype = struct.unpack_from("<III", d, off)
        if ntype == 3 and d[off + 12:off + 15] == b"GNU":
            ok = d[off + 16:off + 16 + descsz].hex() == sys.argv[2]
sys.exit(0 if ok else 1)
PY
then
    echo "skip: $libc is not the libc crunch.cpu.prof was recorded with (build id $id)"
    exit 77
fi
if [ ! -r "$debug" ]; then
    echo "skip: no $debug (install libc6-dbg)"
    exit 77
fi
exec bash "$here/golden.sh" check "$prof" "$srcdir" "$here/cases-libc.tsv"
