// A package main of two files (go build compiles them as one package): types, methods and
// imports on both sides (real Go 1.23.5 output in ../multi.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

func main() {
	runtime.ReadMemStats(&m1)
	r := newRegistry()
	r.add(circle{2})
	r.add(square{3})
	runtime.ReadMemStats(&m2)
	fmt.Println("total area", r.total())
	fmt.Println("registry allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	describeAll(r)
}
