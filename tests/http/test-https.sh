#!/usr/bin/env bash
# HTTPS sources and fetch progress on a terminal (src/fetch.c), end to end.
#
#   tests/http/test-https.sh PROF SRCDIR
#
# Makes a CA, a server certificate for 127.0.0.1 and a client certificate with
# openssl (in a temporary directory, at test time), starts
# tests/http/https_server.py on 127.0.0.1 at a free port, serving
# testdata/work.cpu.pb.gz over HTTPS and requiring a client certificate signed
# by that CA, and checks:
#
#   * -tls_ca + -tls_cert + -tls_key: prints the same -top as the local file;
#   * no client certificate: exit 1, nothing on stdout, one error line;
#   * no -tls_ca (the server's CA is not a system one): exit 1, a certificate
#     verification error; another CA: the same;
#   * https+insecure:// with the client certificate and no CA: works, same -top;
#     without the client certificate: exit 1;
#   * a -tls_ca that does not exist (exit 1), a -tls_cert with another
#     certificate's key (exit 2, a bad flag value): an error naming the flag;
#   * progress: with standard error on a pseudo-terminal (tests/http/pty_stderr.py),
#     `-seconds=2` on /slow/... (answered after 2 s) prints "Fetching profile
#     over HTTP from URL", "Please wait... (2s)" and the seconds left; with
#     standard error not a terminal none of them.
#
# Exit status 0 when every check passes, 77 (skipped) without openssl or
# python3, 1 otherwise.  Loopback only; the server is stopped by its pid on
# exit and also exits by itself (--lifetime).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 PROF SRCDIR" >&2
    exit 1
fi
prof=$1
src=$(cd "$2" && pwd) || exit 1
case "$prof" in
    /*) ;;
    */*) prof=$PWD/$prof ;;
esac

for c in openssl python3; do
    if ! command -v "$c" >/dev/null 2>&1; then
        echo "SKIP: no $c command (Debian package $c)"
        exit 77
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prof-https.XXXXXX") || exit 1
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
# No system or user CA bundle may vouch for the test CA, and none is needed.
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
export PPROF_TMPDIR=$tmp/saved
export TZ=UTC

