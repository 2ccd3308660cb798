// Command load drives requests at a URL from a few goroutines for a bounded
// time, then exits: the client of prof's HTTP test (tests/http).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to request")
	duration := flag.Duration("duration", 4*time.Second, "how long to keep requesting")
	workers := flag.Int("workers", 4, "concurrent clients")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "load: -url is required")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(*duration)
	var wg sync.WaitGroup
	var mu sync.Mutex
	requests, failures := 0, 0
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				resp, err := client.Get(*url)
				mu.Lock()
				requests++
				if err != nil || resp.StatusCode != http.StatusOK {
					failures++
				}
				mu.Unlock()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				} else {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("load: %d requests, %d failures\n", requests, failures)
}
