// defer f(x, y) of a variadic f: the values are evaluated at the defer statement, the call (and
// its ... slice, in the frame: "... argument does not escape") at the exit; real Go 1.23.5's
// output in defervariadic.out.
package main

import "fmt"

func report(prefix string, args ...any) {
	fmt.Println(prefix, len(args), args[0], args[len(args)-1])
}

func sum(xs ...int) {
	t := 0
	for _, x := range xs {
		t += x
	}
	fmt.Println("sum", t)
}

func work(n int) {
	defer report("done", n, "items")
	defer sum(n, n*2, n*3)
	defer sum()
	ys := []int{7, 8}
	defer sum(ys...)
	n = 100
	fmt.Println("working", n)
}

func main() {
	work(2)
}
