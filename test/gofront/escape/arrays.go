package main

var out [4]*int

func main() {
	var arr [4]*int
	a, b := 1, 2
	arr[0] = &a
	out[1] = &b
	println(*arr[0], *out[1])
}
