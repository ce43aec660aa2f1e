package main

import "fmt"

var global map[string]*int

func count(words []string) map[string]int {
	m := make(map[string]int)
	for _, w := range words {
		m[w]++
	}
	return m
}

func main() {
	c := count([]string{"a", "b", "a"})
	fmt.Println(c["a"], c["b"], len(c))
	local := map[int]int{1: 10, 2: 20}
	v, ok := local[3]
	delete(local, 1)
	fmt.Println(v, ok, len(local), local[2])
	x := 5
	global = map[string]*int{}
	global["x"] = &x
	sum := 0
	for k, v := range local {
		sum += k + v
	}
	fmt.Println(sum, *global["x"])
}
