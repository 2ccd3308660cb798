#!/usr/bin/env bash
# End-to-end test of URL sources (src/fetch.c) against a real Go web service.
#
#   tests/http/test-http.sh PROF SRCDIR
#
# Builds tests/http/server and tests/http/load with the installed Go (standard
# library only: GOFLAGS=-mod=mod, GOPROXY=off, no network), starts the service
# on 127.0.0.1 at a free port (it writes the port to a file) and a broken
# server (404s, bodies cut short, an HTML page, an empty body), then checks:
#
#   * `prof -top -seconds=2 http://.../debug/pprof/profile` while a client
#     loads /work: main.hotHandler is among the top functions, and the
#     profile is saved as $PPROF_TMPDIR/pprof.server.samples.cpu.001.pb.gz
#     ("Saved profile in ..." on stderr) and loads again;
#   * /debug/pprof/heap (main.retain), /debug/pprof/goroutine through the
#     host:port shorthand (main.idleWorker), the heap's ?debug=1 text (names
#     from its comments), -base with URLs, a URL mixed with a file;
#   * remote symbolization (symbolz) of the server's unsymbolized profiles of
#     itself (server/raw.go): names from /debug/pprof/symbol, /symbolz and
#     gperftools' /pprof/symbol, one request, none with -symbolize=local,
#     fastlocal or none nor for a Go profile, the saved copy symbolized, local
#     symbolization first (a missing binary, the server's own executable),
#     junk answers; the same reports as go tool pprof on the same URLs;
#   * errors: pprof's own 404 (with its message), another server's 404 with
#     the first line of its body, truncated bodies (Content-Length and
#     chunked), an HTML page, an empty body, a refused connection, -timeout,
#     -tls_key without -tls_cert; a symbol handler that is missing, answers a
#     65-bit address or never answers (-timeout).
#
# Exit status 0 when every check passes, 77 (skipped) when Go is missing or
# prof was built without libcurl, 1 otherwise.  Every process started here is
# stopped by its pid on exit; the servers also exit by themselves (-lifetime).
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

if ! command -v go >/dev/null 2>&1; then
    echo "SKIP: no go command (Debian package golang-go)"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prof-http.XXXXXX") || exit 1
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# The servers are on 127.0.0.1: no proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export PPROF_TMPDIR=$tmp/saved
export TZ=UTC

fails=0
ok() { echo "ok: $*"; }
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# ---- build ----
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
if [ -z "$(go env GOCACHE 2>/dev/null)" ] || [ "$(go env GOCACHE 2>/dev/null)" = off ]; then
    export GOCACHE=$tmp/gocache
fi
if ! (cd "$src/tests/http" && go build -o "$tmp/server" ./server && go build -o "$tmp/load" ./load) \
    >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log"
    echo "FAIL: cannot build the Go programs"
    exit 1
fi

# ---- servers ----
start_server() { # MODE PORTFILE
    "$tmp/server" -mode "$1" -portfile "$2" -lifetime 2m >"$2.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        [ -s "$2" ] && return 0
        sleep 0.05
    done
    echo "FAIL: the $1 server did not start"
    cat "$2.log"
    exit 1
}
start_server pprof "$tmp/port"
start_server broken "$tmp/port.broken"
port=$(cat "$tmp/port")
bport=$(cat "$tmp/port.broken")
base=http://127.0.0.1:$port
broken=http://127.0.0.1:$bport

# run NAME ARGS...: prof's stdout, stderr and status in $tmp/NAME.{out,err,rc}
run() {
    local name=$1
    shift
    "$prof" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
}
rc() { cat "$tmp/$1.rc"; }
show() {
    echo "--- stdout of $1:"
    head -n 20 "$tmp/$1.out"
    echo "--- stderr of $1:"
    head -n 20 "$tmp/$1.err"
}

run probe -top "$broken/empty"
if grep -q "built without libcurl" "$tmp/probe.err"; then
    echo "SKIP: prof was built without libcurl"
    exit 77
fi

