package main

import "fmt"

type rec struct {
	name string
	n    int
}

var recs []rec

func keepName(s string) {
	recs = append(recs, rec{name: s})
}

func main() {
	keepName("x")
	r := rec{"a", 1}
	fmt.Println(r.name, r.n)
	s := fmt.Sprintf("%d", r.n)
	fmt.Println(s)
}
