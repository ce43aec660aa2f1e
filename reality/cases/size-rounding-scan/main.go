// size-rounding-scan: size-rounding with pointerful objects. A Go type that
// holds a pointer is 8-byte aligned, so its size is a multiple of 8: each
// requested size is rounded up to the next multiple of 8 (1 → 8, 9 → 16,
// 17 → 24, 33 → 40, 100 → 104, 1025 → 1032, 4097 → 4104, 32769 → 32776,
// 8 and 40000 exact), as struct{ p *int; pad [n-8]byte } (struct{ p *int }
// for 8). Scan objects never use the tiny allocator, and from 512 bytes up
// carry an 8-byte malloc header.
package main

import (
	"runtime"
	"unsafe"

	"gomem/reality/checkpoint"
)

type (
	s8  struct{ p *int }
	s16 struct {
		p   *int
		pad [8]byte
	}
	s24 struct {
		p   *int
		pad [16]byte
	}
	s40 struct {
		p   *int
		pad [32]byte
	}
	s104 struct {
		p   *int
		pad [96]byte
	}
	s1032 struct {
		p   *int
		pad [1024]byte
	}
	s4104 struct {
		p   *int
		pad [4096]byte
	}
	s32776 struct {
		p   *int
		pad [32768]byte
	}
	s40000 struct {
		p   *int
		pad [39992]byte
	}
)

// The holders are globals, so only the objects themselves are heap objects.
var (
	k1     [1000]*s8
	k8     [1000]*s8
	k9     [1000]*s16
	k17    [1000]*s24
	k33    [1000]*s40
	k100   [1000]*s104
	k1025  [1000]*s1032
	k4097  [1000]*s4104
	k32769 [1000]*s32776
	k40000 [1000]*s40000
	ms     runtime.MemStats
)

func fill[T any](dst *[1000]*T) {
	for i := range dst {
		dst[i] = new(T)
	}
}

func step[T any](name string, size int, dst *[1000]*T) {
	runtime.ReadMemStats(&ms)
	heap0, total0, mallocs0 := ms.HeapAlloc, ms.TotalAlloc, ms.Mallocs
	fill(dst)
	runtime.ReadMemStats(&ms)
	checkpoint.Extra("size", int64(size))
	checkpoint.Extra("obj_size", int64(unsafe.Sizeof(*dst[0]))) // not evaluated: no copy
	checkpoint.Extra("heapalloc_delta", int64(ms.HeapAlloc)-int64(heap0))
	checkpoint.Extra("totalalloc_delta", int64(ms.TotalAlloc-total0))
	checkpoint.Extra("mallocs_delta", int64(ms.Mallocs-mallocs0))
	checkpoint.Mark(name)
}

func main() {
	checkpoint.Mark("start")
	step("after_1", 1, &k1)
	step("after_8", 8, &k8)
	step("after_9", 9, &k9)
	step("after_17", 17, &k17)
	step("after_33", 33, &k33)
	step("after_100", 100, &k100)
	step("after_1025", 1025, &k1025)
	step("after_4097", 4097, &k4097)
	step("after_32769", 32769, &k32769)
	step("after_40000", 40000, &k40000)
	checkpoint.Exit()
}
