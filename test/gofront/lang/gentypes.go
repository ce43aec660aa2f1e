// Generic types instantiated with concrete types: a Stack[T] with methods, a linked List[T] of
// *node[T], a Pair[K, V]; each instance its own type and methods (real Go 1.23.5 output in gentypes.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(v T) {
	s.items = append(s.items, v)
}

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

func (s Stack[T]) Len() int { return len(s.items) }

type node[T any] struct {
	val  T
	next *node[T]
}

type List[T comparable] struct {
	head *node[T]
	n    int
}

func (l *List[T]) Add(v T) {
	l.head = &node[T]{v, l.head}
	l.n++
}

func (l *List[T]) Has(v T) bool {
	for p := l.head; p != nil; p = p.next {
		if p.val == v {
			return true
		}
	}
	return false
}

type Pair[K any, V any] struct {
	Key K
	Val V
}

func (p Pair[K, V]) Swap() Pair[V, K] {
	return Pair[V, K]{p.Val, p.Key}
}

var words List[string]

func main() {
	var s Stack[int]
	runtime.ReadMemStats(&m1)
	for i := 0; i < 5; i++ {
		s.Push(i * i)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("pushed", s.Len(), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
	v, ok := s.Pop()
	fmt.Println(v, ok, s.Len())

	ss := &Stack[string]{}
	ss.Push("a")
	ss.Push("b")
	top, _ := ss.Pop()
	fmt.Println(top, ss.Len())

	runtime.ReadMemStats(&m1)
	words.Add("go")
	words.Add("memory")
	runtime.ReadMemStats(&m2)
	fmt.Println("list", words.n, words.Has("go"), words.Has("rust"), m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	p := Pair[string, int]{"x", 7}
	q := p.Swap()
	fmt.Println(q.Key, q.Val)
}
