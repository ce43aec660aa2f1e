// []rune(s) and string(runes): stringtoslicerune and slicerunetostring's allocations (the 32-rune and
// 32-byte stack buffers where the result does not escape and fits), as real Go 1.23.5 (runes.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

var keptRunes []rune
var keptString string

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func count(s string) int {
	r := []rune(s)
	return len(r)
}

func keep(s string) {
	keptRunes = []rune(s)
}

func main() {
	runtime.ReadMemStats(&m1)
	n := count("héllo, wörld")
	runtime.ReadMemStats(&m2)
	fmt.Println("count", n, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	n = count("a string of more than thirty-two runes, on the heap")
	runtime.ReadMemStats(&m2)
	fmt.Println("count long", n, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	keep("日本語")
	runtime.ReadMemStats(&m2)
	fmt.Println("keep", len(keptRunes), cap(keptRunes), keptRunes[1], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	keptString = reverse("héllo")
	runtime.ReadMemStats(&m2)
	fmt.Println("reverse", keptString, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	keptString = reverse("")
	runtime.ReadMemStats(&m2)
	fmt.Println("reverse empty", len(keptString), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	rs := []rune{'G', 'o', '!', 0x1F600}
	runtime.ReadMemStats(&m1)
	local := string(rs)
	runtime.ReadMemStats(&m2)
	fmt.Println("local", len(local), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	fmt.Println(local)

	runtime.ReadMemStats(&m1)
	eq := string(rs[:3]) == "Go!"
	runtime.ReadMemStats(&m2)
	fmt.Println("compare", eq, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
