// bursts: a batch service, busy in bursts with quiet gaps. It keeps a
// 32 MiB base set (32 Ki records of 1000 bytes) for its whole life; every
// 5 s it runs a 2 s burst in which each 10 ms tick allocates ~1 MB of
// short-lived objects (~100 MB/s) and adds ~250 KB to the burst's working
// set (50 MB by the burst's end, dropped when it ends), then sleeps 3 s.
// Six bursts in 30 s.
package main

import (
	"log"
	"time"

	"gomem/reality/whatif/service"
)

type record struct {
	id   int
	next *record
	buf  []byte
}

var (
	base    []*record
	working []*record
)

const (
	period = 5 * time.Second
	burst  = 2 * time.Second
)

func work(i int) {
	service.Reset()
	for k := 0; k < 100; k++ {
		service.Request(i, k)
	}
	var prev *record
	if len(working) > 0 {
		prev = working[len(working)-1]
	}
	for k := 0; k < 250; k++ {
		r := &record{id: k, next: prev, buf: service.Buffer(1000)}
		working = append(working, r)
		prev = r
	}
}

func main() {
	for i := 0; i < 32<<10; i++ {
		base = append(base, &record{id: i, buf: service.Buffer(1000)})
	}
	log.Printf("bursts: base set of %d records", len(base))
	service.Run(30*time.Second, func(i int, t time.Duration) {
		in := t % period
		switch {
		case in < burst:
			work(i)
		case len(working) > 0:
			log.Printf("bursts: burst done at %v, working set %d records", t, len(working))
			working = nil
		}
	})
}
