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

type node struct {
	left, right *node
	val         [4]int64
}

var (
	table map[int]*record
	batch [][]byte
	nodes []*node
)

func load(n int) {
	table = make(map[int]*record, n)
	var prev *record
	for i := 0; i < n; i++ {
		r := &record{id: i, name: "r", next: prev, buf: make([]byte, 1000)}
		r.buf[0] = byte(i)
		table[i] = r
		prev = r
	}
}

func serve(i int) {
	batch = batch[:0]
	nodes = nodes[:0]
	for k := 0; k < 40; k++ {
		// a request: a few nodes, a 1 KiB buffer, every tenth an 8 KiB one
		for j := 0; j < 20; j++ {
			nodes = append(nodes, &node{val: [4]int64{int64(i), int64(j)}})
		}
		batch = append(batch, make([]byte, 1024))
		for j := 0; j < 4; j++ {
			batch = append(batch, make([]byte, 1500))
		}
		if k%10 == 0 {
			batch = append(batch, make([]byte, 8192))
		}
		batch = append(batch, make([]byte, 3000))
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
