package main

import "fmt"

type shape interface {
	area() int
}

type circle struct{ r int }

func (c circle) area() int { return 3 * c.r * c.r }

type square struct{ s int }

func (s square) area() int { return s.s * s.s }

type registry struct {
	shapes []shape
}

func newRegistry() *registry {
	return &registry{}
}

func (r *registry) add(s shape) {
	r.shapes = append(r.shapes, s)
}

func (r *registry) total() int {
	t := 0
	for _, s := range r.shapes {
		t += s.area()
	}
	return t
}

func describeAll(r *registry) {
	for i, s := range r.shapes {
		fmt.Println(i, s)
	}
}
