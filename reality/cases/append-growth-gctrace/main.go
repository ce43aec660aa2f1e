// append-growth-gctrace: append-growth's appends to a []int64 one element
// at a time up to 1,000,000, done four times over, with GODEBUG=gctrace=1.
// Each round starts from a nil slice; the finished slice of a round stays
// live (in a global) until the next round's is finished, the outgrown
// arrays are garbage at once: ~42 MB allocated per round, ~8 MB of it
// still live at the end. extra.caps lists the capacities of the first
// round (growslice's growth formula and size-class rounding, as in
// append-growth); the later rounds repeat them.
package main

import (
	"gomem/reality/checkpoint"
)

var (
	caps  [64]int64 // every capacity of the first round, in order (a global: recording allocates nothing)
	ncaps int
	sink  []int64 // keeps the last finished slice live
)

func round(record bool) {
	var s []int64
	last := -1
	for i := 0; i < 1000000; i++ {
		s = append(s, int64(i))
		if record && cap(s) != last {
			last = cap(s)
			caps[ncaps] = int64(last)
			ncaps++
		}
	}
	sink = s
}

func main() {
	checkpoint.Mark("start")
	round(true)
	checkpoint.ExtraInts("caps", caps[:ncaps])
	checkpoint.Extra("len", int64(len(sink)))
	checkpoint.Mark("after_round_1")
	round(false)
	checkpoint.Mark("after_round_2")
	round(false)
	checkpoint.Mark("after_round_3")
	round(false)
	checkpoint.Mark("after_round_4")
	checkpoint.Exit()
}
