package main

var n = 10

func main() {
	a := make([]byte, 100)
	b := make([]byte, 100000)
	c := make([]int, n)
	d := new([100000]byte)
	e := new([100]byte)
	a[0] = 1
	b[0] = 1
	c[0] = 1
	d[0] = 1
	e[0] = 1
	println(len(a), len(b), len(c), len(d), len(e))
}
