// strings.Builder: its []byte grown as append grows it (or once by Grow), String() sharing the bytes
// (real Go 1.23.5 output in builder.out).
package main

import (
	"fmt"
	"runtime"
	"strings"
)

var m1, m2 runtime.MemStats

var kept string

func csv(xs []string) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

func main() {
	xs := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	runtime.ReadMemStats(&m1)
	kept = csv(xs)
	runtime.ReadMemStats(&m2)
	fmt.Println(kept, len(kept), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var b strings.Builder
	runtime.ReadMemStats(&m1)
	b.Grow(100)
	for i := 0; i < 20; i++ {
		b.WriteString("abcd")
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("grow", b.Len(), b.Cap(), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var r strings.Builder
	runtime.ReadMemStats(&m1)
	n, _ := r.WriteRune('é')
	r.WriteRune('!')
	r.WriteString(" über")
	kept = r.String()
	runtime.ReadMemStats(&m2)
	fmt.Println(kept, n, r.Len(), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var big strings.Builder
	runtime.ReadMemStats(&m1)
	for i := 0; i < 1000; i++ {
		big.WriteString("0123456789")
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("big", big.Len(), big.Cap(), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	big.Reset()
	empty := big.String()
	fmt.Println("reset", big.Len(), empty == "")
}
