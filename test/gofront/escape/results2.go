package main

func pick(a, b *int, first bool) *int {
	if first {
		return a
	}
	return b
}

var sink *int

func main() {
	x, y := 1, 2
	println(*pick(&x, &y, true))
	u, v := 3, 4
	sink = pick(&u, &v, false)
}
