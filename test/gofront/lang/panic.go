// An unrecovered panic after a recovered one: deferred calls still run, then Go's panic message and exit status 2.
package main

import "fmt"

type code int

func main() {
	defer fmt.Println("deferred runs before the crash")
	var m map[string]int
	func() {
		defer func() { fmt.Println("inner recovered:", recover()) }()
		m["x"] = 1
	}()
	panic(code(42))
}
