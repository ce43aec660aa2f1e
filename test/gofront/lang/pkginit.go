// Func literals in package-level initialisers: main.init.func1, … (a literal that captures nothing
// is static data; one returned from a literal called in the initialiser is a closure on the heap,
// its captured counter moved there too), and a map of them built by main.init (real Go 1.23.5's
// output in pkginit.out).
package main

import "fmt"

var count = 10

var double = func(x int) int { return 2 * x }

var counter = func() func() int {
	n := 0
	return func() int {
		n++
		return n
	}
}()

var table = map[string]func(int) int{
	"inc": func(x int) int { return x + 1 },
	"neg": func(x int) int { return -x },
}

var apply = func(name string, x int) int {
	return table[name](x)
}

func main() {
	c := counter
	c()
	fmt.Println(double(count), c(), counter(), apply("inc", 4), apply("neg", 2), len(table))
}
