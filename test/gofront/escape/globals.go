package main

var sink *int
var keep []*int

func store(p *int) {
	sink = p
}

func noStore(p *int) int {
	return *p
}

func main() {
	x := 1
	y := 2
	store(&x)
	println(noStore(&y))
	z := new(int)
	keep = append(keep, z)
	w := new(int)
	*w = 3
	println(*w)
}
