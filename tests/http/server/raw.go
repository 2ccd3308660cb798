// Unsymbolized profiles of the server itself, for remote symbolization
// (pprof's symbolz: the client POSTs addresses to the symbol handler next to
// the profile and gets "0x<address> <name>" lines back).
//
// At start-up the server records, with runtime.Callers, the stacks of two
// known call chains (main.rawTop -> main.rawMiddle -> main.rawLeafAlpha or
// main.rawLeafBeta, called from main.main) and builds a profile.proto by
// hand: locations with addresses only (the return addresses minus one), a
// mapping of the executable without has_functions, and no Function at all.
// So only the server can name its frames: net/http/pprof's /debug/pprof/symbol
// answers with runtime.FuncForPC.  The profile also has a location at an
// address no function covers (0x10), one in a "[vdso]" mapping (never sent:
// such mappings cannot be symbolized) and one in a mapping that is already
// symbolized (function already.Named, never sent either).
//
// ?file= sets the executable mapping's file: "" (the default: pprof puts the
// URL there and asks the server), "missing" (a file that does not exist:
// local symbolization fails, then the server names it) or "self" (this very
// executable: local symbolization finds it).
//
// The profile is served at several paths, to check which symbol handler a
// client derives from the profile's URL and what it does with bad ones:
//
//	/debug/pprof/rawprofile          symbols at /debug/pprof/symbol (net/http/pprof)
//	/app/rawprofile                  at /symbolz (served here by net/http/pprof's handler)
//	/gperf/pprof/heap                at /gperf/pprof/symbol (gperftools' layout)
//	/nosym/debug/pprof/rawprofile    /nosym/debug/pprof/symbol is a 404
//	/garbage/debug/pprof/rawprofile  /garbage/debug/pprof/symbol answers junk (status 200)
//	/overflow/debug/pprof/rawprofile /overflow/debug/pprof/symbol answers a 65-bit address
//	/slow/debug/pprof/rawprofile     /slow/debug/pprof/symbol never answers
//
// /stats/symbol-requests says how many requests the symbol handlers got (any method),
// so a test can tell whether a client asked.
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

var (
	rawAlpha, rawBeta []uintptr // the recorded stacks, leaf first
	symbolRequests    int64
)

//go:noinline
func rawLeafAlpha(pcs []uintptr) int { return runtime.Callers(1, pcs) }

//go:noinline
func rawLeafBeta(pcs []uintptr) int { return runtime.Callers(1, pcs) }

//go:noinline
func rawMiddle(pcs []uintptr, which int) int {
	if which == 0 {
		return rawLeafAlpha(pcs)
	}
	return rawLeafBeta(pcs)
}

//go:noinline
func rawTop(pcs []uintptr, which int) int { return rawMiddle(pcs, which) }

// recordRawStacks runs the two chains; called from main.main.
func recordRawStacks() {
	pcs := make([]uintptr, 64)
	rawAlpha = append([]uintptr(nil), pcs[:rawTop(pcs, 0)]...)
	rawBeta = append([]uintptr(nil), pcs[:rawTop(pcs, 1)]...)
}

// pb is a minimal protocol buffers encoder.
type pb struct{ b []byte }

func (e *pb) varint(x uint64) {
	for x >= 0x80 {
		e.b = append(e.b, byte(x)|0x80)
		x >>= 7
	}
	e.b = append(e.b, byte(x))
}

func (e *pb) uint(field int, x uint64) {
	if x != 0 {
		e.varint(uint64(field) << 3)
		e.varint(x)
	}
}

func (e *pb) bytes(field int, b []byte) {
	e.varint(uint64(field)<<3 | 2)
	e.varint(uint64(len(b)))
	e.b = append(e.b, b...)
}

func (e *pb) msg(field int, fill func(m *pb)) {
	var m pb
	fill(&m)
	e.bytes(field, m.b)
}

// textSegment is the executable's mapping that holds code, from /proc/self/maps.
func textSegment() (start, limit, offset uint64) {
	exe, _ := os.Executable()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var lo, hi, off uint64
		var perm, dev, path string
		var inode int64
		n, _ := fmt.Sscanf(sc.Text(), "%x-%x %s %x %s %d %s", &lo, &hi, &perm, &off, &dev, &inode, &path)
		if n == 7 && path == exe && strings.Contains(perm, "x") {
			return lo, hi, off
		}
	}
	return 0, 0, 0
}

