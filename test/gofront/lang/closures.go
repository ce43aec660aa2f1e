// Closures and func values: what capturing costs (real Go 1.23.5 figures in closures.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var sink func() int

type big struct {
	a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q int
}

func counter() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}

func adder(base int) func(int) int {
	return func(x int) int { return base + x }
}

func apply(f func(int) int, x int) int {
	return f(x)
}

func twice(x int) int {
	return 2 * x
}

func main() {
	runtime.ReadMemStats(&m1)
	c := counter()
	c()
	c()
	v := c()
	runtime.ReadMemStats(&m2)
	fmt.Println("counter", v)
	fmt.Println("counter allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	add5 := adder(5)
	w := apply(add5, 10)
	runtime.ReadMemStats(&m2)
	fmt.Println("adder", w)
	fmt.Println("adder allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	total := 0
	for i := 0; i < 10; i++ {
		func() { total += i }()
	}
	x := apply(twice, total)
	runtime.ReadMemStats(&m2)
	fmt.Println("local", total, x)
	fmt.Println("local allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	k := 7
	sink = func() int { return k * 3 }
	runtime.ReadMemStats(&m2)
	fmt.Println("sink", sink())
	fmt.Println("sink allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i * i })
	}
	runtime.ReadMemStats(&m2)
	for _, f := range fs {
		fmt.Println("loopvar", f())
	}
	fmt.Println("loopvar allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	b := big{a: 1, q: 2}
	sink = func() int { return b.a + b.q }
	runtime.ReadMemStats(&m2)
	fmt.Println("big", sink())
	fmt.Println("big allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var nilf func()
	fmt.Println("nil func", nilf == nil)
}