fails=0
ok() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# ---- certificates ----
pki=$tmp/pki
mkdir -p "$pki"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
mkca() { # NAME
    openssl req -x509 "${ec[@]}" -keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 \
        -subj "/CN=prof test $1" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
mkcert() { # NAME SERIAL EXTENSIONS
    openssl req -new "${ec[@]}" -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=prof test $1" &&
        printf '%s\n' "$3" >"$pki/$1.ext" &&
        openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -set_serial "$2" \
            -days 2 -out "$pki/$1.pem" -extfile "$pki/$1.ext"
}
if ! { mkca ca && mkca otherca &&
    mkcert server 2 $'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth' &&
    mkcert client 3 $'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth'; } >"$tmp/openssl.log" 2>&1; then
    echo "FAIL: openssl could not make the certificates:"
    cat "$tmp/openssl.log"
    exit 1
fi
ok "CA, server and client certificates made with openssl"

# ---- server ----
mkdir -p "$tmp/www"
cp "$src/testdata/work.cpu.pb.gz" "$tmp/www/"
python3 "$src/tests/http/https_server.py" --dir "$tmp/www" --port-file "$tmp/port" \
    --cert "$pki/server.pem" --key "$pki/server.key" --ca "$pki/ca.pem" --lifetime 90 \
    >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    [ -s "$tmp/port" ] && break
    sleep 0.1
done
if [ ! -s "$tmp/port" ]; then
    echo "FAIL: the HTTPS server did not start:"
    cat "$tmp/server.log"
    exit 1
fi
port=$(cat "$tmp/port")
base=https://127.0.0.1:$port
ok "HTTPS server on 127.0.0.1:$port (client certificates required)"

(cd "$src/testdata" && "$prof" -top work.cpu.pb.gz) >"$tmp/local.out" 2>"$tmp/local.err" || {
    echo "FAIL: prof -top work.cpu.pb.gz failed:"
    cat "$tmp/local.err"
    exit 1
}
tls=(-tls_ca="$pki/ca.pem" -tls_cert="$pki/client.pem" -tls_key="$pki/client.key")

# run NAME ARGS...: prof ARGS with stdin /dev/null; $tmp/NAME.{out,err}, $rc.
run() {
    local name=$1
    shift
    "$prof" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
}
# Exit status STATUS, nothing on stdout, one error line `prof: ...` on stderr
# matching the extended regexp RE, no sanitizer report.
expect_error() { # NAME STATUS RE WHAT
    local name=$1 status=$2 re=$3 what=$4 lines
    lines=$(grep -c '^prof: ' "$tmp/$name.err")
    if [ "$rc" -eq "$status" ] && [ ! -s "$tmp/$name.out" ] && [ "$lines" -eq 1 ] &&
        grep -Eq -- "^prof: .*($re)" "$tmp/$name.err" && ! grep -qi 'sanitizer\|runtime error' "$tmp/$name.err"; then
        ok "$what: exit $rc, $(grep '^prof: ' "$tmp/$name.err")"
    else
        fail "$what: exit $rc, expected $status and one line matching /$re/; stdout $(wc -c <"$tmp/$name.out") bytes; stderr:"
        cat "$tmp/$name.err"
    fi
}
expect_same_top() { # NAME WHAT
    if [ "$rc" -eq 0 ] && cmp -s "$tmp/local.out" "$tmp/$1.out"; then
        ok "$2: same -top as the local file"
    else
        fail "$2: exit $rc; stdout differs from the local file's -top:"
        diff -u "$tmp/local.out" "$tmp/$1.out" | head -20
        cat "$tmp/$1.err"
    fi
}

# ---- client certificate and CA ----
run full -top "${tls[@]}" "$base/work.cpu.pb.gz"
expect_same_top full "-tls_ca -tls_cert -tls_key"

run nocert -top -tls_ca="$pki/ca.pem" "$base/work.cpu.pb.gz"
expect_error nocert 1 "127\.0\.0\.1:$port" "no client certificate"

run noca -top -tls_cert="$pki/client.pem" -tls_key="$pki/client.key" "$base/work.cpu.pb.gz"
expect_error noca 1 "certificate problem|certificate verif|unknown authority" "no -tls_ca (certificate verification)"

run otherca -top -tls_ca="$pki/otherca.pem" -tls_cert="$pki/client.pem" -tls_key="$pki/client.key" \
    "$base/work.cpu.pb.gz"
expect_error otherca 1 "certificate problem|certificate verif|unknown authority" "-tls_ca of another CA (certificate verification)"

run insecure -top -tls_cert="$pki/client.pem" -tls_key="$pki/client.key" \
    "https+insecure://127.0.0.1:$port/work.cpu.pb.gz"
expect_same_top insecure "https+insecure:// with a client certificate, no CA"

run insecure_nocert -top "https+insecure://127.0.0.1:$port/work.cpu.pb.gz"
expect_error insecure_nocert 1 "127\.0\.0\.1:$port" "https+insecure:// without a client certificate"

run badca -top -tls_ca="$tmp/missing.pem" -tls_cert="$pki/client.pem" -tls_key="$pki/client.key" \
    "$base/work.cpu.pb.gz"
expect_error badca 1 "-tls_ca" "a -tls_ca that does not exist"

run badkey -top -tls_ca="$pki/ca.pem" -tls_cert="$pki/client.pem" -tls_key="$pki/server.key" \
    "$base/work.cpu.pb.gz"
# A key pair that does not load is a bad flag value: status 2 (usage), as for
# -tls_key without -tls_cert.
expect_error badkey 2 "-tls_cert and -tls_key" "-tls_key of another certificate"

# ---- progress on a terminal ----
url="$base/slow/work.cpu.pb.gz?seconds=2"
python3 "$src/tests/http/pty_stderr.py" 30 "$tmp/tty.out" "$tmp/tty.err" \
    "$prof" -top -seconds=2 "${tls[@]}" "$base/slow/work.cpu.pb.gz"
rc=$?
tty_err=$(tr -d '\r' <"$tmp/tty.err")
if [ "$rc" -eq 0 ] && cmp -s "$tmp/local.out" "$tmp/tty.out"; then
    ok "stderr on a terminal: the report is unchanged"
else
    fail "stderr on a terminal: exit $rc or stdout differs; stderr:"
    cat -v "$tmp/tty.err"
fi
if grep -qxF "Fetching profile over HTTP from $url" <<<"$tty_err" &&
    grep -qxF "Please wait... (2s)" <<<"$tty_err"; then
    ok "terminal: 'Fetching profile over HTTP from $url', 'Please wait... (2s)'"
else
    fail "terminal: no 'Fetching profile over HTTP from $url' / 'Please wait... (2s)' line; stderr:"
    cat -v "$tmp/tty.err"
fi
# The countdown: "\rNs left " each time the seconds left change, from 2 down.
if grep -q $'\r2s left ' "$tmp/tty.err" && grep -q $'\r1s left ' "$tmp/tty.err"; then
    ok "terminal: seconds left shown ($(grep -o '[0-9]s left' "$tmp/tty.err" | tr '\n' ' '))"
else
    fail "terminal: no '2s left' and '1s left'; stderr:"
    cat -v "$tmp/tty.err"
fi

run notty -top -seconds=2 "${tls[@]}" "$base/slow/work.cpu.pb.gz"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/local.out" "$tmp/notty.out" &&
    ! grep -q 'Fetching profile\|Please wait\|s left' "$tmp/notty.err"; then
    ok "stderr not a terminal: no progress ($(wc -l <"$tmp/notty.err") stderr lines)"
else
    fail "stderr not a terminal: exit $rc, or progress printed; stderr:"
    cat -v "$tmp/notty.err"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all HTTPS checks passed"
exit 0
