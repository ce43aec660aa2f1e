// Variadic parameters of interface type: f(args ...any) called with values (each boxed into the
// implicit []any, in the frame when it does not escape, on the heap when it does) and with xs...
// (the slice itself); a method and a ...Stringer too (real Go 1.23.5 figures in variadic_any.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var kept []any

type Stringer interface{ String() string }

type name string

func (n name) String() string { return string(n) }

func count(args ...any) int {
	n := 0
	for _, a := range args {
		switch v := a.(type) {
		case int:
			n += v
		case string:
			n += len(v)
		}
	}
	return n
}

func keep(args ...any) {
	kept = args
}

func join(sep string, parts ...Stringer) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += sep
		}
		s += p.String()
	}
	return s
}

type logger struct{ lines [][]any }

func (l *logger) add(args ...any) {
	l.lines = append(l.lines, args)
}

func main() {
	runtime.ReadMemStats(&m1)
	a := count(1, 2, "abc")
	b := count()
	xs := []any{4, "hello"}
	c := count(xs...)
	runtime.ReadMemStats(&m2)
	fmt.Println("count", a, b, c, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	big := 1000
	runtime.ReadMemStats(&m1)
	keep(big, "x", 3.5)
	runtime.ReadMemStats(&m2)
	fmt.Println("keep", len(kept), kept[0], kept[1], kept[2], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	s := join(", ", name("a"), name("b"))
	runtime.ReadMemStats(&m2)
	fmt.Println("join", s, m2.Mallocs-m1.Mallocs)

	l := &logger{}
	runtime.ReadMemStats(&m1)
	l.add("start", 1)
	l.add(xs...)
	runtime.ReadMemStats(&m2)
	fmt.Println("logger", len(l.lines), len(l.lines[0]), l.lines[0][0], l.lines[1][1], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
