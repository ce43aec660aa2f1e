// steady: a service with a steady live heap and short-lived garbage. At
// start it loads a 64 MiB set (64 Ki records of a 1000-byte buffer and a
// pointerful header, linked into a map), then for 30 s each 10 ms tick
// serves a batch of requests that allocate ~400 KB of objects (small
// pointerful nodes, 1 KiB and 8 KiB buffers) held until the batch ends:
// ~40 MB/s of garbage over a constant live heap.
package main

import (
	"log"
	"time"

	"gomem/reality/whatif/service"
)

type record struct {
	id   int
	name string
	next *record
	buf  []byte
}

var (
	table map[int]*record
)

func load(n int) {
	table = make(map[int]*record, n)
	var prev *record
	for i := 0; i < n; i++ {
		r := &record{id: i, name: "r", next: prev, buf: service.Buffer(1000)}
		table[i] = r
		prev = r
	}
}

func serve(i int) {
	service.Reset()
	for k := 0; k < 40; k++ {
		service.Request(i, k)
	}
}

func main() {
	load(64 << 10)
	log.Printf("steady: loaded %d records", len(table))
	service.Run(30*time.Second, func(i int, t time.Duration) {
		serve(i)
		if i%500 == 0 {
			log.Printf("steady: tick %d at %v", i, t)
		}
	})
}
