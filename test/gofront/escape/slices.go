package main

var out []int

func fill(s []int) {
	for i := range s {
		s[i] = i
	}
}

func keepIt(s []int) {
	out = s
}

func main() {
	a := make([]int, 8)
	fill(a)
	b := make([]int, 8)
	keepIt(b)
	var arr [4]int
	c := arr[:]
	fill(c)
	println(a[1], b[2], c[3])
}
