package main

import "fmt"

func sum(s []int) int {
	t := 0
	for _, x := range s {
		t += x
	}
	return t
}

func main() {
	b := make([]int, 4, 8)
	b[1] = 5
	b = append(b, 7)
	c := b[1:3]
	c[0]++
	fmt.Println(sum(b), len(c), cap(c), b[1])
	for i := 0; i < 10; i++ {
		b = append(b, i)
	}
	fmt.Println(sum(b), len(b), cap(b))
}
