// Composite literals with their types elided: [][]int{{4, 5}}, map[string][]int{"a": {1}},
// []*T{{…}} for &T{…}, [2]T{{…}}, map keys; each inner literal allocates as the same literal
// written out would (real Go 1.23.5 figures in elided.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type T struct {
	a, b int
}

type Point struct{ X, Y int }

var grid [][]int
var index map[string][]int
var nodes []*T
var byPoint map[Point]string

func main() {
	runtime.ReadMemStats(&m1)
	grid = [][]int{{4, 5}, {6}, {}}
	runtime.ReadMemStats(&m2)
	fmt.Println("grid", len(grid), grid[0][1], grid[1][0], len(grid[2]), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	index = map[string][]int{"a": {1}, "b": {2, 3}}
	runtime.ReadMemStats(&m2)
	fmt.Println("index", len(index), index["b"][1], len(index["a"]), m2.Mallocs-m1.Mallocs)

	runtime.ReadMemStats(&m1)
	nodes = []*T{{1, 2}, {b: 3}, nil}
	runtime.ReadMemStats(&m2)
	fmt.Println("nodes", nodes[0].a+nodes[0].b, nodes[1].a, nodes[1].b, nodes[2] == nil, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	pts := [3]Point{{1, 2}, {X: 3}}
	local := [][2]int{{7, 8}, {9, 10}}
	runtime.ReadMemStats(&m2)
	fmt.Println("local", pts[0].Y, pts[1].X, pts[2].X, local[1][0], m2.Mallocs-m1.Mallocs)

	runtime.ReadMemStats(&m1)
	byPoint = map[Point]string{{1, 2}: "a", {3, 4}: "b"}
	runtime.ReadMemStats(&m2)
	fmt.Println("byPoint", len(byPoint), byPoint[Point{3, 4}], m2.Mallocs-m1.Mallocs)

	deep := [][][]string{{{"x", "y"}, {"z"}}, {}}
	fmt.Println("deep", len(deep), len(deep[0]), deep[0][0][1], deep[0][1][0])

	ptrs := map[string]*Point{"p": {5, 6}}
	fmt.Println("ptrs", ptrs["p"].X, ptrs["p"].Y)
}
