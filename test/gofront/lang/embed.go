// Embedded struct fields: promoted fields and methods (value and pointer receivers, through a pointer
// embedding and two levels deep), interfaces satisfied through promoted methods, an embedded sync.Mutex
// (real Go 1.23.5 output in embed.out).
package main

import (
	"fmt"
	"runtime"
	"sync"
)

var m1, m2 runtime.MemStats

type Point struct {
	X, Y int
}

func (p Point) Sum() int { return p.X + p.Y }

func (p *Point) Move(dx, dy int) {
	p.X += dx
	p.Y += dy
}

type Named struct {
	Point
	Name string
}

type Labelled struct {
	*Named
	Label string
}

type Summer interface {
	Sum() int
}

type Mover interface {
	Move(dx, dy int)
}

type Counter struct {
	sync.Mutex
	n int
}

func (c *Counter) Inc() {
	c.Lock()
	c.n++
	c.Unlock()
}

func main() {
	n := Named{Point{1, 2}, "a"}
	n.X = 10
	n.Move(1, 1)
	fmt.Println(n.X, n.Y, n.Sum(), n.Point.Sum(), n.Name)

	l := Labelled{&n, "lab"}
	l.Move(5, 5)
	l.Y++
	fmt.Println(l.X, l.Y, l.Sum(), n.X, l.Name, l.Label)

	var s Summer = n
	var mv Mover = &n
	mv.Move(100, 0)
	v := s.Sum()
	fmt.Println(v, n.Sum())
	var s2 Summer = l
	v = s2.Sum()
	fmt.Println(v)

	var c Counter
	for i := 0; i < 5; i++ {
		c.Inc()
	}
	fmt.Println("count", c.n)

	runtime.ReadMemStats(&m1)
	p := &Named{Name: "heap"}
	p.Move(3, 4)
	sum := p.Sum()
	runtime.ReadMemStats(&m2)
	fmt.Println("local", sum, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