# ---- CPU profile under load ----
"$tmp/load" -url "$base/work" -duration 4s -workers 4 >"$tmp/load.log" 2>&1 &
loadpid=$!
pids+=($loadpid)
run cpu -top -seconds=2 "$base/debug/pprof/profile"
wait "$loadpid"
if [ "$(rc cpu)" = 0 ] && grep -q '^Type: cpu$' "$tmp/cpu.out" &&
    sed -n '/flat%/,$p' "$tmp/cpu.out" | head -n 6 | grep -q 'main\.hotHandler$'; then
    ok "-seconds=2 CPU profile: main.hotHandler in the top functions"
else
    fail "CPU profile under load"
    show cpu
    cat "$tmp/load.log"
fi
saved=$PPROF_TMPDIR/pprof.server.samples.cpu.001.pb.gz
if grep -qx "Saved profile in $saved" "$tmp/cpu.err" && [ -s "$saved" ]; then
    ok "saved as $saved"
else
    fail "the fetched profile is not saved as $saved"
    show cpu
    ls -l "$PPROF_TMPDIR" 2>&1
fi
run reload -top "$saved"
if [ "$(rc reload)" = 0 ] && grep -q 'main\.hotHandler$' "$tmp/reload.out"; then
    ok "the saved profile loads"
else
    fail "the saved profile does not load"
    show reload
fi
if grep -q 'Fetching profile over HTTP' "$tmp/cpu.err"; then
    fail "progress printed although stderr is not a terminal"
    show cpu
else
    ok "no progress lines when stderr is not a terminal"
fi

# ---- heap, goroutine (host:port shorthand), debug=1 text ----
run heap -top "$base/debug/pprof/heap"
if [ "$(rc heap)" = 0 ] && grep -q '^Type: inuse_space$' "$tmp/heap.out" && grep -q 'main\.retain$' "$tmp/heap.out"; then
    ok "/debug/pprof/heap: main.retain"
else
    fail "/debug/pprof/heap"
    show heap
fi
run goroutine -top "127.0.0.1:$port/debug/pprof/goroutine"
if [ "$(rc goroutine)" = 0 ] && grep -q '^Type: goroutine$' "$tmp/goroutine.out" &&
    grep -q 'main\.idleWorker$' "$tmp/goroutine.out"; then
    ok "host:port/debug/pprof/goroutine: main.idleWorker"
else
    fail "host:port shorthand for /debug/pprof/goroutine"
    show goroutine
fi
if grep -qx "Saved profile in $PPROF_TMPDIR/pprof.server.goroutine.001.pb.gz" "$tmp/goroutine.err"; then
    ok "goroutine profile saved with pprof's name"
else
    fail "goroutine profile not saved as pprof.server.goroutine.001.pb.gz"
    show goroutine
fi
run debug1 -top "$base/debug/pprof/heap?debug=1"
if [ "$(rc debug1)" = 0 ] && grep -q 'main\.retain$' "$tmp/debug1.out"; then
    ok "/debug/pprof/heap?debug=1 (legacy text): functions named from its comments"
else
    fail "/debug/pprof/heap?debug=1"
    show debug1
fi
run diffbase -top -base "$base/debug/pprof/heap" "$base/debug/pprof/heap"
if [ "$(rc diffbase)" = 0 ] && grep -q '^Type: inuse_space$' "$tmp/diffbase.out"; then
    ok "-base with URLs"
else
    fail "-base with URLs"
    show diffbase
fi
run mixed -top "$base/debug/pprof/heap" "$PPROF_TMPDIR/pprof.server.alloc_objects.alloc_space.inuse_objects.inuse_space.001.pb.gz"
if [ "$(rc mixed)" = 0 ] && grep -q 'main\.retain$' "$tmp/mixed.out"; then
    ok "a URL and a file merged"
else
    fail "a URL and a file merged"
    show mixed
fi

