// exact: a heap profile with exact counts (runtime.MemProfileRate = 1, so
// scaleHeapSample leaves every value as counted), for the heap-profile
// importer's tests (test/import/pprof.test.ts). It keeps 1000 48-byte nodes
// and 200 pointerful 980-byte structs (1024-byte slots with their malloc
// header), drops 500 4 KiB buffers and 3 100000-byte ones (large objects of
// 13 pages) but the last of each, runs two GCs so that the profile has
// published them (runtime/mprof.go), and writes heap.pb.gz to its argument's
// directory.
package main

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

type node struct {
	left, right *node
	val         [4]int64
}

type big struct {
	p [60]*int
	b [500]byte
}

var (
	nodes    []*node
	bigs     []*big
	lastBuf  []byte
	lastWide []byte
)

func main() {
	runtime.MemProfileRate = 1
	nodes = make([]*node, 0, 1000)
	bigs = make([]*big, 0, 200)
	for i := 0; i < 1000; i++ {
		nodes = append(nodes, &node{})
	}
	for i := 0; i < 200; i++ {
		bigs = append(bigs, &big{})
	}
	for i := 0; i < 500; i++ {
		lastBuf = make([]byte, 4096)
	}
	for i := 0; i < 3; i++ {
		lastWide = make([]byte, 100000)
	}
	runtime.GC()
	runtime.GC()
	f, err := os.Create(filepath.Join(os.Args[1], "heap.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
}
