#!/usr/bin/env bash
# Build a standalone pprof (the one vendored in the Go toolchain, with the
# real binutils object tool: objdump/nm/addr2line) into DIR/pprof.
#
#   bash tests/list/oracle.sh DIR
#
# `go tool pprof` cannot be the oracle for -disasm/-weblist: cmd/pprof replaces
# pprof's object tool with Go's own disassembler.  This wraps the vendored
# github.com/google/pprof/driver in a ten-line main (no network needed).
# Exit status 77 (skip) when no Go toolchain is available.
set -eu
dir=${1:?usage: oracle.sh DIR}
command -v go >/dev/null 2>&1 || exit 77
goroot=$(go env GOROOT)
vend=$goroot/src/cmd/vendor/github.com
[ -d "$vend/google/pprof/driver" ] || exit 77
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ -x "$dir/pprof" ] && exit 0
src=$dir/oracle-src
rm -rf "$src"
mkdir -p "$src/main"
cp -r "$vend/google/pprof" "$src/pprof"
cp -r "$vend/ianlancetaylor/demangle" "$src/demangle"
chmod -R u+w "$src"
cat >"$src/pprof/go.mod" <<'MOD'
module github.com/google/pprof
go 1.17
require github.com/ianlancetaylor/demangle v0.0.0
replace github.com/ianlancetaylor/demangle => ../demangle
MOD
echo 'module github.com/ianlancetaylor/demangle' >"$src/demangle/go.mod"
cat >"$src/main/go.mod" <<'MOD'
module oracle
go 1.17
require github.com/google/pprof v0.0.0
require github.com/ianlancetaylor/demangle v0.0.0
replace github.com/google/pprof => ../pprof
replace github.com/ianlancetaylor/demangle => ../demangle
MOD
cat >"$src/main/main.go" <<'GO'
package main

import (
	"fmt"
	"os"

	"github.com/google/pprof/driver"
)

func main() {
	if err := driver.PProf(&driver.Options{}); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		os.Exit(2)
	}
}
GO
(cd "$src/main" && GOFLAGS=-mod=mod GOPROXY=off GOWORK=off go build -o "$dir/pprof" .) || exit 77
