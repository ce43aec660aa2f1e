// hello: fmt.Println("hi"). Startup research for gomem (see ../../README.md).
package main

import "fmt"

func main() {
	probe()
	fmt.Println("hi")
}
