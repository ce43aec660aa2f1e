// defer, panic and recover: deferred calls in LIFO order, named results a deferred closure changes,
// recovered panics (values and runtime errors), and what defers allocate (real Go 1.23.5 figures in defer.out).
package main

import (
	"errors"
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var trace []string

func note(s string) {
	trace = append(trace, s)
}

func order() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("body done")
}

func double(x int) (r int) {
	defer func() { r *= 2 }()
	return x + 1
}

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

var errBad = errors.New("bad input")

func mustPositive(n int) int {
	if n < 0 {
		panic(errBad)
	}
	return n
}

func try(n int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	return mustPositive(n), nil
}

func index(xs []int, i int) (v int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
			v = -1
		}
	}()
	return xs[i]
}

func args() {
	x := 1
	defer fmt.Println("x at defer", x)
	x = 2
	fmt.Println("x at return", x)
}

func cheap(n int) int {
	s := 0
	defer func() { s++ }()
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}

func strPanic() (msg string) {
	defer func() {
		msg = fmt.Sprint(recover())
	}()
	panic("plain string")
}

func main() {
	order()
	fmt.Println("double", double(4))
	q, err := safeDiv(7, 2)
	fmt.Println("div", q, err)
	q, err = safeDiv(7, 0)
	fmt.Println("div", q, err)
	v, err := try(5)
	fmt.Println("try", v, err)
	v, err = try(-5)
	fmt.Println("try", v, err, err == errBad)
	fmt.Println("index", index([]int{1, 2, 3}, 1), index([]int{1, 2, 3}, 5))
	args()
	fmt.Println("str", strPanic())

	runtime.ReadMemStats(&m1)
	t := 0
	for i := 0; i < 100; i++ {
		t += cheap(10)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("cheap", t)
	fmt.Println("cheap allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	note("a")
	func() {
		defer note("deferred")
		note("b")
	}()
	fmt.Println(len(trace), trace[0], trace[1], trace[2])
	fmt.Println(recover())
}
