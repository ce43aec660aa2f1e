// Variadic functions: the implicit ...T slice on the caller's stack where it does not escape,
// on the heap where it does; f(xs...) passes the slice itself (real Go 1.23.5 figures in variadic.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var kept []int

func sum(base int, xs ...int) int {
	t := base
	for _, x := range xs {
		t += x
	}
	return t
}

func keep(xs ...int) {
	kept = xs
}

func main() {
	runtime.ReadMemStats(&m1)
	a := sum(1, 2, 3, 4)
	b := sum(10)
	nums := []int{5, 6, 7}
	c := sum(0, nums...)
	runtime.ReadMemStats(&m2)
	fmt.Println("sum", a, b, c, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	keep(1, 2, 3)
	runtime.ReadMemStats(&m2)
	fmt.Println("keep", len(kept), kept[2], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
