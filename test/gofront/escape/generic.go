package main

func first[T any](xs []T) T {
	return xs[0]
}

func alloc[T any]() *T {
	return new(T)
}

var sink *int

func main() {
	xs := []int{1, 2}
	println(first(xs))
	sink = alloc[int]()
}
