// hellocp: the hello_idle shape of a reality case: the checkpoint helper,
// a first checkpoint, fmt.Println, an idle pause and the exit checkpoint.
// The reference numbers in /work/shared/checkpoints.md come from this shape.
// Startup research for gomem (see ../../README.md).
package main

import (
	"fmt"
	"time"

	"gomem/reality/checkpoint"
)

func main() {
	probe()
	checkpoint.Mark("start")
	afterStart()
	fmt.Println("hello")
	time.Sleep(50 * time.Millisecond)
	checkpoint.Exit()
}
