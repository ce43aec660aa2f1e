package calibrate

import (
	"bufio"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// sinkPtr makes allocations escape: a store to a global forces new(T) onto
// the heap, as in real code (the store includes the write-barrier check,
// which every real pointer store pays too).
var sinkPtr unsafe.Pointer

// batchBytes is how much a steady-state benchmark allocates between two
// forced GCs. 8 MiB is twice the default minimum heap goal (4 MiB), so the
// reused memory is about as warm (L3-resident: 32 MiB here) as a small
// GOGC=100 program's heap.
const batchBytes = 8 << 20

// allocSteady allocates b.N objects of type T. Every batchBytes it stops the
// timer and runs runtime.GC() (testing ran one before the first batch),
// which also finishes the sweep, so the next batch reuses swept spans and
// freed pages: the timed part is mallocgc in a steady-state heap
// (span.needzero set, so small objects are zeroed on allocation and large
// ones by delayed zeroing), with no GC work inside it (the binary runs with
// GOGC=off, so no cycle starts by itself).
func allocSteady[T any](b *testing.B) {
	size := int(unsafe.Sizeof(*(*T)(nil)))
	batch := max(batchBytes/max(size, 16), 1)
	defer meter(b)()
	b.ReportAllocs()
	var cpu int64
	for i := 0; i < b.N; {
		n := min(batch, b.N-i)
		c0 := cpuNow()
		for j := 0; j < n; j++ {
			sinkPtr = unsafe.Pointer(new(T))
		}
		cpu += cpuNow() - c0
		i += n
		if i < b.N {
			b.StopTimer()
			runtime.GC()
			b.StartTimer()
		}
	}
	reportCPU(b, cpu)
}

// allocFresh allocates b.N objects of type T into a heap that only grows
// (GOGC=off and no runtime.GC() inside): every span is new, needzero is 0,
// and the memory has never been touched. calibrate.ts runs each such
// benchmark in its own process with -test.benchtime=Nx -test.count=1,
// because testing calls runtime.GC() between runs and a second run in the
// same process would reuse the first run's memory.
func allocFresh[T any](b *testing.B) {
	defer meter(b)()
	b.ReportAllocs()
	c0 := cpuNow()
	for i := 0; i < b.N; i++ {
		sinkPtr = unsafe.Pointer(new(T))
	}
	reportCPU(b, cpuNow()-c0)
}

// cpuNow is the process's CPU time in ns (CLOCK_PROCESS_CPUTIME_ID: user +
// system time of all threads). The benchmarks report it beside testing's
// wall-clock ns/op because this 2-core machine is shared: time spent
// descheduled in favour of another process inflates wall time but not CPU
// time. With GOMAXPROCS=1 and no other goroutine running, the process's CPU
// time is the benchmark's own work (page faults and syscalls count as system
// time). It is a real syscall (no vDSO), so it is read once per batch.
func cpuNow() int64 {
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 2 /* CLOCK_PROCESS_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		panic("clock_gettime: " + e.Error())
	}
	return ts.Nano()
}

// threadCPUNow is the calling thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID).
func threadCPUNow() int64 {
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 3 /* CLOCK_THREAD_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		panic("clock_gettime: " + e.Error())
	}
	return ts.Nano()
}

// reportCPU reports CPU ns per op as the metric "cpu-ns/op", the number
// calibrate.ts uses.
func reportCPU(b *testing.B, cpuNs int64) {
	b.ReportMetric(float64(cpuNs)/float64(b.N), "cpu-ns/op")
}

// gcMetrics are the runtime/metrics the GC benchmarks difference around a
// runtime.GC() call.
var gcMetricNames = []string{
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds",
	"/gc/scan/heap:bytes",
	"/gc/scan/stack:bytes",
	"/gc/scan/globals:bytes",
	"/gc/heap/live:bytes",
}

type gcReading struct {
	markCPU  float64 // ns, cumulative: assist + dedicated (incl. fractional) + idle workers
	pauseCPU float64 // ns, cumulative: STW wall time × GOMAXPROCS
	scanHeap float64 // bytes, last cycle
	scanStk  float64 // bytes, last cycle
	scanGlb  float64 // bytes, last cycle
	live     float64 // bytes, last cycle
}

var gcSamples = func() []metrics.Sample {
	s := make([]metrics.Sample, len(gcMetricNames))
	for i, n := range gcMetricNames {
		s[i].Name = n
	}
	return s
}()

func readGC() gcReading {
	metrics.Read(gcSamples)
	f := func(i int) float64 {
		v := gcSamples[i].Value
		switch v.Kind() {
		case metrics.KindFloat64:
			return v.Float64()
		case metrics.KindUint64:
			return float64(v.Uint64())
		}
		panic("metric " + gcMetricNames[i] + " is not supported by this Go")
	}
	return gcReading{
		markCPU:  (f(0) + f(1) + f(2)) * 1e9,
		pauseCPU: f(3) * 1e9,
		scanHeap: f(4),
		scanStk:  f(5),
		scanGlb:  f(6),
		live:     f(7),
	}
}

// gcCost is one measured runtime.GC() call.
type gcCost struct {
	wall, cpu, mark, pause float64 // ns; pause is wall-clock STW (pause CPU / GOMAXPROCS)
	r                      gcReading
}

// timedGC runs one runtime.GC() and says where its time went.
func timedGC() gcCost {
	procs := float64(runtime.GOMAXPROCS(0))
	r0 := readGC()
	c0 := cpuNow()
	t0 := time.Now()
	runtime.GC()
	wall := float64(time.Since(t0).Nanoseconds())
	cpu := float64(cpuNow() - c0)
	r1 := readGC()
	return gcCost{wall: wall, cpu: cpu, mark: r1.markCPU - r0.markCPU, pause: (r1.pauseCPU - r0.pauseCPU) / procs, r: r1}
}

// ── raw Linux memory syscalls, without the scheduler hand-off of
// syscall.Syscall: the Go runtime calls mmap/munmap/madvise directly too ──

const (
	madvDontneed   = 4
	madvHugepage   = 14
	madvNohugepage = 15
	pageSize4K     = 4096
	hugePageSize   = 2 << 20
)

func mmap(addr, length uintptr, prot, flags int) uintptr {
	p, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, addr, length, uintptr(prot), uintptr(flags), ^uintptr(0), 0)
	if e != 0 {
		panic("mmap: " + e.Error())
	}
	return p
}

func mmapRW(length uintptr) uintptr {
	return mmap(0, length, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
}

func munmap(addr, length uintptr) {
	if _, _, e := syscall.RawSyscall(syscall.SYS_MUNMAP, addr, length, 0); e != 0 {
		panic("munmap: " + e.Error())
	}
}

func madvise(addr, length uintptr, advice int) {
	if _, _, e := syscall.RawSyscall(syscall.SYS_MADVISE, addr, length, uintptr(advice)); e != 0 {
		panic("madvise: " + e.Error())
	}
}

// bytesAt views mmap'd memory (outside the Go heap) as a slice. The
// address goes through memory rather than a uintptr→Pointer conversion,
// which vet rightly flags for Go-heap addresses but which is sound here.
func bytesAt(addr, length uintptr) []byte {
	return unsafe.Slice(*(**byte)(unsafe.Pointer(&addr)), length)
}

// touch writes one byte every stride bytes of [addr, addr+length).
func touch(addr, length, stride uintptr) {
	m := bytesAt(addr, length)
	for off := uintptr(0); off < length; off += stride {
		m[off] = 1
	}
}

// batched runs b.N operations in batches of k: prepare(k) untimed, then the
// k calls of op timed as one interval (one clock read per batch, so the
// clock's own cost disappears), then cleanup(k) untimed. It reports CPU ns
// per op ("cpu-ns/op") and wall ns per op ("wall-ns/op") of the timed calls.
func batched(b *testing.B, k int, prepare func(k int), op func(i int), cleanup func(k int)) {
	defer meter(b)()
	var wall time.Duration
	var cpu int64
	for done := 0; done < b.N; {
		n := min(k, b.N-done)
		prepare(n)
		c0 := cpuNow()
		t0 := time.Now()
		for i := 0; i < n; i++ {
			op(i)
		}
		wall += time.Since(t0)
		cpu += cpuNow() - c0
		cleanup(n)
		done += n
	}
	b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N), "wall-ns/op")
	reportCPU(b, cpu)
}

// procKB is the kB figure on the line of a /proc file that starts with
// field ("VmRSS:" in /proc/self/status), or -1.
func procKB(path, field string) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			v, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return v
		}
	}
	return -1
}
