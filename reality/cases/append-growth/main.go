// append-growth: append to a []int64 one element at a time up to 1,000,000
// elements and record every new capacity: growslice's doubling below 256
// elements, the smoother 1.25x+192 growth above, and the rounding of every
// new backing array up to its size class (or to whole pages when large).
package main

import (
	"gomem/reality/checkpoint"
)

var (
	caps  [64]int64 // every capacity seen, in order (a global: recording allocates nothing)
	ncaps int
	sink  []int64 // keeps the final slice live until exit
)

func main() {
	checkpoint.Mark("start")
	var s []int64
	last := -1
	for i := 0; i < 1000000; i++ {
		s = append(s, int64(i))
		if cap(s) != last {
			last = cap(s)
			caps[ncaps] = int64(last)
			ncaps++
		}
	}
	sink = s
	checkpoint.ExtraInts("caps", caps[:ncaps])
	checkpoint.Extra("len", int64(len(s)))
	checkpoint.Mark("after_append")
	checkpoint.Exit()
}
