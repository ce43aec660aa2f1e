// hello: real Go's side of the start-up benchmark (bench/startup.ts). A
// fmt hello-world and nothing else: exec of the static binary, the runtime's
// start (heap arena reservation, the allocator's and the GC's set-up, the
// package inits), one Println, exit. reality/cases/hello is this program
// with checkpoints and a 2 s sleep: gomem's `run hello` simulates the sleep
// in virtual time, while real Go would spend it on the wall clock.
package main

import "fmt"

func main() {
	fmt.Println("hi")
}
