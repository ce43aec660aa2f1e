// live-heap-gogc100: a live heap of small pointerful objects plus garbage,
// GOGC=100, GODEBUG=gctrace=1. live-heap-steady made smaller
// (a run takes well under a second): 100,000 slots each hold a pair of
// 56-byte nodes (64-byte size class; the first points to the second), so
// 200,000 live nodes, 12.8 MB, plus the 800 KB slot table. Each churn phase
// replaces 500,000 randomly chosen pairs (a fixed-seed LCG, so every run
// does the same work), allocating 64 MB of garbage while the live heap
// stays put. The live-heap-* cases are the same program under different
// settings (GOGC=50, 100, 200; GOGC=off with GOMEMLIMIT=48MiB).
package main

import (
	"gomem/reality/checkpoint"
)

type node struct {
	next *node
	val  [6]int64
}

const (
	slots  = 100000
	rounds = 500000
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
