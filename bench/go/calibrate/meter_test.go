package calibrate

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// meter measures how busy the other processes kept this machine while a
// benchmark ran, so that calibrate.ts can prefer the rounds in which the
// machine was quiet. On this shared 2-core VM a neighbour's work inflates
// even our CPU time (it evicts our data from the shared 32 MiB L3 and
// competes for memory bandwidth): BenchmarkMallocSteady/noscan64 measured
// 14.6 ns of CPU per op on a quiet machine and 29.9 ns beside a busy one.
//
// Use: defer meter(b)() at the top of a benchmark. It reports
//
//	bg-cores  (machine busy time − this process's CPU time) / wall time,
//	          from /proc/stat (10 ms ticks) and CLOCK_PROCESS_CPUTIME_ID
//	bg-s      the wall time it covered: below ~0.1 s the ticks are too
//	          coarse, and calibrate.ts falls back to the whole run's figure
func meter(b *testing.B) func() {
	busy0, t0, own0 := machineBusy(), time.Now(), cpuNow()
	return func() {
		wall := time.Since(t0).Seconds()
		own := float64(cpuNow()-own0) / 1e9
		bg := max(0, machineBusy()-busy0-own) / wall
		b.ReportMetric(bg, "bg-cores")
		b.ReportMetric(wall, "bg-s")
	}
}

// machineBusy is the CPU time all CPUs spent busy since boot, in seconds:
// user + nice + system + irq + softirq + steal from /proc/stat's "cpu" line
// (steal: time the hypervisor gave to someone else, unavailable to us).
func machineBusy() float64 {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	sum := 0.0
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		sum += v
	}
	return sum / 100 // USER_HZ
}
