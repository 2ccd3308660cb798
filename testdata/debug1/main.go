// Command debug1 writes the mutex and threadcreate profiles of a small
// workload in Go's legacy ?debug=1 text (what net/http/pprof serves at
// /debug/pprof/mutex?debug=1 and /debug/pprof/threadcreate?debug=1, i.e.
// runtime/pprof's Profile.WriteTo(w, 1)), and the same profiles as
// profile.proto (WriteTo(w, 0)) beside them.  Standard library only:
//
//	cd testdata/debug1 && go build -trimpath -o /tmp/debug1 . && /tmp/debug1 .
//
// See testdata/README.md.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	rw    sync.RWMutex
	total [32]byte
	table = map[int]int{}
)

// hash holds mu while it hashes, so that the other workers wait for it.
func hash(n int) {
	buf := make([]byte, 4096)
	for i := 0; i < n; i++ {
		mu.Lock()
		buf[0] = byte(i)
		total = sha256.Sum256(append(buf, total[:]...))
		mu.Unlock()
	}
}

// update takes rw for writing, lookup for reading.
func update(n int) {
	for i := 0; i < n; i++ {
		rw.Lock()
		for k := 0; k < 2000; k++ {
			table[k] += i
		}
		rw.Unlock()
	}
}

func lookup(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		rw.RLock()
		s += table[i%2000]
		rw.RUnlock()
	}
	return s
}

// pinned keeps an OS thread of its own for a while: the runtime starts new
// threads for it (the threadcreate profile).
func pinned(wg *sync.WaitGroup, d time.Duration) {
	defer wg.Done()
	runtime.LockOSThread()
	time.Sleep(d)
}

func write(dir, name string, debug int) {
	file := fmt.Sprintf("%s.debug%d.txt", name, debug)
	if debug == 0 {
		file = name + ".pb.gz" // WriteTo(w, 0) writes gzipped profile.proto
	}
	var buf bytes.Buffer
	if err := pprof.Lookup(name).WriteTo(&buf, debug); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
	if name == "threadcreate" && debug == 1 {
		frames(dir, buf.String())
	}
}

// frames writes threadcreate.frames.debug1.txt: the threadcreate text
// without its records of threads created with an empty stack (a "N @" line
// with no address, then "#\t0x0": threads the runtime starts outside Go code;
// pprof rejects a whole file that has one), its total lowered to match.
func frames(dir, text string) {
	lines := strings.Split(text, "\n")
	var kept []string
	total := 0
	drop := false
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) >= 2 && f[1] == "@" {
			drop = len(f) == 2
			if !drop {
				n, err := strconv.Atoi(f[0])
				if err != nil {
					panic(err)
				}
				total += n
			}
		}
		if !drop {
			kept = append(kept, l)
		}
		if l == "" {
			drop = false
		}
	}
	out := fmt.Sprintf("threadcreate profile: total %d\n", total) + strings.Join(kept, "\n")
	if err := os.WriteFile(filepath.Join(dir, "threadcreate.frames.debug1.txt"), []byte(out), 0o644); err != nil {
		panic(err)
	}
}

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	runtime.SetMutexProfileFraction(1)

	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); hash(300) }()
	}
	wg.Add(4)
	go func() { defer wg.Done(); update(1000) }()
	go func() { defer wg.Done(); update(1000) }()
	go func() { defer wg.Done(); lookup(400000) }()
	go func() { defer wg.Done(); lookup(400000) }()
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go pinned(&wg, 50*time.Millisecond)
	}
	wg.Wait()

	for _, name := range []string{"mutex", "threadcreate"} {
		write(dir, name, 1)
		write(dir, name, 0)
	}
}
