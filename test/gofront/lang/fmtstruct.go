// fmt.Println, %v and %+v of structs, pointers to structs and lists of interfaces or structs: the
// front end formats them by their Go types (fmt's own formatter sees only JS values), and boxes
// the struct as Go does (real Go 1.23.5 output and allocation counts in fmtstruct.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type P struct {
	X, Y int
	S    string
}

type Q struct {
	P  P
	On bool
}

func main() {
	p := P{1, 2, "a"}
	q := Q{P{3, 4, "b"}, true}
	fmt.Println(p, &p, q)
	fmt.Println([]any{1, "x", 2.5}, []P{{5, 6, "c"}}, [2]any{7, "y"})
	fmt.Printf("%v %v\n", p, []any{8, "z"})
	fmt.Printf("%+v %+v %5d%%\n", q, &p, 42)
	runtime.ReadMemStats(&m1)
	fmt.Println(p)
	runtime.ReadMemStats(&m2)
	fmt.Println("mallocs", m2.Mallocs-m1.Mallocs)
}
