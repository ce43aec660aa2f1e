// go f(x, y, z) of a variadic f: the values go to the new goroutine, which makes the ... slice in
// its own frame (the compiler's main.main.gowrap1: "... argument does not escape"); real Go
// 1.23.5's output in govariadic.out.
package main

import (
	"fmt"
	"sync"
)

var wg sync.WaitGroup
var mu sync.Mutex
var total int
var lines []string

func add(xs ...int) {
	defer wg.Done()
	mu.Lock()
	for _, x := range xs {
		total += x
	}
	mu.Unlock()
}

func logf(prefix string, args ...any) {
	defer wg.Done()
	mu.Lock()
	lines = append(lines, fmt.Sprint(prefix, len(args)))
	mu.Unlock()
}

func main() {
	wg.Add(5)
	go add(1, 2, 3)
	go add(4)
	go add()
	go logf("a", 1, "two")
	go logf("b")
	wg.Wait()
	fmt.Println(total, len(lines))
}
