// alloc-churn-gctrace: alloc-churn's short-lived small allocations and tiny
// live heap, with GODEBUG=gctrace=1, in four phases of 250,000 iterations
// (alloc-churn runs 2 × 1,250,000). Each iteration makes four objects — 16
// and 64 bytes noscan, a 32-byte pointerful struct, a 128-byte []byte —
// and stores them in globals, overwriting (and so killing) the previous
// iteration's. 4,000,000 objects, 240 MB allocated; with almost nothing
// live the heap goal stays at its 4 MiB minimum and a cycle starts every
// ~4 MB: about 60 gctrace lines of 3->3->0 MB, 4 MB goal.
package main

import (
	"gomem/reality/checkpoint"
)

type small struct {
	next *small
	x    [3]int64
}

var (
	sink16  *[16]byte
	sink64  *[64]byte
	sinkS   *small
	sinkB   []byte
	counter int64
)

func iterate(n int) {
	for i := 0; i < n; i++ {
		sink16 = new([16]byte)
		sink64 = new([64]byte)
		s := &small{next: sinkS}
		s.next = nil // the new object points at nothing old: every object dies young
		sinkS = s
		sinkB = make([]byte, 128)
		counter++
	}
}

func main() {
	checkpoint.Mark("start")
	iterate(250000)
	checkpoint.Mark("after_churn_1m")
	iterate(250000)
	checkpoint.Mark("after_churn_2m")
	iterate(250000)
	checkpoint.Mark("after_churn_3m")
	iterate(250000)
	checkpoint.Mark("after_churn_4m")
	checkpoint.Exit()
}
