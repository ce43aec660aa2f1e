// Package service is the shared frame of the what-if prediction corpus
// (reality/whatif/<name>/main.go): a time-driven loop of ticks, so a
// program allocates the same bytes per second whatever GOGC or GOMEMLIMIT
// is (the GC's CPU cost slows a tick's work, not the number of ticks), and
// the figures it prints at exit for record.ts.
package service

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Tick is the loop's period: one tick's work is one batch of requests.
const Tick = 10 * time.Millisecond

// Run calls work(i, t) for tick i at t (time since the start) every Tick
// for d, sleeping to each tick's due time (not Tick after the last one
// ended), so slow ticks do not lower the rate. Every second it logs VmRSS
// and VmHWM to stderr (at seconds since the process started, as gctrace's @); the figures at exit go to stdout.
func Run(d time.Duration, work func(i int, t time.Duration)) {
	start := time.Now()
	late := 0
	for i := 0; ; i++ {
		due := time.Duration(i) * Tick
		if due >= d {
			break
		}
		if wait := due - time.Since(start); wait > 0 {
			time.Sleep(wait)
		} else if wait < -Tick {
			late++
		}
		work(i, due)
		if i > 0 && i%rssEvery == 0 {
			// The RSS so far, every second, as a service's own metrics log would show it (a gomem
			// run cut short is compared with these).
			fmt.Fprintf(os.Stderr, "service: @%.3fs VmRSS %d kB VmHWM %d kB\n", time.Since(processStart).Seconds(), statusKB("VmRSS"), statusKB("VmHWM"))
		}
	}
	report(time.Since(start), late)
}

// processStart is about when the runtime started (package initialisation), the zero of gctrace's @ times.
var processStart = time.Now()

// rssEvery is how many ticks apart Run logs the process's RSS: one second.
const rssEvery = int(time.Second / Tick)

// statusKB reads one "Name:   N kB" field of /proc/self/status.
func statusKB(name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return n
				}
			}
		}
	}
	return -1
}

// report prints one RESULT line of key=value pairs: peak and current RSS
// (VmHWM, VmRSS), the GC count and the allocation totals, how many ticks
// ran more than a tick late (the machine could not keep up), and the CPU
// the process used (user + system, GC included), as top would show it.
func report(elapsed time.Duration, late int) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var ru syscall.Rusage
	cpu := -1.0
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	fmt.Printf("RESULT vmhwm_kb=%d vmrss_kb=%d num_gc=%d num_forced_gc=%d total_alloc=%d mallocs=%d heap_sys=%d heap_inuse=%d heap_released=%d stack_sys=%d sys=%d next_gc=%d gc_cpu_fraction=%.4f elapsed_s=%.3f late_ticks=%d cpu_s=%.3f\n",
		statusKB("VmHWM"), statusKB("VmRSS"), m.NumGC, m.NumForcedGC, m.TotalAlloc, m.Mallocs,
		m.HeapSys, m.HeapInuse, m.HeapReleased, m.StackSys, m.Sys, m.NextGC, m.GCCPUFraction,
		elapsed.Seconds(), late, cpu)
}

// Node is a request's small pointerful object (48 bytes).
type Node struct {
	left, right *Node
	val         [4]int64
}

var (
	batch [][]byte
	nodes []*Node
)

// Reset drops the objects of the tick's requests: they are garbage from here.
func Reset() {
	batch = batch[:0]
	nodes = nodes[:0]
}

// Buffer is make([]byte, n) filled, as a service fills the buffers it
// allocates (a request body read into it, a value copied in): written
// memory is resident, memory never written is not (Linux maps a page on
// its first write), so a program that left its buffers empty would show an
// RSS no service has.
func Buffer(n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(j)
	}
	return b
}

// Request allocates request k of tick i: 20 Nodes, a 1 KiB buffer, four of
// 1500 bytes, one of 3000 and, every tenth request, one of 8 KiB (~12 KB),
// all reachable until the next Reset, as a request's objects are until it
// ends.
func Request(i, k int) {
	for j := 0; j < 20; j++ {
		nodes = append(nodes, &Node{val: [4]int64{int64(i), int64(j)}})
	}
	batch = append(batch, Buffer(1024))
	for j := 0; j < 4; j++ {
		batch = append(batch, Buffer(1500))
	}
	if k%10 == 0 {
		batch = append(batch, Buffer(8192))
	}
	batch = append(batch, Buffer(3000))
}
