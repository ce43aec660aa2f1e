package calibrate

import (
	"os"
	"runtime"
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
// Contention we cannot see in /proc/stat slows us too: with the machine
// otherwise idle, the same benchmarks ran at two speeds a factor of ~2
// apart, in phases lasting from seconds to minutes, on both vCPUs at once
// (BenchmarkSinkStore, a store loop that allocates nothing: 0.29 or
// 0.7 ns/op; MallocSteady/tiny8: 8.6 or 17.4 ns/op) — presumably other
// guests on the host. So meter also times a fixed probe loop at the start
// and the end of the benchmark; calibrate.ts treats a sample whose probe ran
// much slower than the fastest probe of the calibration as contended.
//
// Use: defer meter(b)() at the top of a benchmark. It reports
//
//	bg-cores  (machine busy time − this process's CPU time) / wall time,
//	          from /proc/stat (10 ms ticks) and CLOCK_PROCESS_CPUTIME_ID
//	bg-s      the wall time it covered: below ~0.1 s the ticks are too
//	          coarse, and calibrate.ts falls back to the whole run's figure
//	probe-ns  CPU ns per iteration of the probe loop, the slower of the two
func meter(b *testing.B) func() {
	p0 := probe()
	busy0, t0, own0 := machineBusy(), time.Now(), cpuNow()
	return func() {
		wall := time.Since(t0).Seconds()
		own := float64(cpuNow()-own0) / 1e9
		bg := max(0, machineBusy()-busy0-own) / wall
		b.ReportMetric(bg, "bg-cores")
		b.ReportMetric(wall, "bg-s")
		b.ReportMetric(max(p0, probe()), "probe-ns")
	}
}

var probeSink uint64

// probe runs a fixed chain of integer adds and xors for about half a
// millisecond and returns CPU ns per iteration, on its own thread's CPU
// clock (at GOMAXPROCS=2 the process clock would also count a GC worker
// running meanwhile on the other CPU). Of the loops tried (this
// one, a multiply chain with L1 loads/stores, a store loop, a pointer-store
// loop), it separated the machine's two speeds best: 0.37–0.45 ns at full
// speed, 0.6–0.97 ns when slowed.
//
//go:noinline
func probe() float64 {
	const iters = 1_000_000
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPUNow()
	a, b, d, e := uint64(1), uint64(2), uint64(3), uint64(4)
	for i := 0; i < iters; i++ {
		a += uint64(i)
		b ^= a
		d += b
		e ^= d
	}
	probeSink = a + b + d + e
	return float64(threadCPUNow()-c0) / iters
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
