package main

var all []*int

func add(p *int) {
	all = append(all, p)
}

func main() {
	x := 1
	add(&x)
	var local []*int
	y := 2
	local = append(local, &y)
	println(len(all), len(local))
}
