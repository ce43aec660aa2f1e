// Real Go's side of `npm run bench -- mark`: builds a binary tree of N
// 32-byte nodes (two pointers and two int64s: size class 32, scan, heap bits
// in the span) held by a global, depth first, then times one runtime.GC()
// — sweep termination, mark, mark termination and the full sweep, since
// runtime.GC returns only after sweeping — and prints its time per live
// node. Run with GOGC=off and GOMAXPROCS=1, as the gomem side runs. Exits
// non-zero if the collection did not keep the tree (a wrong measurement).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

type Node struct {
	left, right *Node
	val, pad    int64
}

var root *Node

func build(count int) *Node {
	if count == 0 {
		return nil
	}
	n := &Node{}
	l := (count - 1) / 2
	n.left = build(l)
	n.right = build(count - 1 - l)
	n.val = int64(count)
	return n
}

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: mark N")
		os.Exit(2)
	}
	root = build(n)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	runtime.GC()
	d := time.Since(t0)
	runtime.ReadMemStats(&after)
	if after.NumGC != before.NumGC+1 || after.HeapAlloc < uint64(n)*32 || after.HeapAlloc > uint64(n)*32+(8<<20) {
		fmt.Fprintf(os.Stderr, "mark: the GC did not keep the tree: NumGC %d→%d, HeapAlloc %d for %d nodes\n", before.NumGC, after.NumGC, after.HeapAlloc, n)
		os.Exit(1)
	}
	fmt.Printf("{\"ns_per_op\":%.2f,\"heap_alloc\":%d}\n", float64(d.Nanoseconds())/float64(n), after.HeapAlloc)
}
