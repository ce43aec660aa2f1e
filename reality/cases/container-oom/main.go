// container-oom: the first seed's story, a service in a 512 MiB container.
// It handles 2,000 requests per second, each writing eight short-lived 4 KiB
// buffers (32 KiB), and a cache leaks 256 new 4 KiB entries (1 MiB) per
// second, kept forever, for 8 minutes. The program paces itself by the wall
// clock: every 10 ms tick it catches up to 20 requests per tick and to
// floor(2.56 * ticks) cache entries, so a slow tick (a GC, a descheduled
// thread) is made up at the next one and the work per second is the same as
// in gomem's virtual seconds. reality/record_cgroup.ts runs it in a memory
// cgroup under GOGC=100, GOMEMLIMIT=450MiB and GOGC=off+GOMEMLIMIT=450MiB.
//
// Once per second it prints one line
//   SAMPLE {"t_ms":…,"gc_cycles":…,"gc_cpu_s":…,"total_cpu_s":…,"heap_goal":…,"heap_live":…,…}
// from runtime/metrics (no stop-the-world), and at the end "DONE". With
// GODEBUG=gctrace=1 the recorder also keeps the gctrace lines.
package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"time"
)

const (
	seconds     = 480
	ticksPerSec = 100
	tick        = time.Second / ticksPerSec
	reqPerSec   = 2000
	reqPerTick  = reqPerSec / ticksPerSec
	bufsPerReq  = 8
	bufSize     = 4096
	leakPerSec  = 256
)

var (
	// The request in flight holds its buffers here (so they live on the
	// heap, as a handler's would); the next request's buffers replace them.
	inflight [bufsPerReq][]byte
	// The leak: entries appended and never removed.
	cache   [][]byte
	pattern [bufSize]byte
)

func handle(id int) {
	for i := range inflight {
		b := make([]byte, bufSize)
		copy(b, pattern[:])
		b[0] = byte(id)
		inflight[i] = b
	}
}

func leak() {
	b := make([]byte, bufSize)
	copy(b, pattern[:])
	cache = append(cache, b)
}

var names = []string{
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/gc/heap/goal:bytes",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/limiter/last-enabled:gc-cycle",
	"/gc/gomemlimit:bytes",
}

var keys = []string{"gc_cycles", "gc_cpu_s", "total_cpu_s", "heap_goal", "heap_live", "heap_released", "mapped_total", "heap_objects", "limiter_last_enabled_cycle", "gomemlimit"}

func sample(s []metrics.Sample, start time.Time) {
	metrics.Read(s)
	fmt.Fprintf(os.Stdout, "SAMPLE {\"t_ms\":%d,\"cache_entries\":%d", time.Since(start).Milliseconds(), len(cache))
	for i := range s {
		switch s[i].Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(os.Stdout, ",%q:%d", keys[i], s[i].Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(os.Stdout, ",%q:%.6f", keys[i], s[i].Value.Float64())
		}
	}
	fmt.Fprintln(os.Stdout, "}")
}

func main() {
	for i := range pattern {
		pattern[i] = byte(i*31 + 7)
	}
	s := make([]metrics.Sample, len(names))
	for i := range s {
		s[i].Name = names[i]
	}
	start := time.Now()
	sample(s, start)
	req, leaked := 0, 0
	for k := 1; k <= seconds*ticksPerSec; k++ {
		if d := time.Until(start.Add(time.Duration(k) * tick)); d > 0 {
			time.Sleep(d)
		}
		for ; req < k*reqPerTick; req++ {
			handle(req)
		}
		for ; leaked < k*leakPerSec/ticksPerSec; leaked++ {
			leak()
		}
		if k%ticksPerSec == 0 {
			sample(s, start)
		}
	}
	fmt.Println("DONE")
}
