// size-rounding: for each requested size, 1000 live noscan objects
// (make([]byte, size), kept in a global array of slices), and how much the
// heap grew: tiny-allocator packing below 16 bytes, size-class rounding up
// to 32 KiB, whole pages above.
package main

import (
	"runtime"

	"gomem/reality/checkpoint"
)

var (
	sizes = [...]int{1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000}
	names = [...]string{"after_1", "after_8", "after_9", "after_17", "after_33", "after_100",
		"after_1025", "after_4097", "after_32769", "after_40000"}
	keep [len(sizes)][1000][]byte // globals: the holders themselves are not heap objects
	ms   runtime.MemStats
)

func main() {
	checkpoint.Mark("start")
	for si, size := range sizes {
		runtime.ReadMemStats(&ms)
		heap0, total0, mallocs0 := ms.HeapAlloc, ms.TotalAlloc, ms.Mallocs
		for i := range keep[si] {
			keep[si][i] = make([]byte, size)
		}
		runtime.ReadMemStats(&ms)
		checkpoint.Extra("size", int64(size))
		checkpoint.Extra("heapalloc_delta", int64(ms.HeapAlloc)-int64(heap0))
		checkpoint.Extra("totalalloc_delta", int64(ms.TotalAlloc-total0))
		checkpoint.Extra("mallocs_delta", int64(ms.Mallocs-mallocs0))
		checkpoint.Mark(names[si])
	}
	checkpoint.Exit()
}
