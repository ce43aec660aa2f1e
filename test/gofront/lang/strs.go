// strings and strconv basics, with what they allocate (real Go 1.23.5 figures in strs.out).
package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

var m1, m2 runtime.MemStats

var sink string
var sinkS []string

func main() {
	runtime.ReadMemStats(&m1)
	for i := 0; i < 100; i++ {
		sink = strconv.Itoa(i)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("itoa small", sink, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	for i := 1000; i < 1100; i++ {
		sink = strconv.Itoa(i)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("itoa large", sink, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	n, err := strconv.Atoi("12345")
	fmt.Println("atoi", n, err)
	runtime.ReadMemStats(&m1)
	_, err = strconv.Atoi("12x45")
	runtime.ReadMemStats(&m2)
	fmt.Println("atoi error allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	fmt.Println(err)

	runtime.ReadMemStats(&m1)
	sink = strings.Repeat("ab", 50)
	runtime.ReadMemStats(&m2)
	fmt.Println("repeat", len(sink), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	sink = strings.Repeat(" ", 40)
	runtime.ReadMemStats(&m2)
	fmt.Println("repeat spaces", len(sink), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	line := "alpha,beta,gamma,delta"
	runtime.ReadMemStats(&m1)
	sinkS = strings.Split(line, ",")
	runtime.ReadMemStats(&m2)
	fmt.Println("split", len(sinkS), sinkS[2], m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	sink = strings.Join(sinkS, " + ")
	runtime.ReadMemStats(&m2)
	fmt.Println("join", sink, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	up := strings.ToUpper(line)
	same := strings.ToUpper("ALREADY")
	runtime.ReadMemStats(&m2)
	fmt.Println("upper", up, same, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	word := line[6:10]
	first := line[0]
	trimmed := strings.TrimSpace("  padded  ")
	runtime.ReadMemStats(&m2)
	fmt.Println("substr", word, first, trimmed, strings.Contains(line, "gam"), strings.HasPrefix(line, "al"), strings.HasSuffix(line, "x"), strings.Index(line, "beta"))
	fmt.Println("substr allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
