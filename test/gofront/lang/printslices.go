package main

import (
	"fmt"
	"os"
)

// fmt.Println, Printf("%v"), Fprintln and Fprintf of slices print their elements (gomem read them as zeros before).
func main() {
	ints := make([]int, 3)
	for i := range ints {
		ints[i] = i * i
	}
	words := []string{"go", "mem"}
	bytes := []byte("hi")
	var none []int
	fmt.Println(ints, words, bytes, none, len(ints))
	fmt.Printf("%v %v\n", ints[1:], words[:1])
	fmt.Fprintln(os.Stdout, words, bytes)
	fmt.Fprintf(os.Stdout, "%v\n", ints)
	// A slice of slices that does not escape, read by index (gomem faulted reading it).
	grid := [][]int{[]int{1, 2}, []int{3}}
	fmt.Println(len(grid), grid[0][1], grid[1][0])
}