# ---- remote symbolization (symbolz) ----
# The server's unsymbolized profiles of itself (tests/http/server/raw.go):
# only its symbol handlers can name main.rawLeafAlpha and the others.
symreq() { curl -s --max-time 5 "$base/stats/symbol-requests"; }
# sym NAME WANT_REQUESTS ARGS...: run prof, check how many symbol requests it made
sym() {
    local name=$1 want=$2 before after
    shift 2
    before=$(symreq)
    run "$name" "$@"
    after=$(symreq)
    if [ "$((after - before))" != "$want" ]; then
        fail "$name: $((after - before)) symbol request(s), want $want"
        show "$name"
        return 1
    fi
}
raw=$base/debug/pprof/rawprofile
raw_names='main\.rawLeafAlpha$\|main\.rawLeafBeta$\|main\.rawMiddle$\|main\.rawTop$'
named() { [ "$(grep -c "$raw_names" "$tmp/$1.out")" = 4 ]; }
if sym symz 1 -top "$raw" && [ "$(rc symz)" = 0 ] && named symz &&
    [ "$(grep -cv '^Saved profile in ' "$tmp/symz.err")" = 0 ]; then
    ok "unsymbolized profile from a URL: one POST to /debug/pprof/symbol names main.rawLeafAlpha & co"
else
    fail "remote symbolization of $raw"
    show symz
fi
saved=$PPROF_TMPDIR/pprof.samples.001.pb.gz
if grep -qx "Saved profile in $saved" "$tmp/symz.err" && sym symzsaved 0 -top "$saved" && named symzsaved; then
    ok "the profile is saved symbolized: it names them again without the server"
else
    fail "the saved profile is not symbolized ($saved)"
    show symz
    show symzsaved
fi
for mode in local fastlocal none; do
    if sym "symz$mode" 0 -top -symbolize=$mode "$raw" && [ "$(rc "symz$mode")" = 0 ] &&
        ! grep -q 'main\.raw' "$tmp/symz$mode.out" && grep -q '<unknown>' "$tmp/symz$mode.out"; then
        ok "-symbolize=$mode: the symbol handler is not asked"
    else
        fail "-symbolize=$mode"
        show "symz$mode"
    fi
done
if sym symzremote 1 -top -symbolize=remote "$raw" && named symzremote; then
    ok "-symbolize=remote"
else
    fail "-symbolize=remote"
fi
if sym symzmissing 1 -top "$raw?file=missing" && named symzmissing &&
    grep -qx 'Local symbolization failed for server: open /nonexistent/prof-test/server: no such file or directory' \
        "$tmp/symzmissing.err"; then
    ok "a binary that is not here: local symbolization fails, then the server names its functions"
else
    fail "remote symbolization after local symbolization failed"
    show symzmissing
fi
if sym symzself 1 -top -symbolize=remote "$raw?file=self" && named symzself &&
    sym symzselflocal 0 -top -symbolize=local "$raw?file=self" && grep -q 'main\.rawLeafAlpha$' "$tmp/symzselflocal.out"; then
    ok "the server's own executable: named locally with -symbolize=local, remotely with -symbolize=remote"
else
    fail "file=self"
fi
if sym symzapp 1 -top "$base/app/rawprofile" && named symzapp && sym symzgperf 1 -top "$base/gperf/pprof/heap" &&
    named symzgperf; then
    ok "symbol handlers at /symbolz (any other path) and /gperf/pprof/symbol (gperftools' /pprof/heap)"
else
    fail "/symbolz or gperftools' /pprof/symbol"
fi
if sym symzheap 0 -top "$base/debug/pprof/heap" && [ "$(rc symzheap)" = 0 ]; then
    ok "a Go profile (functions already named): the symbol handler is not asked"
else
    fail "a Go heap profile asked for symbols"
fi
if sym symzgarbage 1 -top "$base/garbage/debug/pprof/rawprofile" && [ "$(rc symzgarbage)" = 0 ] &&
    ! grep -q 'main\.' "$tmp/symzgarbage.out" && grep -q '<unknown>' "$tmp/symzgarbage.out"; then
    ok "a symbol handler answering junk: nothing named, no error (as pprof)"
else
    fail "junk from the symbol handler"
    show symzgarbage
