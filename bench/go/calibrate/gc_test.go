package calibrate

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

// GC costs (mgc.go, mgcmark.go, mgcsweep.go), measured by timing forced
// runtime.GC() calls at GOMAXPROCS=1 with GOGC=off (so no cycle starts by
// itself). runtime.GC() blocks its caller until mark and the whole sweep are
// done, so the lone P runs the mark workers (the fractional and the idle
// worker) and then the sweep. Each op is one cycle; per cycle we read
// runtime/metrics before and after:
//
//   mark-ns      GC mark CPU (/cpu/classes/gc/mark/{assist,dedicated,idle}),
//                which the runtime measures as wall time of its workers
//   pause-ns     STW wall time (/cpu/classes/gc/pause ÷ GOMAXPROCS)
//   wall-ns      the whole runtime.GC() call
//   cpu-ns       process CPU time of the call (user + system, all threads)
//   cpu/wall     how much of the call we were actually on a CPU (this
//                machine is shared; calibrate.ts scales mark and pause by
//                it to remove the time spent descheduled)
//   scan-heap-B, scan-stack-B, scan-globals-B   /gc/scan/*:bytes of the cycle

func reportGC(b *testing.B, sum gcCost, ops int) {
	n := float64(ops)
	b.ReportMetric(sum.mark/n, "mark-ns")
	b.ReportMetric(sum.pause/n, "pause-ns")
	b.ReportMetric(sum.wall/n, "wall-ns")
	b.ReportMetric(sum.cpu/n, "cpu-ns")
	b.ReportMetric(sum.cpu/sum.wall, "cpu/wall")
	b.ReportMetric(sum.r.scanHeap, "scan-heap-B")
	b.ReportMetric(sum.r.scanStk, "scan-stack-B")
	b.ReportMetric(sum.r.scanGlb, "scan-globals-B")
}

// timeCycles times b.N forced cycles (the timer on) and reports their costs.
func timeCycles(b *testing.B) {
	b.StartTimer()
	var sum gcCost
	for i := 0; i < b.N; i++ {
		sum.add(timedGC())
	}
	reportGC(b, sum, b.N)
}

func (s *gcCost) add(c gcCost) {
	s.wall += c.wall
	s.cpu += c.cpu
	s.mark += c.mark
	s.pause += c.pause
	s.r = c.r
}

// ── mark: per object and per pointer word ──

// gcRoot holds the measured object graph (a global: scanned as a root).
var gcRoot unsafe.Pointer

// buildGraph allocates n objects of type T (all pointer words, w of them)
// and links them. Slot 0 of object i points to object i+1 (a ring, so every
// object is reachable from gcRoot, and the mark walks the objects in
// allocation order, one greyed object at a time). The other w−1 slots:
//
//	seq     point back to objects i−1, i−2, …: already marked and in cache,
//	        so each such word costs findObject + a mark-bit test, no more
//	random  point to pseudo-random objects: most miss the caches once the
//	        graph outgrows them, and some grey their target first
//	nil     hold nil: the cost of scanning a pointer slot and skipping it
//	noscan  (w=2) slot 1 points to a fresh 16-byte pointer-free object of
//	        its own: greying an object that is marked but never scanned
//
// Each of the n objects is greyed once and scanned once per cycle.
func buildGraph[T any](n, w int, mode string) {
	objs := make([]unsafe.Pointer, n)
	for i := range objs {
		objs[i] = unsafe.Pointer(new(T))
	}
	x := uint32(12345)
	for i := 0; i < n; i++ {
		slots := unsafe.Slice((*unsafe.Pointer)(objs[i]), w)
		slots[0] = objs[(i+1)%n]
		for k := 1; k < w; k++ {
			switch mode {
			case "seq":
				slots[k] = objs[(i-k+n)%n]
			case "random":
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				slots[k] = objs[x%uint32(n)]
			case "nil":
				slots[k] = nil
			case "noscan":
				slots[k] = unsafe.Pointer(new([16]byte))
			}
		}
	}
	gcRoot = objs[0]
}

type markCase struct {
	name  string
	build func(n, w int, mode string)
	w     int
}

func mk[T any](w int) markCase {
	return markCase{fmt.Sprintf("w=%d", w), buildGraph[T], w}
}

var markCases = []markCase{
	mk[[1]unsafe.Pointer](1),
	mk[[2]unsafe.Pointer](2),
	mk[[4]unsafe.Pointer](4),
	mk[[8]unsafe.Pointer](8),
	mk[[16]unsafe.Pointer](16),
	mk[[32]unsafe.Pointer](32),
	mk[[128]unsafe.Pointer](128), // 1 KiB: has a malloc header
}

