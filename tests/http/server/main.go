// Command server is the profiled service of prof's HTTP test (tests/http).
//
// With -mode=pprof (the default) it serves net/http/pprof's /debug/pprof/
// handlers and /work, a handler that burns CPU (main.hotHandler); it keeps
// some memory (main.retain) and a few parked goroutines (main.idleWorker) so
// that /heap and /goroutine have something to show.  It also serves
// unsymbolized profiles of itself for remote symbolization (raw.go).
//
// With -mode=broken it is a server no profile can come from: /truncate sends
// a Content-Length and closes the connection mid-body, /truncate-chunked does
// the same with chunked encoding, /html sends a web page, /empty nothing,
// /hang never answers; every other path is a 404 with a one-line text body.
//
// It listens on 127.0.0.1 at a free port and writes the port to -portfile.
// It exits by itself after -lifetime, so a test that dies leaves nothing behind.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"time"
)

var retained [][]byte

//go:noinline
func retain(n, size int) {
	for i := 0; i < n; i++ {
		retained = append(retained, make([]byte, size))
	}
}

//go:noinline
func idleWorker(stop chan struct{}) {
	<-stop
}

func hotHandler(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 {
		n = 2000000
	}
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 17
	}
	fmt.Fprintf(w, "%d\n", x)
}

func broken() http.Handler {
	mux := http.NewServeMux()
	hijack := func(w http.ResponseWriter, head string, body []byte) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.WriteString(head)
		buf.Write(body)
		buf.Flush()
		conn.Close()
	}
	mux.HandleFunc("/truncate", func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 1000)
		copy(body, []byte{0x1f, 0x8b, 8, 0})
		hijack(w, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n", body)
	})
	mux.HandleFunc("/truncate-chunked", func(w http.ResponseWriter, r *http.Request) {
		body := []byte("3e8\r\n")
		body = append(body, make([]byte, 1000)...)
		hijack(w, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n", body)
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Welcome to the service</title></head><body>hello</body></html>\n")
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Minute)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "no profile at %s\nsecond line\n", r.URL.Path)
	})
	return mux
}

func main() {
	mode := flag.String("mode", "pprof", "pprof or broken")
	portfile := flag.String("portfile", "", "file to write the port to")
	lifetime := flag.Duration("lifetime", 2*time.Minute, "exit after this long")
	flag.Parse()

	var handler http.Handler
	switch *mode {
	case "pprof":
		runtime.MemProfileRate = 4096
		retain(4096, 4096)
		stop := make(chan struct{})
		for i := 0; i < 3; i++ {
			go idleWorker(stop)
		}
		http.HandleFunc("/work", hotHandler)
		recordRawStacks()
		registerRaw(http.DefaultServeMux)
		handler = countSymbols(http.DefaultServeMux)
	case "broken":
		handler = broken()
	default:
		log.Fatalf("unknown mode %q", *mode)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if *portfile != "" {
		tmp := *portfile + ".tmp"
		if err := os.WriteFile(tmp, []byte(strconv.Itoa(port)+"\n"), 0644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *portfile); err != nil {
			log.Fatal(err)
		}
	}
	time.AfterFunc(*lifetime, func() { os.Exit(0) })
	log.Fatal(http.Serve(ln, handler))
}
