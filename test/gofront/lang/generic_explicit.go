// Generic functions and types instantiated explicitly: F[int](x) (one type argument, which reads
// like a conversion), F[K, V](k, v), F[T]() with nothing to infer from, T[int]{} and &T[string]{}
// (real Go 1.23.5's output in generic_explicit.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

func Last[T any](xs []T) T {
	return xs[len(xs)-1]
}

func Swap[K, V any](k K, v V) (V, K) {
	return v, k
}

func Zero[T any]() T {
	var z T
	return z
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

func main() {
	runtime.ReadMemStats(&m1)
	a := Last[int64]([]int64{1, 2, 3})
	b := Last[float64]([]float64{1.5, 2})
	v, k := Swap[string, int]("one", 1)
	z := Zero[int]()
	q := Pair[string, int]{"k", 3}
	runtime.ReadMemStats(&m2)
	fmt.Println(a, b, v, k, z, q.Key, q.Val, m2.Mallocs-m1.Mallocs)

	s := Stack[int]{}
	s.Push(4)
	r := &Stack[string]{}
	r.Push("x")
	fmt.Println(len(s.items), r.items[0])
}