func benchMark(b *testing.B, c markCase, n int, mode string) {
	defer meter(b)()
	b.StopTimer()
	c.build(n, c.w, mode)
	runtime.GC() // free the builder's slice; the measured cycles see only the graph
	runtime.GC()
	timeCycles(b)
	gcRoot = nil
}

func BenchmarkGCMark(b *testing.B) {
	const n = 100_000
	run := func(mode string, nn int, c markCase) {
		b.Run(fmt.Sprintf("%s/n=%d/%s", mode, nn, c.name), func(b *testing.B) { benchMark(b, c, nn, mode) })
	}
	for _, c := range markCases {
		run("seq", n, c)
	}
	run("random", n, markCases[2]) // w=4
	run("random", n, markCases[4]) // w=16
	run("nil", n, markCases[4])    // w=16
	run("noscan", n, markCases[1]) // w=2
	// Heap-size dependence at w=4.
	run("seq", 25_000, markCases[2])
	run("seq", 400_000, markCases[2])
}

// ── mark: reaching span records ──

// markSpanBufs holds the measured buffers (a global: scanned as a root);
// markSpanSink takes the ones dropped between them.
var (
	markSpanBufs [][]byte
	markSpanSink []byte
)

// BenchmarkGCMarkSpans: n live 4 KiB []byte behind one [][]byte (4 KiB is
// a size class of two objects per one-page span), each allocated after
// `gap` others that are dropped at once. With gap=0 the live buffers fill
// consecutive spans, whose mspan records were allocated in order; with a
// gap the live ones sit in every (gap+1)/2-th span, so greying each buffer
// reads a record (and its mark bits) far from the last one. The buffers
// are pointer-free: their own memory is never read. The difference per
// buffer is what reaching a record that is not in cache costs
// (gc.mark.spanMiss).
func BenchmarkGCMarkSpans(b *testing.B) {
	const n = 30_000
	for _, gap := range []int{0, 16} {
		b.Run(fmt.Sprintf("n=%d/gap=%d", n, gap), func(b *testing.B) {
			defer meter(b)()
			b.StopTimer()
			markSpanBufs = make([][]byte, 0, n)
			for i := 0; i < n; i++ {
				markSpanBufs = append(markSpanBufs, make([]byte, 4096))
				for j := 0; j < gap; j++ {
					markSpanSink = make([]byte, 4096)
				}
			}
			markSpanSink = nil
			runtime.GC() // free the dropped buffers; the measured cycles see only the live ones
			runtime.GC()
			timeCycles(b)
			markSpanBufs = nil
		})
	}
}

// BenchmarkGCEmpty: cycles over an (almost) empty heap — the fixed cost of a
// cycle, and the baseline the others subtract.
func BenchmarkGCEmpty(b *testing.B) {
	defer meter(b)()
	runtime.GC()
	timeCycles(b)
}

// ── goroutine stack scan ──

//go:noinline
func recurseSmall(d int, p *int, park <-chan struct{}, ready *sync.WaitGroup) int {
	var locals [4]*int // pointer slots live across the call: scanned
	for i := range locals {
		locals[i] = p
	}
	if d == 0 {
		ready.Done()
		<-park
	} else {
		recurseSmall(d-1, p, park, ready)
	}
	return *locals[d%len(locals)]
}

//go:noinline
func recurseBig(d int, p *int, park <-chan struct{}, ready *sync.WaitGroup) int {
	var locals [64]*int
	for i := range locals {
		locals[i] = p
	}
	if d == 0 {
		ready.Done()
		<-park
	} else {
		recurseBig(d-1, p, park, ready)
	}
	return *locals[d%len(locals)]
}

// BenchmarkGCStackScan: g goroutines parked at recursion depth d, with small
// (4 pointer slots) or big (64 slots) frames. scan-stack-B is the stack the
// cycle scanned (sum of hi − sp over goroutines, the runtime's own count).
func BenchmarkGCStackScan(b *testing.B) {
	const g = 100
	for _, frame := range []string{"small", "big"} {
		for _, d := range []int{0, 100, 400} {
			b.Run(fmt.Sprintf("g=%d/depth=%d/frame=%s", g, d, frame), func(b *testing.B) {
				defer meter(b)()
				b.StopTimer()
				park := make(chan struct{})
				var ready, exited sync.WaitGroup
				ready.Add(g)
				exited.Add(g)
				target := new(int)
				for i := 0; i < g; i++ {
					go func() {
						defer exited.Done()
						if frame == "small" {
							recurseSmall(d, target, park, &ready)
						} else {
							recurseBig(d, target, park, &ready)
						}
					}()
				}
				ready.Wait()
				runtime.GC()
				timeCycles(b)
				b.StopTimer()
				close(park)
				exited.Wait()
			})
		}
	}
}

