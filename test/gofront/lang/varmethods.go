// Variadic methods: the implicit ...T slice on the caller's stack where it does not escape,
// on the heap where the method keeps it; m(xs...) passes the slice itself (real Go 1.23.5 output in varmethods.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type stats struct {
	n, total int
	last     []int
}

func (s *stats) add(xs ...int) int {
	for _, x := range xs {
		s.n++
		s.total += x
	}
	return s.total
}

func (s *stats) keep(xs ...int) {
	s.last = xs
}

type scale int

func (k scale) apply(prefix string, xs ...int) int {
	t := 0
	for _, x := range xs {
		t += int(k) * x
	}
	return t + len(prefix)
}

var global stats

func main() {
	var s stats
	runtime.ReadMemStats(&m1)
	a := s.add(1, 2, 3)
	b := s.add()
	nums := []int{10, 20}
	c := s.add(nums...)
	runtime.ReadMemStats(&m2)
	fmt.Println("add", a, b, c, s.n, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	global.keep(4, 5, 6, 7)
	runtime.ReadMemStats(&m2)
	fmt.Println("keep", len(global.last), global.last[3], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	k := scale(3)
	runtime.ReadMemStats(&m1)
	d := k.apply("ab", 1, 2)
	e := k.apply("")
	runtime.ReadMemStats(&m2)
	fmt.Println("apply", d, e, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
