package main

var sink int

func read(pp **int) int {
	return **pp
}

func write(pp **int, v *int) {
	*pp = v
}

func main() {
	a := 1
	p := &a
	sink = read(&p)
	b := 2
	q := &a
	write(&q, &b)
	println(*q)
}