fi
# Compare with go tool pprof where both print the same report.
if PPROF_TMPDIR=$tmp/saved-pprof go tool pprof -top "$raw" >"$tmp/gopprof.out" 2>"$tmp/gopprof.err" &&
    grep -q 'main\.rawLeafAlpha' "$tmp/gopprof.out"; then
    same=0 diffs=""
    for args in "-top|$raw" "-top -symbolize=remote|$raw?file=missing" "-top -symbolize=none|$raw" "-traces|$raw" \
        "-top -cum|$base/app/rawprofile|$raw?file=missing" "-top|$base/gperf/pprof/heap" \
        "-top|$base/garbage/debug/pprof/rawprofile" "-top -base|$raw|$raw?file=missing"; do
        IFS='|' read -r -a words <<<"$args"
        read -r -a flags <<<"${words[0]}"
        "$prof" "${flags[@]}" "${words[@]:1}" >"$tmp/cmp.prof" 2>/dev/null
        PPROF_TMPDIR=$tmp/saved-pprof go tool pprof "${flags[@]}" "${words[@]:1}" >"$tmp/cmp.pprof" 2>/dev/null
        if cmp -s "$tmp/cmp.prof" "$tmp/cmp.pprof"; then
            same=$((same + 1))
        else
            diffs="$diffs [$args]"
            diff "$tmp/cmp.prof" "$tmp/cmp.pprof" | head -n 10
        fi
    done
    if [ -z "$diffs" ]; then
        ok "same reports as go tool pprof on the same URLs ($same cases)"
    else
        fail "reports differ from go tool pprof's:$diffs"
    fi
else
    echo "note: go tool pprof does not run here; reports not compared"
fi

# ---- errors ----
expect_error() { # NAME PATTERN ARGS...
    local name=$1 pattern=$2
    shift 2
    run "$name" "$@"
    if [ "$(rc "$name")" != 0 ] && [ ! -s "$tmp/$name.out" ] && grep -q -- "$pattern" "$tmp/$name.err" &&
        ! grep -qi 'sanitizer\|runtime error' "$tmp/$name.err"; then
        ok "$name: $(head -n 1 "$tmp/$name.err")"
    else
        fail "$name: want status != 0 and stderr matching: $pattern"
        show "$name"
    fi
}
expect_error pprof404 "server response: 404 Not Found - Unknown profile" -top "$base/debug/pprof/nosuch"
expect_error notfound "server response: 404 Not Found - no profile at /nothing$" -top "$broken/nothing"
expect_error truncated "truncated response: .* after 1000 of 100000 bytes" -top "$broken/truncate"
expect_error chunked "truncated response" -top "$broken/truncate-chunked"
expect_error html "HTML page" -top "$broken/html"
expect_error empty "empty response" -top "$broken/empty"
expect_error refused "http fetch: " -top "http://127.0.0.1:1/debug/pprof/heap"
expect_error tlskey "-tls_key is specified, so -tls_cert must also be specified" -top -tls_key=k.pem "$base/debug/pprof/heap"
start=$(date +%s)
expect_error timeout "no complete response within 6s" -top -timeout=1 "$broken/hang"
if [ $(($(date +%s) - start)) -le 15 ]; then
    ok "-timeout=1 gives up within the timeout plus pprof's 5 s"
else
    fail "-timeout=1 took too long"
fi
# Remote symbolization that fails fails the command, as in pprof.
expect_error symz404 "^prof: http post $base/nosym/debug/pprof/symbol: server response: 404 Not Found" \
    -top "$base/nosym/debug/pprof/rawprofile"
expect_error symzoverflow '^prof: unexpected parse failure 0x10000000000000000: strconv.ParseUint: parsing "0x10000000000000000": value out of range$' \
    -top "$base/overflow/debug/pprof/rawprofile"
start=$(date +%s)
expect_error symztimeout "^prof: http post $base/slow/debug/pprof/symbol: no complete response within 6s" \
    -top -timeout=1 "$base/slow/debug/pprof/rawprofile"
if [ $(($(date +%s) - start)) -le 15 ]; then
    ok "-timeout=1 bounds the symbol request too"
else
    fail "the symbol request took too long with -timeout=1"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all HTTP checks passed"
