package calibrate

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// ballast keeps the background scavenger asleep. With GOGC=off the
// scavenger's goal is still 110% of the heap in use at the last GC
// (mgcscavenge.go gcPaceScavenger), so after a forced GC that frees most of
// the heap it starts returning pages with MADV_DONTNEED: its syscalls then
// run inside the timed runtime.GC() calls, and the allocations that follow
// pay page faults to get the pages back. A 1 GiB pointer-free object that is
// never touched costs no RSS and almost no GC work (one object to mark, one
// span to sweep), but counts as heap in use, which keeps the goal above what
// the heap retains.
var ballast []byte

func TestMain(m *testing.M) {
	// BenchmarkGCNatural needs the GC to start by itself (GOGC=100): there
	// the ballast would put the heap goal beyond reach.
	if os.Getenv("CALIBRATE_NO_BALLAST") == "" {
		ballast = make([]byte, 1<<30)
	}
	// Warm up: calibrate.ts often starts us right after waiting for the
	// machine to go quiet, and a CPU woken from idle ran the probe loop
	// (meter_test.go) up to 2× slower for the first tens of milliseconds.
	for t0 := time.Now(); time.Since(t0) < 300*time.Millisecond; {
		probe()
	}
	code := m.Run()
	ballast = nil
	// calibrate.ts subtracts this from the machine's busy time over the run
	// to estimate how busy the other processes kept the CPUs meanwhile.
	fmt.Fprintf(os.Stderr, "calibrate: process cpu-ns %d\n", cpuNow())
	os.Exit(code)
}
