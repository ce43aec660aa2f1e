package calibrate

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"

	"gomem/reality/checkpoint"
)

// A checkpoint of the reality cases' helper (reality/checkpoint): one
// ReadMemStats (a stop-the-world), one runtime/metrics.Read of every scalar
// metric the line reports, /proc/self/status and /proc/self/smaps read and
// summarised, the line formatted and written (to /dev/null here). Real
// programs keep running their GC cycles, sweeper and scavenger while it
// runs, so gomem charges it as virtual time.
//
// Reading smaps walks every mapping's page tables, so the cost grows with
// the resident set: ballast=0MiB and ballast=128MiB (a slice with every
// page written) give the two ends the model draws its line through. Each
// reports its process's VmRSS as "rss-MiB". A program does other work
// between two checkpoints, so each one here starts with the caches
// flushed of what the last one touched (the page tables above all: 1 MiB
// of them for 512 MiB resident), outside the timed part.
func BenchmarkCheckpoint(b *testing.B) {
	fd, err := syscall.Open("/dev/null", syscall.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer syscall.Close(fd)
	checkpoint.SetOutput(fd)
	defer checkpoint.SetOutput(1)
	for _, mib := range []int{0, 128} {
		b.Run(fmt.Sprintf("ballast=%dMiB", mib), func(b *testing.B) {
			ballast := make([]byte, mib<<20)
			for i := 0; i < len(ballast); i += pageSize4K {
				ballast[i] = 1
			}
			defer meter(b)()
			var cpu int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				evict()
				b.StartTimer()
				c0 := cpuNow()
				checkpoint.Mark("calibrate")
				cpu += cpuNow() - c0
			}
			b.StopTimer()
			reportCPU(b, cpu)
			b.ReportMetric(float64(vmRSSKB())/1024, "rss-MiB")
			runtime.KeepAlive(ballast)
		})
	}
}

// evictBuf is written through before each timed checkpoint: 64 MiB, twice
// the L3 here.
var evictBuf = make([]byte, 64<<20)

func evict() {
	for i := 0; i < len(evictBuf); i += 64 {
		evictBuf[i]++
	}
}

// vmRSSKB is VmRSS of this process.
func vmRSSKB() int {
	return procKB("/proc/self/status", "VmRSS:")
}
