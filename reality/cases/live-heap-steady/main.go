// live-heap-steady: a steady live heap of ~50 MiB of small pointerful
// objects under churn, GOGC=100. 400,000 slots each hold a pair of 56-byte
// nodes (64-byte size class; the first points to the second): 800,000 live
// nodes, 51.2 MB, plus the 3.2 MB slot table. Each churn phase replaces
// 2,000,000 randomly chosen pairs (a fixed-seed LCG, so every run does the
// same work), allocating 256 MB while the live heap stays put: the pacer
// should settle at a heap goal of about twice the live heap.
package main

import (
	"gomem/reality/checkpoint"
)

type node struct {
	next *node
	val  [6]int64
}

const (
	slots  = 400000
	rounds = 2000000
)

var (
	table []*node
	lcg   uint64 = 42
)

func pair(v int64) *node {
	a := &node{next: &node{}}
	a.val[0] = v
	a.next.val[0] = v
	return a
}

func churn() {
	for r := 0; r < rounds; r++ {
		lcg = lcg*6364136223846793005 + 1442695040888963407
		j := (lcg >> 33) % slots
		table[j] = pair(int64(r))
	}
}

func main() {
	checkpoint.Mark("start")
	table = make([]*node, slots)
	for i := range table {
		table[i] = pair(int64(i))
	}
	checkpoint.Mark("after_build")
	churn()
	checkpoint.Mark("after_churn_1")
	churn()
	checkpoint.Mark("after_churn_2")
	churn()
	checkpoint.Mark("after_churn_3")
	checkpoint.Exit()
}
