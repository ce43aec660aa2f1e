// cache: a service whose cache grows. For 30 s each 10 ms tick serves a
// batch of requests (~200 KB of short-lived nodes and buffers: ~20 MB/s of
// garbage) and adds 25 entries to a map cache (a 2000-byte value, a string
// key and a pointerful header: ~52 KB per tick, ~5 MB/s), so the live heap
// climbs from nothing to ~155 MB.
package main

import (
	"log"
	"strconv"
	"time"

	"gomem/reality/whatif/service"
)

type entry struct {
	key   string
	val   []byte
	older *entry
	hits  int
}

var (
	cache  = map[string]*entry{}
	last   *entry
	nextID int
)

func serve(i int) {
	service.Reset()
	for k := 0; k < 20; k++ {
		service.Request(i, k)
	}
	for k := 0; k < 25; k++ {
		e := &entry{key: "key-" + strconv.Itoa(nextID), val: service.Buffer(2000), older: last}
		cache[e.key] = e
		last = e
		nextID++
	}
}

func main() {
	service.Run(30*time.Second, func(i int, t time.Duration) {
		serve(i)
		if i%500 == 0 {
			log.Printf("cache: tick %d at %v, %d entries", i, t, len(cache))
		}
	})
}
