package main

import "fmt"

type pair struct {
	a, b int
}

func main() {
	x := 300
	s := "hello"
	p := pair{1, 2}
	fmt.Println(x, s, "const", 7)
	fmt.Println(p.a)
	fmt.Printf("%d\n", x)
}
