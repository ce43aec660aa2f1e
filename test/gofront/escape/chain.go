package main

type T struct {
	p *int
}

var g T

func set(t *T, v *int) {
	t.p = v
}

func main() {
	a := 1
	var t T
	set(&t, &a)
	b := 2
	set(&g, &b)
	println(*t.p, *g.p)
}
