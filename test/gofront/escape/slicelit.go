package main

var keep []int

func main() {
	a := []int{1, 2, 3}
	b := []int{4, 5, 6}
	keep = b
	println(len(a), a[0], len(keep))
}
