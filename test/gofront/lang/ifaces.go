// Interfaces with methods, type switches and assertions: what converting to an interface costs
// (real Go 1.23.5 figures in ifaces.out).
package main

import (
	"errors"
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type Shape interface {
	Area() int
	Name() string
}

type Sq struct{ s int }

func (q Sq) Area() int     { return q.s * q.s }
func (q Sq) Name() string  { return "square" }

type Rect struct{ w, h int }

func (r *Rect) Area() int    { return r.w * r.h }
func (r *Rect) Name() string { return "rect" }

type Empty struct{}

func (Empty) Area() int    { return 0 }
func (Empty) Name() string { return "empty" }

type Named interface {
	Name() string
}

var sinkAny any
var sinkShape Shape
var sinkErr error
var shapes []Shape

func total(ss []Shape) int {
	t := 0
	for _, s := range ss {
		t += s.Area()
	}
	return t
}

func describe(x any) string {
	switch v := x.(type) {
	case nil:
		return "nil"
	case int:
		return "int"
	case string:
		return "string " + v
	case Shape:
		return "shape " + v.Name()
	case error:
		return "error " + v.Error()
	default:
		return "other"
	}
}

func main() {
	runtime.ReadMemStats(&m1)
	for i := 0; i < 100; i++ {
		sinkAny = i
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("small ints", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	for i := 1000; i < 1100; i++ {
		sinkAny = i
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("large ints", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	for i := 0; i < 10; i++ {
		sinkAny = true
		sinkAny = Empty{}
		sinkAny = "constant"
		sinkAny = uint8(i + 200)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("free boxes", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	words := []string{"a", "bb", "ccc"}
	runtime.ReadMemStats(&m1)
	for _, w := range words {
		sinkAny = w
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("strings", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	sinkShape = Sq{7}
	a := sinkShape.Area()
	sinkShape = Sq{300}
	b := sinkShape.Area()
	sinkShape = &Rect{3, 4}
	c := sinkShape.Area()
	runtime.ReadMemStats(&m2)
	fmt.Println("shapes", a, b, c, sinkShape.Name())
	fmt.Println("shapes allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	shapes = []Shape{Sq{2}, &Rect{2, 5}, Empty{}}
	t := total(shapes)
	runtime.ReadMemStats(&m2)
	fmt.Println("total", t)
	fmt.Println("total allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	var local Shape = Sq{1000}
	d := local.Area()
	runtime.ReadMemStats(&m2)
	fmt.Println("local", d)
	fmt.Println("local allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	sinkErr = errors.New("boom")
	runtime.ReadMemStats(&m2)
	fmt.Println("errors.New allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	fmt.Println(sinkErr)

	n := 1000
	var none any
	fmt.Println(describe(none))
	fmt.Println(describe(n))
	fmt.Println(describe("x"))
	fmt.Println(describe(Sq{3}))
	fmt.Println(describe(sinkErr))
	fmt.Println(describe(2.5))

	runtime.ReadMemStats(&m1)
	v, ok := sinkAny.(string)
	w, ok2 := sinkAny.(int)
	sh, ok3 := sinkShape.(*Rect)
	nm, ok4 := sinkShape.(Named)
	runtime.ReadMemStats(&m2)
	fmt.Println("assert", v, ok, w, ok2, sh.w, ok3, nm.Name(), ok4)
	fmt.Println("assert allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var e1, e2 any = 5, 5
	var e3 any = "5"
	var s1 Shape = Sq{4}
	var s2 Shape = Sq{4}
	fmt.Println("equal", e1 == e2, e1 == e3, s1 == s2, e1 == 5, none == nil)
	fmt.Println(s1, sinkShape.Name())
}