// rawProfile encodes the profile with the executable's mapping named file.
func rawProfile(file string) []byte {
	strs := []string{""}
	str := func(s string) uint64 {
		for i, t := range strs {
			if t == s {
				return uint64(i)
			}
		}
		strs = append(strs, s)
		return uint64(len(strs) - 1)
	}
	var p pb
	p.msg(1, func(m *pb) { m.uint(1, str("samples")); m.uint(2, str("count")) })

	// Locations: one per distinct address (a return address minus one).
	type loc struct{ id, mapping, addr uint64 }
	var locs []loc
	locID := func(mapping, addr uint64) uint64 {
		for _, l := range locs {
			if l.mapping == mapping && l.addr == addr {
				return l.id
			}
		}
		locs = append(locs, loc{uint64(len(locs) + 1), mapping, addr})
		return uint64(len(locs))
	}
	sample := func(value uint64, ids ...uint64) {
		p.msg(2, func(m *pb) {
			for _, id := range ids {
				m.uint(1, id)
			}
			m.uint(2, value)
		})
	}
	stack := func(pcs []uintptr) []uint64 {
		var ids []uint64
		for _, pc := range pcs {
			ids = append(ids, locID(1, uint64(pc)-1))
		}
		return ids
	}
	sample(300, stack(rawAlpha)...)
	sample(200, stack(rawBeta)...)
	sample(50, append([]uint64{locID(1, 0x10)}, stack(rawAlpha[1:])...)...)
	sample(20, append([]uint64{locID(2, 0x7fff00000100)}, stack(rawBeta[1:])...)...)
	sample(10, append([]uint64{locID(3, 0x7ffe00000200)}, stack(rawBeta[1:])...)...)

	start, limit, offset := textSegment()
	p.msg(3, func(m *pb) {
		m.uint(1, 1)
		m.uint(2, start)
		m.uint(3, limit)
		m.uint(4, offset)
		m.uint(5, str(file))
	})
	p.msg(3, func(m *pb) {
		m.uint(1, 2)
		m.uint(2, 0x7fff00000000)
		m.uint(3, 0x7fff00002000)
		m.uint(5, str("[vdso]"))
	})
	p.msg(3, func(m *pb) {
		m.uint(1, 3)
		m.uint(2, 0x7ffe00000000)
		m.uint(3, 0x7ffe00001000)
		m.uint(5, str("/opt/already/symbolized.so"))
		m.uint(7, 1) // has_functions
	})
	for _, l := range locs {
		l := l
		p.msg(4, func(m *pb) {
			m.uint(1, l.id)
			m.uint(2, l.mapping)
			m.uint(3, l.addr)
			if l.mapping == 3 {
				m.msg(4, func(line *pb) { line.uint(1, 1); line.uint(2, 7) })
			}
		})
	}
	p.msg(5, func(m *pb) {
		m.uint(1, 1)
		m.uint(2, str("already.Named"))
		m.uint(3, str("already.Named"))
		m.uint(4, str("already.c"))
	})
	p.msg(11, func(m *pb) { m.uint(1, str("samples")); m.uint(2, str("count")) })
	p.uint(12, 1)
	for _, s := range strs {
		p.bytes(6, []byte(s))
	}
	return p.b
}

func rawHandler(w http.ResponseWriter, r *http.Request) {
	file := r.URL.Query().Get("file")
	switch file {
	case "missing":
		file = "/nonexistent/prof-test/server"
	case "self":
		file, _ = os.Executable()
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(rawProfile(file))
}

// countSymbols counts the requests of the symbol handlers in front of h.
func countSymbols(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/symbol") || r.URL.Path == "/symbolz" {
			atomic.AddInt64(&symbolRequests, 1)
		}
		h.ServeHTTP(w, r)
	})
}

func registerRaw(mux *http.ServeMux) {
	for _, path := range []string{"/debug/pprof/rawprofile", "/app/rawprofile", "/gperf/pprof/heap",
		"/nosym/debug/pprof/rawprofile", "/garbage/debug/pprof/rawprofile", "/overflow/debug/pprof/rawprofile",
		"/slow/debug/pprof/rawprofile"} {
		mux.HandleFunc(path, rawHandler)
	}
	mux.HandleFunc("/symbolz", pprof.Symbol)
	mux.HandleFunc("/gperf/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/garbage/debug/pprof/symbol", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><body>no symbols here\n0xZZZ not.hex\n\x00\xff\xfe binary junk\n",
			"0x1 main.notInTheProfile\n</body></html>\n0x10 main.unterminated")
	})
	mux.HandleFunc("/overflow/debug/pprof/symbol", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "num_symbols: 1\n0x10000000000000000 main.tooBig\n")
	})
	mux.HandleFunc("/slow/debug/pprof/symbol", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Second)
	})
	mux.HandleFunc("/stats/symbol-requests", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d\n", atomic.LoadInt64(&symbolRequests))
	})
}
