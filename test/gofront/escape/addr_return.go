package main

type point struct{ x, y int }

func newPoint() *point {
	p := point{1, 2}
	return &p
}

func lit() *point {
	return &point{3, 4}
}

func local() int {
	p := point{5, 6}
	q := &p
	return q.x
}

func main() {
	a := newPoint()
	b := lit()
	println(a.x + b.y + local())
}
