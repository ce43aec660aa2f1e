// Package benchgo times real Go 1.23's mallocgc for the allocation shapes
// gomem's allocator benchmarks model, so bench/go_bench.ts can put gomem's
// ns/op next to real Go's on the same machine in the same invocation.
//
// Every allocation reaches mallocgc: the result is stored in a package-level
// sink, so escape analysis moves it to the heap (go test -gcflags=-m says
// "escapes to heap" for each), and TestOneAllocationPerOp checks that each
// benchmark body allocates exactly one object.
package benchgo

import "testing"

type scan64 struct {
	p   *int
	pad [56]byte
}

var (
	sinkTiny8   *[8]byte
	sink16      *[16]byte
	sink64      *[64]byte
	sink1024    *[1024]byte
	sinkScan64  *scan64
	sinkLarge40 *[40 << 10]byte
)

// cases are the bodies, by the sub-benchmark names gomem uses.
var cases = []struct {
	name string
	body func()
}{
	{"tiny8", func() { sinkTiny8 = new([8]byte) }},             // 8 B noscan: the tiny allocator (16-B blocks)
	{"noscan16", func() { sink16 = new([16]byte) }},            // size class 2, noscan
	{"noscan64", func() { sink64 = new([64]byte) }},            // size class 5, noscan
	{"noscan1024", func() { sink1024 = new([1024]byte) }},      // size class 32, noscan
	{"scan64", func() { sinkScan64 = new(scan64) }},            // size class 5, scan (heap bits in the span)
	{"large40k", func() { sinkLarge40 = new([40 << 10]byte) }}, // large object: 5 pages, its own span
}

func BenchmarkMallocgc(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.body()
			}
		})
	}
}

func TestOneAllocationPerOp(t *testing.T) {
	for _, c := range cases {
		if n := testing.AllocsPerRun(1000, c.body); n != 1 {
			t.Errorf("%s: %v allocations per op, want 1", c.name, n)
		}
	}
}

// liveHeap is the steady live heap BenchmarkMallocgcLive allocates over:
// 64 MiB in 1024 pointer-free 64 KiB blocks, so that GC cycles come at
// GOGC=100's pace (one per 64 MiB allocated) with little to mark.
var liveHeap [][]byte

func buildLiveHeap() {
	if liveHeap != nil {
		return
	}
	liveHeap = make([][]byte, 1024)
	for i := range liveHeap {
		liveHeap[i] = make([]byte, 64<<10)
	}
}

// BenchmarkMallocgcLive: the same bodies over the 64 MiB live heap, with
// the collector on (GOGC=100 from the environment): the time includes the
// share of GC cycles, sweeping and assists each allocation causes.
func BenchmarkMallocgcLive(b *testing.B) {
	buildLiveHeap()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.body()
			}
		})
	}
}
