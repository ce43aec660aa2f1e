// append(s, xs...): one growslice for all of xs's elements (none when they fit), a string's bytes
// for a []byte, a literal's elements (real Go 1.23.5 figures in appendspread.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type item struct {
	name string
	n    int
}

var items []item

func main() {
	a := make([]int, 0, 8)
	b := []int{2, 3, 4}
	runtime.ReadMemStats(&m1)
	a = append(a, b...)
	a = append(a, b[1:]...)
	runtime.ReadMemStats(&m2)
	fmt.Println("fits", len(a), cap(a), a[4], m2.Mallocs-m1.Mallocs)

	runtime.ReadMemStats(&m1)
	a = append(a, []int{5, 6, 7, 8, 9}...)
	runtime.ReadMemStats(&m2)
	fmt.Println("grows", len(a), cap(a), a[9], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	s := "hello, world"
	runtime.ReadMemStats(&m1)
	buf := append([]byte("> "), s...)
	runtime.ReadMemStats(&m2)
	fmt.Println("bytes", len(buf), string(buf[2:7]), m2.Mallocs-m1.Mallocs)

	x := 7
	runtime.ReadMemStats(&m1)
	items = append(items, []item{{"a", x}, {"b", 0}}...)
	runtime.ReadMemStats(&m2)
	fmt.Println("items", len(items), items[0].name, items[0].n, items[1].n == 0, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var none []int
	a = append(a, none...)
	fmt.Println("none", len(a))
}
