// Conversions between strings, bytes and runes, and range over a string: what they copy
// (real Go 1.23.5 figures in convs.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var sink string
var sinkB []byte

func count(s string) int {
	n := 0
	for _, r := range s {
		if r > 127 {
			n++
		}
	}
	return n
}

func main() {
	b := []byte("hello, world")
	runtime.ReadMemStats(&m1)
	sink = string(b)
	runtime.ReadMemStats(&m2)
	fmt.Println("string(b) escaping", sink, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	local := string(b[:5])
	same := local == "hello"
	runtime.ReadMemStats(&m2)
	fmt.Println("string(b) local", same, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	long := "a string that is longer than thirty-two bytes"
	runtime.ReadMemStats(&m1)
	sinkB = []byte(long)
	runtime.ReadMemStats(&m2)
	fmt.Println("[]byte(s) escaping", len(sinkB), cap(sinkB), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	tmp := []byte("short")
	tmp[0] = 'S'
	n := len(tmp)
	runtime.ReadMemStats(&m2)
	fmt.Println("[]byte(s) local", n, tmp[0], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	k := count("héllo wörld")
	for i, r := range "añb" {
		sink = string(r)
		fmt.Println(i, r, sink)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("runes", k, m2.Mallocs-m1.Mallocs > 0)
}
