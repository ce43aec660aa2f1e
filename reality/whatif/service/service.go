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
	"time"
)

// Tick is the loop's period: one tick's work is one batch of requests.
const Tick = 10 * time.Millisecond

// Run calls work(i, t) for tick i at t (time since the start) every Tick
// for d, sleeping to each tick's due time (not Tick after the last one
// ended), so slow ticks do not lower the rate. The figures go to stdout.
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
	}
	report(time.Since(start), late)
}

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
// (VmHWM, VmRSS), the GC count and the allocation totals, and how many
// ticks ran more than a tick late (the machine could not keep up).
func report(elapsed time.Duration, late int) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("RESULT vmhwm_kb=%d vmrss_kb=%d num_gc=%d num_forced_gc=%d total_alloc=%d mallocs=%d heap_sys=%d heap_inuse=%d heap_released=%d stack_sys=%d sys=%d next_gc=%d gc_cpu_fraction=%.4f elapsed_s=%.3f late_ticks=%d\n",
		statusKB("VmHWM"), statusKB("VmRSS"), m.NumGC, m.NumForcedGC, m.TotalAlloc, m.Mallocs,
		m.HeapSys, m.HeapInuse, m.HeapReleased, m.StackSys, m.Sys, m.NextGC, m.GCCPUFraction,
		elapsed.Seconds(), late)
}