// ── sweep ──

var keep []unsafe.Pointer

// BenchmarkGCSweep: each op allocates n objects of 64 bytes (noscan, 128 per
// 8 KiB span), keeping every k-th one live, then times three cycles:
//
//	a  a clean heap (baseline: nothing to sweep)
//	b  the cycle that finds the garbage: with k=0 (dead) every span is freed
//	   to the heap; with k=128 (sparse) 127 of each span's 128 objects are
//	   freed and the span is kept
//	c  the next cycle: kept spans swept again, nothing freed
//
// Sweep cost per span = ((cpu − mark − pause) of b or c − same of a) / spans,
// reported as sweep-b-ns/span and sweep-c-ns/span; mark and pause are the
// runtime's wall-clock figures scaled by the cycle's cpu/wall. The sparse
// case keeps one object per span so that the mark work subtracted (8192
// objects) stays small beside the sweep. dead/64KiB: 8-page large spans,
// all freed.
func BenchmarkGCSweep(b *testing.B) {
	type sweepCase struct {
		name    string
		objSize int
		n       int
		every   int
	}
	for _, c := range []sweepCase{
		{"dead/64B", 64, 1 << 20, 0},
		{"sparse/64B", 64, 1 << 20, 128},
		{"dead/64KiB", 64 << 10, 1024, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer meter(b)()
			perSpan := max(8192/c.objSize, 1)
			spans := float64((c.n + perSpan - 1) / perSpan)
			var a, bb, cc gcCost
			runtime.GC()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				a.add(timedGC())
				b.StopTimer()
				if c.every > 0 {
					keep = make([]unsafe.Pointer, 0, c.n/c.every)
				}
				for j := 0; j < c.n; j++ {
					var p unsafe.Pointer
					if c.objSize == 64 {
						p = unsafe.Pointer(new([64]byte))
					} else {
						p = unsafe.Pointer(new([64 << 10]byte))
					}
					if c.every > 0 && j%c.every == 0 {
						keep = append(keep, p)
					}
				}
				b.StartTimer()
				bb.add(timedGC())
				cc.add(timedGC())
				keep = nil
			}
			other := func(x gcCost) float64 {
				s := min(1, x.cpu/x.wall) // descheduled share removed from mark and pause
				return x.cpu - (x.mark+x.pause)*s
			}
			n := float64(b.N)
			b.ReportMetric((other(bb)-other(a))/n/spans, "sweep-b-ns/span")
			b.ReportMetric((other(cc)-other(a))/n/spans, "sweep-c-ns/span")
			b.ReportMetric(other(a)/n, "other-a-ns")
			b.ReportMetric(bb.mark/n, "mark-b-ns")
			b.ReportMetric(spans, "spans")
		})
	}
}

// ── stop-the-world pauses on a small heap ──
//
// The pauses depend on how the cycle starts. At GOMAXPROCS=2 a forced
// runtime.GC() from an otherwise idle program paused ~0.13 ms in sweep
// termination, while cycles triggered by allocation paused ~0.005 ms there
// and ~0.04 ms in mark termination (a separate Go program, gctrace=1). So
// both are measured, each in its own process so that gctrace's lines can be
// told apart: forced cycles are marked "(forced)".

// BenchmarkGCSmallHeap: forced cycles over a small live heap (about 1 MiB
// of 64-byte objects). calibrate.ts runs it with GODEBUG=gctrace=1 and reads
// the first and third "clock" numbers (sweep-termination and
// mark-termination STW) of each forced cycle from stderr, at GOMAXPROCS=1
// and 2.
func BenchmarkGCSmallHeap(b *testing.B) {
	defer meter(b)()
	b.StopTimer()
	keep = make([]unsafe.Pointer, 16384)
	for i := range keep {
		keep[i] = unsafe.Pointer(new([64]byte))
	}
	runtime.GC()
	timeCycles(b)
	keep = nil
}

// BenchmarkGCNatural: the same live heap, with garbage allocated as fast as
// possible (64-byte objects) under GOGC=100, so cycles start because the
// heap reached its goal, as in a running program. calibrate.ts reads the
// unforced cycles' gctrace lines. ns/op is allocation including the GC work
// it causes.
func BenchmarkGCNatural(b *testing.B) {
	defer meter(b)()
	b.StopTimer()
	keep = make([]unsafe.Pointer, 16384)
	for i := range keep {
		keep[i] = unsafe.Pointer(new([64]byte))
	}
	b.StartTimer()
	for i := 0; i < b.N; i++ {
		sinkPtr = unsafe.Pointer(new([64]byte))
	}
	keep = nil
}
