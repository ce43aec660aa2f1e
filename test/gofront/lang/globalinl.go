// Package variables' slice literals (of strings, interfaces, ints) in a program
// with an inlinable function: the shape of reality/cases/container-oom, whose
// names filled a make([]metrics.Sample, len(names)) passed to a function
// (here name, which both gc and gomem inline). The
// initialisers are emitted after the functions, whose inlined copies come last;
// they must be laid out as main.init's (on the heap, as globals hold them), not
// as an inlined body's frame (gomem read names[i] as nil: "unexpected fault
// address 0x0" at the first s[i].Name = names[i]).
package main

import (
	"fmt"
	"runtime"
)

type T struct {
	Name string
	V    int
}

var names = []string{"a", "bb", "ccc"}

var vals = []any{1, "two", 3.0}

var nums = []int{4, 5, 6}

func name(s []T, i int) string { return s[i].Name }

var m0, m1 runtime.MemStats

func main() {
	runtime.ReadMemStats(&m0)
	s := make([]T, len(names))
	for i := range s {
		s[i].Name = names[i]
		s[i].V = len(names[i])
	}
	runtime.ReadMemStats(&m1)
	fmt.Println("make:", m1.Mallocs-m0.Mallocs, "mallocs,", m1.TotalAlloc-m0.TotalAlloc, "bytes")
	for i := range s {
		fmt.Println(name(s, i), s[i].V)
	}
	fmt.Println(vals[0], vals[1], vals[2])
	nums = append(nums, 7)
	fmt.Println(nums, len(nums))
	// An explicit conversion to an interface boxes as an implicit one does.
	v := any(len(nums))
	fmt.Println(v, any(8), error(nil) == nil)
}
