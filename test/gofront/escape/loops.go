package main

var total int

func sum(xs *[8]int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func main() {
	var xs [8]int
	for i := 0; i < 8; i++ {
		xs[i] = i
	}
	total = sum(&xs)
	p := &total
	*p++
	println(total)
}
