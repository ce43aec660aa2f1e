// Real Go's side of `npm run bench -- tree`: builds a binary tree of N
// nodes (a struct of two pointers, an int64 and [40]byte: 64 bytes, scan)
// held by a global, depth first, and prints the build loop's time per node.
// Run with GOGC=off and GOMAXPROCS=1, as the gomem side runs.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

type Node struct {
	left, right *Node
	val         int64
	pad         [40]byte
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
		fmt.Fprintln(os.Stderr, "usage: tree N")
		os.Exit(2)
	}
	t0 := time.Now()
	root = build(n)
	d := time.Since(t0)
	fmt.Printf("{\"ns_per_node\":%.2f}\n", float64(d.Nanoseconds())/float64(n))
}
